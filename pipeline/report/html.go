package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

//go:embed html.tmpl
var htmlSource string

// htmlFuncs format values for html.tmpl much as the text report does.
// The template escapes what they return; Visible first spells out the
// invalid UTF-8 and control characters of log data, so that the page stays
// valid UTF-8 and shows what the line held.
var htmlFuncs = template.FuncMap{
	"num":           num,
	"pct":           pct,
	"ms":            msGrouped,
	"bytes":         bytesHuman,
	"plural":        plural,
	"span":          span,
	"stamp":         stamp,
	"human":         humanTime,
	"uniqueIPs":     uniqueIPs,
	"latencyMethod": latencyMethod,
	"latencyCells":  func(l Latency) []string { return latencyCells(msGrouped, l) },
	"visible":       Visible,
	"fileError":     func(f File) string { return fileError(&f) },
	"when":          when,
	"uint64":        func(n int) uint64 { return uint64(n) },
	"sevClass":      sevClass,
	"runbook":       func(in incident.Incident) incident.Runbook { return runbook(&in) },
	"open":          func(in incident.Incident) bool { return in.Status == incident.Open },
	"value":         value,
	"threshold":     func(m MetricSeries) string { return threshold(&m) },
	"crossing":      func(m MetricSeries) string { return crossing(&m) },
	"metricTitle":   metricTitle,
	"metricCaption": metricCaption,
	"counts": func(title string, cs []Count) countList {
		return countList{Title: title, Counts: cs}
	},
}

var parseHTML = sync.OnceValues(func() (*template.Template, error) {
	return template.New("html").Funcs(htmlFuncs).Parse(htmlSource)
})

// WriteHTML writes r as one self-contained HTML page for sharing (in a
// ticket, a chat thread or a mail): no scripts and no external resources,
// the timeline drawn as inline SVG, every string from the logs escaped.
// The first screen says what happened and when: a short summary of the
// input, the incidents (open ones first, one compact row each), then the
// timeline with each incident's span shaded in its severity's colour; the
// tables of the text report follow, the input files last.
func WriteHTML(w io.Writer, r *Report) error {
	t, err := parseHTML()
	if err != nil {
		return fmt.Errorf("cannot parse the HTML template: %w", err)
	}
	return t.Execute(w, newHTMLPage(r))
}

// htmlPage is what html.tmpl renders: the report and the values computed
// from it.
type htmlPage struct {
	*Report
	// IncidentList is Report.Incidents, open ones first.
	IncidentList  []incident.Incident
	OpenIncidents int
	Status        []share
	StatusMix     []share
	ClassMix      []share
	Chart         *chart // nil when no row of the timeline has a time
	MetricCharts  []metricChart
	Table         []TimelineRow
	TableTitle    string
	TableP95      string // the p95 column's header
	// EndpointLatency says whether the endpoints table has percentile
	// columns: when the report has durations, but not on the live page
	// (windows keep no percentiles per endpoint).
	EndpointLatency bool
	// Live is set on the live page only (WriteLiveHTML).
	Live *livePage
}

// share is one part of a whole: a status code, a status class or a
// user-agent class. X and W place it in a 1000-wide stacked bar.
type share struct {
	Key   string
	Count uint64
	Share string
	Class string
	X, W  string
}

type countList struct {
	Title  string
	Counts []Count
}

func newHTMLPage(r *Report) *htmlPage {
	rc := *r
	rc.Schema = Schema
	p := &htmlPage{Report: &rc, IncidentList: openFirst(r.Incidents), Chart: newChart(r), EndpointLatency: r.Latency.Count > 0,
		MetricCharts: newMetricCharts(r)}
	for _, in := range r.Incidents {
		if in.Status == incident.Open {
			p.OpenIncidents++
		}
	}
	p.Status, p.StatusMix = statusShares(&r.Requests)
	classes := make([]share, 0, len(r.UserAgentClasses))
	for _, c := range r.UserAgentClasses {
		classes = append(classes, share{Key: c.Key, Count: c.Count, Class: uaClass(c.Key)})
	}
	p.ClassMix = stack(classes, r.Requests.Total)
	if len(r.Timeline) > 0 {
		base := timelineStep(r)
		rows, step := rebin(r)
		p.Table, p.TableTitle, p.TableP95 = rows, "Numbers per "+stepName(base), "p95 ms"
		if step != base {
			p.TableTitle = "Numbers per " + stepName(step) + " (the JSON report has every " + stepName(base) + ")"
			p.TableP95 = "max " + stepName(base) + " p95 ms"
		}
	}
	return p
}

