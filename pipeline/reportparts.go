package pipeline

import (
	"cmp"
	"iter"
	"math"
	"slices"
	"strconv"

	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/summary"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// The report's parts from the engine's tables, one spelling for every
// front door: analyze's Result and the live page's totals of stored
// windows (pipeline/live) both build their reports with these, so that
// the same lines give the same numbers.

var reportQuantiles = []float64{0.5, 0.9, 0.95, 0.99, 0.999}

// RequestsReport is the report of total requests from their counts by
// status code, which codes yields (code 0: the requests without a
// status, "-"), and zero, those that logged the status 0 ("0": Caddy's,
// Envoy's, no response written), which codes does not count.
func RequestsReport(total uint64, codes iter.Seq2[int, uint64], zero uint64) report.Requests {
	q := report.Requests{Total: total, Status: make(map[string]uint64)}
	for code, n := range codes {
		if n == 0 {
			continue
		}
		key := strconv.Itoa(code)
		if code == 0 {
			key = "-"
		}
		q.Status[key] += n
		if code >= 500 && code < 600 {
			q.Errors5xx += n
		}
	}
	if zero > 0 {
		q.Status["0"] = zero
	}
	if q.Total > 0 {
		q.ErrorRate = float64(q.Errors5xx) / float64(q.Total)
	}
	return q
}

// LatencyReport converts a sketch of microseconds into the report's
// milliseconds.
func LatencyReport(s *quantile.Sketch) report.Latency {
	n := s.Count()
	if n == 0 {
		return report.Latency{Exact: true}
	}
	q := s.AppendQuantiles(make([]float64, 0, len(reportQuantiles)), reportQuantiles...)
	return report.Latency{
		Count: n, Mean: ms(s.Mean()),
		P50: ms(q[0]), P90: ms(q[1]), P95: ms(q[2]), P99: ms(q[3]), P999: ms(q[4]),
		Max: ms(float64(s.Max())), Exact: s.Exact(),
	}
}

// ms converts µs to ms rounded to the µs, which is all the input has, so
// that JSON shows 12.5 rather than 12.499999999.
func ms(us float64) float64 { return math.Round(us) / 1000 }

// CountsReport is the report's list of the n heaviest keys of t.
func CountsReport(t *topk.TopK, n int) []report.Count {
	items := t.AppendTop(nil, n)
	out := make([]report.Count, len(items))
	for i, it := range items {
		out[i] = report.Count{Key: it.Key, Count: it.Count, Error: it.Err}
	}
	return out
}

// UAClassesReport is the report's requests by user-agent class, most
// first, from the requests counted per class.
func UAClassesReport(classes *[window.NumUAClasses]uint64) []report.Count {
	var out []report.Count
	for c, n := range classes {
		if n > 0 {
			out = append(out, report.Count{Key: useragent.Class(c).String(), Count: n})
		}
	}
	sortCounts(out)
	return out
}

// TimelineReport converts the timeline's rows into the report's.
func TimelineReport(t *summary.Timeline) []report.TimelineRow {
	rows := t.Rows()
	out := make([]report.TimelineRow, len(rows))
	for i, r := range rows {
		out[i] = report.TimelineRow{Start: utc(r.Start), Requests: r.Requests, Errors5xx: r.Errors5xx, P95: ms(r.P95), AppErrors: r.AppErrs}
	}
	return out
}

func sortCounts(cs []report.Count) {
	slices.SortFunc(cs, func(x, y report.Count) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Key, y.Key))
	})
}
