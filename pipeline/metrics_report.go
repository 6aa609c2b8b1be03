package pipeline

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
)

// The report's metrics section is built from the closed windows, as the
// timeline is: per series, the values of every window merged, the
// windows whose statistic crossed the rule's threshold, and the worst
// window statistic per step. Its memory grows with the series, not with
// the input's span: past maxMetricPoints steps, the step doubles.
const (
	// metricValueBudget is how many distinct values (thousandths) a
	// series keeps exactly for the report's p95.
	metricValueBudget = 4096
	// maxMetricPoints bounds a series' points (the HTML chart's bars).
	maxMetricPoints = 600
)

// metricSummary sums up the metric series of the closed windows.
type metricSummary struct {
	rules  detect.Rules
	size   time.Duration
	series map[window.MetricKey]*seriesSummary
}

type seriesSummary struct {
	values  *quantile.Sketch
	rule    detect.ThresholdRule
	hasRule bool
	// roll is the rule's statistic over its rolling window.
	roll     *detect.Rolling
	crossing int // windows
	step     int64
	points   []report.MetricPoint
}

func newMetricSummary(rules detect.Rules, size time.Duration) *metricSummary {
	return &metricSummary{rules: rules, size: size, series: make(map[window.MetricKey]*seriesSummary)}
}

// add adds the metric series of closed window c.
func (ms *metricSummary) add(c *window.Closed) {
	for k, m := range c.Metrics {
		s := ms.series[k]
		if s == nil {
			s = &seriesSummary{values: quantile.New(metricValueBudget), step: int64(ms.size)}
			s.rule, s.hasRule = ms.rules.MetricRule(k.Kind)
			if s.hasRule {
				s.roll = s.rule.Rolling(ms.size)
			}
			ms.series[k] = s
		}
		s.values.Merge(m.Values)
		v := window.Unit(m.Values.Mean())
		if s.hasRule {
			var crosses bool
			if v, crosses = s.roll.Add(c.Start.UnixNano(), m.Values); crosses {
				s.crossing++
			}
		}
		s.point(c.Start, round6(v))
	}
}

// point records window value v at start, keeping the worst of a step.
func (s *seriesSummary) point(start time.Time, v float64) {
	at := time.Unix(0, floorTo(start.UnixNano(), s.step)).UTC()
	if n := len(s.points); n > 0 && s.points[n-1].Start.Equal(at) {
		s.points[n-1].Value = s.worst(s.points[n-1].Value, v)
		return
	}
	s.points = append(s.points, report.MetricPoint{Start: at, Value: v})
	for len(s.points) > maxMetricPoints {
		s.coarsen()
	}
}

// coarsen doubles the step, merging the points in each new step.
func (s *seriesSummary) coarsen() {
	s.step *= 2
	out := s.points[:0]
	for _, p := range s.points {
		p.Start = time.Unix(0, floorTo(p.Start.UnixNano(), s.step)).UTC()
		if n := len(out); n > 0 && out[n-1].Start.Equal(p.Start) {
			out[n-1].Value = s.worst(out[n-1].Value, p.Value)
			continue
		}
		out = append(out, p)
	}
	s.points = out
}

// worst is the worse of two values for s's rule: the higher, or the
// lower for a rule crossed below.
func (s *seriesSummary) worst(a, b float64) float64 {
	if s.rule.Direction == "below" {
		return math.Min(a, b)
	}
	return math.Max(a, b)
}

// floorTo floors t to a multiple of step, towards the past.
func floorTo(t, step int64) int64 {
	f := t - t%step
	if t%step < 0 {
		f -= step
	}
	return f
}

// report returns the series, by metric then subject.
func (ms *metricSummary) report() []report.MetricSeries {
	keys := make([]window.MetricKey, 0, len(ms.series))
	for k := range ms.series {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b window.MetricKey) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
	})
	out := make([]report.MetricSeries, 0, len(keys))
	for _, k := range keys {
		s := ms.series[k]
		v := s.values
		r := report.MetricSeries{
			Metric: k.Kind, Subject: k.Subject, Samples: v.Count(),
			Min: window.Unit(float64(v.Min())), Mean: round6(window.Unit(v.Mean())),
			P95: window.Unit(v.Quantile(0.95)), Max: window.Unit(float64(v.Max())), Exact: v.Exact(),
			Crossing: time.Duration(s.crossing) * ms.size, Points: s.points, PointStep: time.Duration(s.step),
		}
		if s.hasRule {
			r.Threshold, r.Direction, r.Statistic = s.rule.Threshold, s.rule.Direction, s.rule.Statistic
			r.Window = time.Duration(s.rule.Window)
		}
		out = append(out, r)
	}
	return out
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