// statusShares returns one row per status code, in code order, and the
// mix of status classes.
func statusShares(q *Requests) (rows, mix []share) {
	codes := make([]string, 0, len(q.Status))
	for c := range q.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	byClass := map[string]uint64{}
	for _, c := range codes {
		class := statusClass(c)
		rows = append(rows, share{Key: Visible(c), Count: q.Status[c], Share: pct(ratio(q.Status[c], q.Total)), Class: "k-" + class})
		byClass[class] += q.Status[c]
	}
	for _, class := range []string{"2xx", "3xx", "4xx", "5xx", "other"} {
		if n := byClass[class]; n > 0 {
			mix = append(mix, share{Key: class, Count: n, Class: "k-" + class})
		}
	}
	return rows, stack(mix, q.Total)
}

func statusClass(code string) string {
	if len(code) == 3 && code[0] >= '2' && code[0] <= '5' {
		return code[:1] + "xx"
	}
	return "other"
}

// uaClass is the CSS class of a user-agent class; unknown names share one.
func uaClass(class string) string {
	switch class {
	case "browser", "bot", "tool", "monitor", "unknown":
		return "k-" + class
	}
	return "k-other"
}

// stack sets the shares of parts (relative to total, as the text report
// does) and lays them out side by side in proportion to their counts.
func stack(parts []share, total uint64) []share {
	var sum uint64
	for _, p := range parts {
		sum += p.Count
	}
	var x float64
	for i := range parts {
		w := 1000 * ratio(parts[i].Count, sum)
		parts[i].X, parts[i].W = coord(x), coord(w)
		parts[i].Share = pct(ratio(parts[i].Count, total))
		x += w
	}
	return parts
}

// sevClass is the CSS class of a severity badge: red P1 … grey P4.
func sevClass(sev incident.Severity) string {
	switch sev {
	case incident.P1, incident.P2, incident.P3, incident.P4:
		return "sev-" + strings.ToLower(sev.String())
	}
	return "sev-other"
}

// msGrouped is ms with thousands separated, easier to read in a page of
// figures: "60,050" rather than "60050".
func msGrouped(v float64) string {
	if v < 1000 {
		return ms(v)
	}
	return num(uint64(math.Round(v)))
}

// coord formats an SVG coordinate to a tenth of a unit, which is finer
// than a pixel at any sensible size and keeps the page small.
func coord(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}

// whenCell is an incident's time in the incidents table: its span on the
// first line, its date and how long it lasted (so far, when open) below.
type whenCell struct{ Span, Note string }

// when fills the incidents table's time cell: "02:01 to 02:08 UTC" over
// "2026-03-01, 7m"; the dates go on the first line when the incident
// crosses midnight.
func when(in incident.Incident) whenCell {
	if in.Start.IsZero() || in.End.IsZero() {
		return whenCell{Span: humanTime(in.Start) + " to " + humanTime(in.End)}
	}
	start, end := in.Start.UTC(), in.End.UTC()
	layout := "15:04"
	if start.Truncate(24*time.Hour) != end.Add(-time.Nanosecond).Truncate(24*time.Hour) {
		layout = "Jan 2 15:04"
	}
	c := whenCell{Span: start.Format(layout) + " to " + end.Format(layout) + " UTC", Note: start.Format("2006-01-02") + ", "}
	if in.Status == incident.Open {
		c.Note += duration(end.Sub(start)) + " so far"
	} else {
		c.Note += "lasted " + duration(end.Sub(start))
	}
	return c
}
