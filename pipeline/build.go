package pipeline

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/sketches/tdigest"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// Report builds the report of r. Incidents are left empty for the caller.
func (r *Result) Report() *report.Report {
	a := r.Agg
	o := &r.Options
	rep := &report.Report{
		Schema:            report.Schema,
		Input:             r.input(),
		Requests:          requests(a),
		Latency:           latency(a.Latency),
		Endpoints:         endpoints(a, o.Top),
		TopIPs:            counts(a.IPs, o.Top),
		TopAuthFailureIPs: counts(a.AuthIPs, o.Top),
		TopUsers:          counts(a.Users, o.Top),
		UniqueIPs:         a.UniqueIPs.Count(),
		UniqueIPsExact:    a.UniqueIPs.Exact(),
		UserAgents:        userAgents(a, o.Top),
		UserAgentClasses:  uaClasses(a),
		Timeline:          timeline(a),
		AppErrors:         a.AppErrors,
		Options: report.ReportOptions{
			Top: o.Top, Exact: o.Exact, Workers: o.Workers,
			Since: rfc3339(o.Since), Until: rfc3339(o.Until),
			WindowSecs: int(o.Windows.Size / time.Second),
		},
	}
	if a.MinTime != 0 {
		rep.TimeRange = report.TimeRange{Start: nanoRFC3339(a.MinTime), End: nanoRFC3339(a.MaxTime)}
	}
	return rep
}

func (r *Result) input() report.Input {
	in := report.Input{
		Lines:     r.Counts.Lines,
		Parsed:    r.Counts.Parsed,
		Malformed: r.Counts.Malformed,
		TooLong:   r.Counts.TooLong,
		Filtered:  r.Counts.Filtered,
	}
	var names []string
	for i, s := range r.Sources {
		if s == nil {
			continue
		}
		f := report.File{Path: s.path, Compression: s.compression, Lines: r.LinesBySource[i], Bytes: s.bytes}
		if s.format != nil {
			f.Format = s.format.name
			if !slices.Contains(names, f.Format) {
				names = append(names, f.Format)
			}
		}
		in.Bytes += s.bytes
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
			File: r.Sources[s.Source].path, Line: s.Line, Reason: s.Reason, Text: s.Text,
		})
	}
	return in
}

func requests(a *Aggregate) report.Requests {
	q := report.Requests{Total: a.Requests, Status: make(map[string]uint64)}
	for code, n := range a.Status {
		if n == 0 {
			continue
		}
		key := strconv.Itoa(code)
		if code == 0 {
			key = "-"
		}
		q.Status[key] = n
		if code >= 500 && code < 600 {
			q.Errors5xx += n
		}
	}
	if q.Total > 0 {
		q.ErrorRate = float64(q.Errors5xx) / float64(q.Total)
	}
	return q
}

// latency converts a digest of microseconds into the report's milliseconds.
func latency(d *tdigest.Digest) report.Latency {
	n := d.Count()
	if n == 0 {
		return report.Latency{}
	}
	q := func(p float64) float64 { return round3(d.Quantile(p) / 1000) }
	return report.Latency{
		Count: n, Mean: round3(d.Mean() / 1000),
		P50: q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99), P999: q(0.999),
		Max: round3(float64(d.Max()) / 1000),
	}
}

// round3 rounds to microsecond precision in milliseconds, which is all the
// input has, so that JSON shows 12.5 rather than 12.499999999.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func endpoints(a *Aggregate, top int) []report.Endpoint {
	all := make([]*EndpointStats, 0, len(a.Endpoints))
	for _, e := range a.Endpoints {
		all = append(all, e)
	}
	slices.SortFunc(all, func(x, y *EndpointStats) int {
		return cmp.Or(cmp.Compare(y.Requests, x.Requests), cmp.Compare(x.Key, y.Key))
	})
	out := make([]report.Endpoint, 0, min(top, len(all)))
	for _, e := range all[:min(top, len(all))] {
		out = append(out, report.Endpoint{Endpoint: e.Key, Count: e.Requests, Errors5xx: e.Errors5xx, Latency: latency(e.Latency)})
	}
	return out
}

func counts(t *topk.TopK, n int) []report.Count {
	items := t.AppendTop(nil, n)
	out := make([]report.Count, len(items))
	for i, it := range items {
		out[i] = report.Count{Key: it.Key, Count: it.Count, Error: it.Err}
	}
	return out
}

func userAgents(a *Aggregate, n int) []report.UserAgent {
	items := a.UserAgents.AppendTop(nil, n)
	out := make([]report.UserAgent, len(items))
	for i, it := range items {
		class, family := useragent.Classify([]byte(it.Key))
		out[i] = report.UserAgent{Key: it.Key, Count: it.Count, Error: it.Err, Class: class.String(), Family: family}
	}
	return out
}

func uaClasses(a *Aggregate) []report.Count {
	var out []report.Count
	for c, n := range a.UAClasses {
		if n > 0 {
			out = append(out, report.Count{Key: useragent.Class(c).String(), Count: n})
		}
	}
	sortCounts(out)
	return out
}

func timeline(a *Aggregate) []report.Minute {
	starts := make([]int64, 0, len(a.Windows))
	for s := range a.Windows {
		starts = append(starts, s)
	}
	slices.Sort(starts)
	out := make([]report.Minute, 0, len(starts))
	for _, s := range starts {
		w := a.Windows[s]
		m := report.Minute{Start: nanoRFC3339(s), Requests: w.Requests, Errors5xx: w.Status[5], AppErrors: w.AppErrors}
		if w.Latency.Count() > 0 {
			m.P95 = round3(w.Latency.Quantile(0.95) / 1000)
		}
		out = append(out, m)
	}
	return out
}

func sortCounts(cs []report.Count) {
	slices.SortFunc(cs, func(x, y report.Count) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Key, y.Key))
	})
}

func nanoRFC3339(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339)
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
