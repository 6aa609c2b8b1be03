package window

import (
	"cmp"
	"math"
	"slices"

	"github.com/vigil-ops/vigil/sketches/quantile"
)

// Budgets of a window's metric series.
const (
	// metricSeriesBudget bounds the series (kind and subject) of one
	// window; points of further series count in MetricsDropped.
	metricSeriesBudget = 4096
	// metricValueBudget is how many distinct values of one series a
	// window keeps exactly before its sketch turns into a histogram
	// (0.4 % relative error): a series scraped every second has 60 a
	// minute.
	metricValueBudget = 256
	// maxMetric bounds a value, in units, so that thousandths fit an
	// int64 and sums of them a float64's exact integers for 1000 values.
	maxMetric = 9e12
)

// MetricKey names a metric series: the runbook metric (parsers/metrics'
// Kind: "memory", "long_query") and its subject (a host, "db-1 pid 42",
// a probe).
type MetricKey struct {
	Kind, Subject string
}

// MetricStats is one series' share of a window. Values holds the values
// in thousandths of their unit (see [Milli]): its Count, Min, Max and
// Mean are exact, its quantiles exact up to 256 distinct values. Detail
// and Severity are those of the series' latest point (At, Unix ns), the
// greater Detail on a tie, so that any merge order keeps the same.
type MetricStats struct {
	Values           *quantile.Sketch
	Detail, Severity string
	At               int64
}

// Milli converts a metric value to thousandths of its unit, the integer
// a window counts; ok is false for NaN and ±Inf, which a window does not
// count. Values beyond ±9e12 are clamped.
func Milli(v float64) (int64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return int64(math.Round(max(-maxMetric, min(maxMetric, v)) * 1000)), true
}

// Unit converts thousandths back to the value's unit.
func Unit(milli float64) float64 { return milli / 1000 }

// AddMetric counts a point of series (kind, subject) at time t (Unix ns)
// with value v, and its detail and severity (nil for none). It reports
// false when it did not count it: a value that is not finite, or a new
// series past the window's budget (counted in MetricsDropped). It copies
// the bytes it keeps; it allocates for a new series or a new detail.
func (w *Window) AddMetric(kind, subject []byte, t int64, v float64, detail, severity []byte) bool {
	milli, ok := Milli(v)
	if !ok {
		return false
	}
	m := w.Metrics[MetricKey{string(kind), string(subject)}]
	if m == nil {
		if len(w.Metrics) >= metricSeriesBudget {
			w.MetricsDropped++
			return false
		}
		m = &MetricStats{Values: quantile.New(metricValueBudget), At: math.MinInt64}
		w.Metrics[MetricKey{string(kind), string(subject)}] = m
	}
	m.Values.Add(milli)
	if t > m.At || (t == m.At && string(detail) > m.Detail) {
		m.At = t
		if string(detail) != m.Detail {
			m.Detail = string(detail)
		}
		if string(severity) != m.Severity {
			m.Severity = string(severity)
		}
	}
	return true
}

// merge adds o into m.
func (m *MetricStats) merge(o *MetricStats) {
	m.Values.Merge(o.Values)
	if o.At > m.At || (o.At == m.At && o.Detail > m.Detail) {
		m.At, m.Detail, m.Severity = o.At, o.Detail, o.Severity
	}
}

// mergeMetrics adds o's series into w's, past the budget counting o's
// new series' points as dropped.
func (w *Window) mergeMetrics(o *Window) {
	w.MetricsDropped += o.MetricsDropped
	for _, k := range sortedMetricKeys(o.Metrics) {
		om := o.Metrics[k]
		switch m := w.Metrics[k]; {
		case m != nil:
			m.merge(om)
		case len(w.Metrics) >= metricSeriesBudget:
			w.MetricsDropped += om.Values.Count()
		default:
			w.Metrics[k] = om
		}
	}
}

// MetricPoints returns how many metric points w counted.
func (w *Window) MetricPoints() uint64 {
	var n uint64
	for _, m := range w.Metrics {
		n += m.Values.Count()
	}
	return n
}

// sortedMetricKeys returns the keys of ms by kind, then subject.
func sortedMetricKeys(ms map[MetricKey]*MetricStats) []MetricKey {
	keys := make([]MetricKey, 0, len(ms))
	for k := range ms {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareMetricKeys)
	return keys
}

func compareMetricKeys(a, b MetricKey) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
}

// SortedMetricKeys returns the keys of a closed window's series by kind,
// then subject.
func (c *Closed) SortedMetricKeys() []MetricKey { return sortedMetricKeys(c.Metrics) }
