package report

import (
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// The metrics section draws each series as a small chart: its statistic
// per step as a line, the rule's threshold as a dashed line, and the
// series' incidents shaded, so that the crossing shows.
const (
	metricWidth  = 1000
	metricHeight = 120
	metricLeft   = 64
	metricRight  = 936
	metricTop    = 8
	metricBottom = 100
)

// metricChart is one series' row of the metrics section.
type metricChart struct {
	Series                    MetricSeries
	Width, Height, Left       int
	Right, Top, Bottom, Label int
	PlotHeight                int
	// Line is the path of the points; Threshold the y of the rule's
	// threshold ("" without a rule); YTicks label the value axis.
	Line, Threshold string
	YTicks          []tick
	Bands           []band
	First, Last     string // the time axis' ends
}

// newMetricCharts draws r.Metrics; nil without metrics.
func newMetricCharts(r *Report) []metricChart {
	var out []metricChart
	for _, m := range r.Metrics {
		out = append(out, newMetricChart(m, r.Incidents))
	}
	return out
}

func newMetricChart(m MetricSeries, incidents []incident.Incident) metricChart {
	c := metricChart{Series: m, Width: metricWidth, Height: metricHeight, Left: metricLeft, Right: metricRight,
		Top: metricTop, Bottom: metricBottom, Label: metricLeft - 6, PlotHeight: metricBottom - metricTop}
	if len(m.Points) == 0 {
		return c
	}
	first, last := m.Points[0].Start, m.Points[len(m.Points)-1].Start.Add(max(m.PointStep, time.Second))
	lo, hi := m.Points[0].Value, m.Points[0].Value
	for _, p := range m.Points {
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	if m.Direction != "" {
		lo, hi = min(lo, m.Threshold), max(hi, m.Threshold)
	}
	lo = min(lo, 0)
	if hi <= lo {
		hi = lo + 1
	}
	x := func(t time.Time) float64 {
		return metricLeft + float64(t.Sub(first))/float64(last.Sub(first))*(metricRight-metricLeft)
	}
	y := func(v float64) float64 { return metricBottom - (v-lo)/(hi-lo)*(metricBottom-metricTop) }
	var b strings.Builder
	half := max(m.PointStep, time.Second) / 2
	for i, p := range m.Points {
		cmd := "L"
		if i == 0 || p.Start.Sub(m.Points[i-1].Start) > m.PointStep {
			cmd = "M" // a gap: no points between
		}
		b.WriteString(cmd + coord(x(p.Start.Add(half))) + " " + coord(y(p.Value)))
	}
	c.Line = b.String()
	if m.Direction != "" {
		c.Threshold = coord(y(m.Threshold))
	}
	for _, v := range []float64{lo, hi} {
		c.YTicks = append(c.YTicks, tick{Pos: coord(y(v)), Label: value(v)})
	}
	for _, in := range incidents {
		if string(in.Kind) != m.Metric || in.Subject != m.Subject || in.Start.IsZero() {
			continue
		}
		x0 := max(x(in.Start), metricLeft)
		w := max(2, min(x(in.End), metricRight)-x0)
		c.Bands = append(c.Bands, band{X: coord(x0), W: coord(w), Class: sevClass(in.Severity),
			Title: in.Severity.String() + " " + Visible(string(in.Status)) + ": " + Visible(in.Summary)})
	}
	c.First, c.Last = first.UTC().Format("Jan 2 15:04"), last.UTC().Format("Jan 2 15:04")
	return c
}

// metricCaption says what a series' chart shows.
func metricCaption(m MetricSeries) string {
	s := "the " + m.Statistic + " of each " + stepName(m.PointStep)
	if m.Statistic == "" {
		s = "the mean of each " + stepName(m.PointStep)
	}
	if m.Direction != "" {
		s += "; dashed: the threshold (" + threshold(&m) + "), crossed for " + crossing(&m)
	}
	return s
}

// metricTitle names a series: "memory of web-1".
func metricTitle(m MetricSeries) string { return m.Metric + " of " + m.Subject }
