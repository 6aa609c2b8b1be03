package live

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// Budgets of the range's tables: analyze's whole-run ones (the defaults
// of summary.Options), so that the same lines are exact in both reports
// or in neither.
const (
	latencyBudget = 65536
	keyBudget     = 262144
	topCapacity   = 16384
)

// totals are the range's windows merged into one: a window.Window whose
// tables have the whole-run budgets, so that the merge is the windows' own
// (window.Window.Merge), not a second spelling of it.
type totals struct {
	sum *window.Window
	// first and last are the starts of the first and last window with
	// lines; windows counts them.
	first, last time.Time
	windows     int
	size        time.Duration
}

func newTotals(cfg *window.Config) *totals {
	w := window.New(0, cfg)
	w.Latency = quantile.New(latencyBudget)
	w.Clients = topk.NewExactFirst(keyBudget, topCapacity)
	w.AuthFailureClients = topk.NewExactFirst(keyBudget, topCapacity)
	w.ExportUsers = topk.NewExactFirst(keyBudget, topCapacity)
	w.ExportClients = topk.NewExactFirst(keyBudget, topCapacity)
	return &totals{sum: w, size: cfg.Size}
}

// add merges w, one start's windows merged across partitions, into the
// totals; w must not be used afterwards.
func (t *totals) add(w *window.Window) {
	if w.Lines+w.TCP > 0 {
		start := time.Unix(0, w.Start).UTC()
		if t.windows == 0 {
			t.first = start
		}
		t.last = start
		t.windows++
	}
	t.sum.Merge(w)
}

// report returns the report of the totals but for the incidents, the
// timeline, the time range, the input and the options.
func (t *totals) report(top int) *report.Report {
	s := t.sum
	r := &report.Report{
		Schema:            report.Schema,
		Latency:           pipeline.LatencyReport(s.Latency),
		Endpoints:         endpoints(s.Endpoints, top),
		TopIPs:            pipeline.CountsReport(s.Clients, top),
		TopAuthFailureIPs: pipeline.CountsReport(s.AuthFailureClients, top),
		TopUsers:          pipeline.CountsReport(s.ExportUsers, top),
		UserAgentClasses:  pipeline.UAClassesReport(&s.Counts.UserAgents),
		AppErrors:         s.AppErrors,
		Exact: report.Exactness{
			Latency: s.Latency.Exact(),
			// Not available from windows: per-endpoint percentiles and
			// user-agent strings (see notes).
			Endpoints:         false,
			TopIPs:            s.Clients.Exact(),
			TopAuthFailureIPs: s.AuthFailureClients.Exact(),
			TopUsers:          s.ExportUsers.Exact(),
			UserAgents:        false,
		},
	}
	// Close last: the closed form shares the tables read above.
	c := s.Close()
	// Windows count status 0 under code 0 with the requests without one.
	r.Requests = pipeline.RequestsReport(c.Requests, func(yield func(int, uint64) bool) {
		for _, cc := range c.Codes {
			n := cc.Count
			if cc.Code == 0 {
				n -= c.ZeroStatus
			}
			if !yield(cc.Code, n) {
				return
			}
		}
	}, c.ZeroStatus)
	return r
}

// endpoints are the top endpoints by requests (ties by key), without
// percentiles: windows keep none per endpoint.
func endpoints(all map[string]*window.EndpointCounts, top int) []report.Endpoint {
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int {
		return cmp.Or(cmp.Compare(all[y].Requests, all[x].Requests), cmp.Compare(x, y))
	})
	out := make([]report.Endpoint, 0, min(top, len(keys)))
	for _, k := range keys[:min(top, len(keys))] {
		e := all[k]
		out = append(out, report.Endpoint{Endpoint: k, Count: e.Requests, Errors5xx: e.Errors5xx})
	}
	return out
}

// timeRange is the data's span: from the first window's start to the
// newest event time stored, within the last window and not after now.
func (t *totals) timeRange(parts []pgstore.Partition, now time.Time) report.TimeRange {
	if t.windows == 0 {
		return report.TimeRange{}
	}
	end := t.last.Add(t.size)
	var newest time.Time
	for _, p := range parts {
		if p.Newest.After(newest) && p.Newest.Before(end) {
			newest = p.Newest
		}
	}
	if !newest.Before(t.last) {
		end = newest
	}
	if end.After(now) {
		end = now
	}
	return report.TimeRange{Start: t.first, End: end}
}

// input says what the report counts: the lines of the range's windows
// (requests, application lines and TCP connections, which windows count
// apart from their Lines), from the group's partitions (or from name,
// when set), and, as warnings, what windows do not keep.
func (t *totals) input(parts []pgstore.Partition, cfg *window.Config, name string) report.Input {
	lines := t.sum.Lines + t.sum.TCP
	in := report.Input{
		Lines: lines, Parsed: lines,
		Kinds: report.Kinds{HTTP: t.sum.Requests, App: t.sum.Lines - t.sum.Requests, TCP: t.sum.TCP},
	}
	f := report.File{Compression: "none", Lines: lines, Detection: "detected per partition"}
	topics := map[string]int{}
	var names, formats []string
	for _, p := range parts {
		if topics[p.Topic] == 0 {
			names = append(names, p.Topic)
		}
		topics[p.Topic]++
		if p.Format != "" && !slices.Contains(formats, p.Format) {
			formats = append(formats, p.Format)
		}
	}
	for i, n := range names {
		names[i] = fmt.Sprintf("%s (%d partitions)", n, topics[n])
	}
	f.Path = "kafka: " + strings.Join(names, ", ")
	if name != "" {
		f.Path, f.Detection = name, "detected per file"
	}
	switch len(formats) {
	case 0:
		f.Format = "none"
	case 1:
		f.Format = formats[0]
	default:
		f.Format = "mixed"
	}
	in.Format = f.Format
	f.Warnings = notes(parts, cfg)
	in.Files = []report.File{f}
	return in
}

// notes are the warnings of the report's input: what windows do not
// keep, and the lines of each partition that are in no window.
func notes(parts []pgstore.Partition, cfg *window.Config) []string {
	out := []string{
		"from the closed windows: per-endpoint percentiles, unique client IPs, user-agent strings and rejected lines by time are not kept, and not shown",
		fmt.Sprintf("top client IPs count only notable requests (4xx, 5xx, slower than %s, bots); top users only requests to export endpoints (%s)", cfg.SlowWarn, cfg.Export),
	}
	for _, p := range parts {
		c := p.Counts
		if c.Malformed+c.TooLong+c.Late == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("%s/%d: %d malformed, %d too long and %d late lines since its first message, in no window", p.Topic, p.Partition, c.Malformed, c.TooLong, c.Late))
	}
	return out
}
