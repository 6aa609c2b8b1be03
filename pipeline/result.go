package pipeline

import (
	"cmp"
	"slices"
	"time"

	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/summary"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// Result is everything an analysis found. [Result.Report] turns it into
// the report model.
type Result struct {
	Options Options
	Sources []SourceResult
	Counts  InputCounts
	Samples []Sample
	Reasons map[string]uint64
	Summary *summary.Summary
	// Timeline is built from the closed windows.
	Timeline *summary.Timeline
	// Incidents is the final state of the incident tracker.
	Incidents []incident.Incident
	// MaxOpenWindows is the most windows open at once: what the
	// watermark and the gate kept in memory.
	MaxOpenWindows int
	// Metrics are the metric series of the closed windows.
	Metrics []report.MetricSeries
}

// SourceResult is one source after the run.
type SourceResult struct {
	Info      SourceInfo
	Format    string
	Detection string
	// FormatWarning says what the format leaves unread (see format.warning).
	FormatWarning string
	Lines         uint64
	// Err says why the source stopped early (its lines before are
	// counted); nil when it was read to its end.
	Err error
	// Metrics counts what became of a metric source's samples; nil for
	// a log.
	Metrics *MetricInput
}

func (m *merger) result() *Result {
	res := &Result{
		Options:        *m.opts,
		Counts:         m.counts,
		Samples:        m.samples,
		Reasons:        m.reasons,
		Summary:        m.sum,
		Timeline:       m.timeline,
		Incidents:      m.detector.Incidents(),
		MaxOpenWindows: m.maxOpen,
		Metrics:        m.metrics.report(),
	}
	for _, st := range m.states {
		sr := SourceResult{Info: st.src.Info(), Lines: st.lines, Err: st.err}
		if st.format != nil {
			sr.Format, sr.Detection, sr.FormatWarning = st.format.name, st.format.evidence, st.formatWarning()
		}
		if st.metric != nil {
			sr.Metrics = &st.metric.stats
		}
		res.Sources = append(res.Sources, sr)
	}
	return res
}

// Report builds the report model of r.
func (r *Result) Report() *report.Report {
	s := r.Summary
	o := &r.Options
	uniqueIPs, uniqueExact := s.UniqueIPsCount()
	rep := &report.Report{
		Schema:            report.Schema,
		Input:             r.input(),
		Requests:          RequestsReport(s.Requests, slices.All(s.Status[:]), s.ZeroStatus),
		Latency:           LatencyReport(s.Latency),
		Endpoints:         endpoints(s, o.Top),
		TopIPs:            CountsReport(s.IPs, o.Top),
		TopAuthFailureIPs: CountsReport(s.AuthIPs, o.Top),
		TopUsers:          CountsReport(s.Users, o.Top),
		UniqueIPs:         uniqueIPs,
		UniqueIPsExact:    uniqueExact,
		UserAgents:        userAgents(s.UserAgents, o.Top),
		UserAgentClasses:  UAClassesReport(&s.UAClasses),
		Timeline:          TimelineReport(r.Timeline),
		TimelineStep:      r.Timeline.Step,
		AppErrors:         s.AppErrors,
		Incidents:         r.Incidents,
		Metrics:           r.Metrics,
		Exact: report.Exactness{
			Latency:           s.Latency.Exact(),
			Endpoints:         s.Folded == 0 && endpointsExact(s),
			TopIPs:            s.IPs.Exact(),
			TopAuthFailureIPs: s.AuthIPs.Exact(),
			TopUsers:          s.Users.Exact(),
			UserAgents:        s.UserAgents.Exact(),
			Timeline:          r.Timeline.Exact(),
		},
		Options: report.ReportOptions{
			Top: o.Top, Exact: o.Exact,
			Since: o.Since.UTC(), Until: o.Until.UTC(),
			Window: o.Rules.WindowConfig().WithDefaults().Size, Lateness: o.Lateness,
		},
	}
	if o.Since.IsZero() {
		rep.Options.Since = time.Time{}
	}
	if o.Until.IsZero() {
		rep.Options.Until = time.Time{}
	}
	if s.HasTime {
		rep.TimeRange = report.TimeRange{Start: utc(s.MinTime), End: utc(s.MaxTime)}
	}
	return rep
}

func utc(ns int64) time.Time { return time.Unix(0, ns).UTC() }

func (r *Result) input() report.Input {
	in := report.Input{
		Lines:         r.Counts.Lines,
		Parsed:        r.Counts.Parsed,
		Malformed:     r.Counts.Malformed,
		TooLong:       r.Counts.TooLong,
		Filtered:      r.Counts.Filtered,
		Directives:    r.Counts.Directives,
		Continuations: r.Counts.Continuations,
		Late:          r.Counts.Late,
	}
	in.Kinds = report.Kinds{HTTP: r.Summary.Requests, App: r.Summary.AppLines, TCP: r.Summary.TCPLines}
	var names []string
	for _, s := range r.Sources {
		f := report.File{Path: s.Info.Name, Compression: s.Info.Compression, Lines: s.Lines, Bytes: s.Info.Bytes, Format: s.Format, Detection: s.Detection, Warnings: s.Info.Warnings}
		if s.FormatWarning != "" {
			f.Warnings = append(slices.Clip(f.Warnings), s.Info.Name+": "+s.FormatWarning)
		}
		if s.Metrics != nil {
			f.Warnings = append(slices.Clip(f.Warnings), s.Metrics.warnings(s.Info.Name)...)
		}
		if s.Err != nil {
			f.Error = s.Err.Error()
		}
		if f.Format != "" && !slices.Contains(names, f.Format) {
			names = append(names, f.Format)
		}
		in.Bytes += f.Bytes
		in.Files = append(in.Files, f)
	}
	switch len(names) {
	case 0:
		in.Format = "none"
	case 1:
		in.Format = names[0]
	default:
		in.Format = "mixed"
	}
	for reason, n := range r.Reasons {
		in.MalformedReasons = append(in.MalformedReasons, report.Count{Key: reason, Count: n})
	}
	sortCounts(in.MalformedReasons)
	for _, s := range r.Samples {
		in.MalformedSamples = append(in.MalformedSamples, report.Sample{
			File: r.Sources[s.Source].Info.Name, Line: s.Line, Reason: s.Reason, Text: s.Text,
		})
	}
	return in
}

func endpointsExact(s *summary.Summary) bool {
	for _, e := range s.Endpoints {
		if !e.Latency.Exact() {
			return false
		}
	}
	return true
}

func endpoints(s *summary.Summary, top int) []report.Endpoint {
	keys := make([]string, 0, len(s.Endpoints))
	for k := range s.Endpoints {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int {
		return cmp.Or(cmp.Compare(s.Endpoints[y].Requests, s.Endpoints[x].Requests), cmp.Compare(x, y))
	})
	out := make([]report.Endpoint, 0, min(top, len(keys)))
	for _, k := range keys[:min(top, len(keys))] {
		e := s.Endpoints[k]
		out = append(out, report.Endpoint{Endpoint: k, Count: e.Requests, Errors5xx: e.Errors5xx, Latency: LatencyReport(e.Latency)})
	}
	return out
}

func userAgents(t *topk.TopK, n int) []report.UserAgent {
	items := t.AppendTop(nil, n)
	out := make([]report.UserAgent, len(items))
	for i, it := range items {
		class, family := useragent.Classify([]byte(it.Key))
		out[i] = report.UserAgent{Key: it.Key, Count: it.Count, Error: it.Err, Class: class.String(), Family: family}
	}
	return out
}
