package report

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// maxChartBars bounds the bars of the timeline chart: longer timelines
// merge rows, which keeps a 10,000-minute report well under 100 KB.
const maxChartBars = 600

// chartSteps are the bar widths tried, before whole days, when the
// report's own step would draw too many bars.
var chartSteps = []time.Duration{
	time.Minute, 2 * time.Minute, 3 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute,
	20 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// The chart's geometry, in SVG user units (about pixels on a laptop).
const (
	chartWidth  = 1000
	chartHeight = 270
	plotLeft    = 64
	plotRight   = 936
	plotTop     = 8
	plotBottom  = 240
	yTicks      = 4
)

// chart is the timeline drawn as SVG: requests as bars with their 5xx in
// front, p95 as a line on a second scale, incidents as bands behind.
type chart struct {
	Width, Height, Left, Right, Top, PlotHeight int
	Bottom, TickEnd                             int
	LeftLabel, RightLabel, XLabel               int
	Caption                                     string
	YTicks, P95Ticks, XTicks                    []tick
	Bands                                       []band
	Bars, Errors                                []bar
	P95                                         string // path data; empty without durations
}

// tick is an axis label at Pos (x or y).
type tick struct{ Pos, Label string }

type bar struct{ X, Y, W, H string }

// band is an incident's span, labelled with its severity at (Mid,
// LabelY).
type band struct{ X, W, Mid, LabelY, Class, Label, Title string }

// Band labels: 10-unit bold text, a line apart; labels of overlapping
// incidents go on lines below each other.
const (
	bandLabelLine = 11
	bandCharWidth = 7 // a generous width of one bold character
)

// bucket is the sum of the timeline rows merged into one bar.
type bucket struct {
	requests, errors5xx uint64
	p95                 float64 // the worst row's
}

// newChart draws r.Timeline, one bar per r.TimelineStep, or rows merged
// into at most maxChartBars bars. Rows without a start are left out; it
// returns nil when none is left.
func newChart(r *Report) *chart {
	var first, last time.Time
	for _, m := range r.Timeline {
		if m.Start.IsZero() {
			continue
		}
		if first.IsZero() || m.Start.Before(first) {
			first = m.Start
		}
		if m.Start.After(last) {
			last = m.Start
		}
	}
	if first.IsZero() {
		return nil
	}
	base := timelineStep(r)
	step := coarsen(base, first, last, chartSteps, maxChartBars)
	origin := first.Truncate(step)
	buckets := make([]bucket, last.Truncate(step).Sub(origin)/step+1)
	for _, m := range r.Timeline {
		if m.Start.IsZero() {
			continue
		}
		b := &buckets[m.Start.Truncate(step).Sub(origin)/step]
		b.requests += m.Requests
		b.errors5xx += m.Errors5xx
		b.p95 = max(b.p95, m.P95)
	}
	c := &chart{
		Width: chartWidth, Height: chartHeight, Left: plotLeft, Right: plotRight,
		Top: plotTop, PlotHeight: plotBottom - plotTop,
		Bottom: plotBottom, TickEnd: plotBottom + 5,
		LeftLabel: plotLeft - 6, RightLabel: plotRight + 6, XLabel: plotBottom + 18,
	}
	g := geometry{origin: origin, step: step, slot: float64(plotRight-plotLeft) / float64(len(buckets))}
	c.bars(buckets, g)
	c.xTicks(len(buckets), g)
	c.bands(r.Incidents, g)
	c.Caption = caption(base, step, c.P95 != "", len(c.Bands) > 0)
	return c
}

// geometry maps times and bucket indexes to x coordinates.
type geometry struct {
	origin time.Time
	step   time.Duration
	slot   float64 // width of one bucket
}

// barX is the left edge of bar i; bars leave a gap when there is room.
func (g geometry) barX(i int) float64 {
	return plotLeft + float64(i)*g.slot + (g.slot-g.barWidth())/2
}

func (g geometry) barWidth() float64 {
	if g.slot < 3 {
		return g.slot
	}
	return min(g.slot*0.8, 40)
}

func (g geometry) x(t time.Time) float64 {
	x := plotLeft + float64(t.Sub(g.origin))/float64(g.step)*g.slot
	return min(max(x, plotLeft), plotRight)
}

// bars draws the request and 5xx bars on a scale that ends at a round
// number, with yTicks grid lines, and the p95 line.
func (c *chart) bars(buckets []bucket, g geometry) {
	var maxReq uint64
	for _, b := range buckets {
		maxReq = max(maxReq, b.requests)
	}
	step := max(1, niceStep(float64(maxReq)/yTicks))
	for k := range yTicks + 1 {
		pos := coord(plotBottom - float64(k)*(plotBottom-plotTop)/yTicks)
		c.YTicks = append(c.YTicks, tick{Pos: pos, Label: num(uint64(float64(k) * step))})
	}
	height := func(n uint64) float64 { return float64(n) / (step * yTicks) * (plotBottom - plotTop) }
	w := g.barWidth()
	for i, b := range buckets {
		x := coord(g.barX(i))
		if b.requests > 0 {
			h := height(b.requests)
			c.Bars = append(c.Bars, bar{X: x, Y: coord(plotBottom - h), W: coord(w), H: coord(h)})
		}
		if b.errors5xx > 0 {
			// At least a unit high, so that a single 5xx is visible.
			h := max(1, height(b.errors5xx))
			c.Errors = append(c.Errors, bar{X: x, Y: coord(plotBottom - h), W: coord(w), H: coord(h)})
		}
	}
	c.p95(buckets, g)
}

// niceStep is the smallest 1, 2, 2.5 or 5 times a power of ten that is at
// least v (1 when v is 0).
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// p95 draws the p95 line on a logarithmic scale of whole decades: one
// timeout spike (60 s) would flatten every other minute on a linear one.
// The line breaks where a bar has no duration.
func (c *chart) p95(buckets []bucket, g geometry) {
	lo, hi := math.Inf(1), 0.0
	for _, b := range buckets {
		if b.p95 > 0 {
			lo, hi = min(lo, b.p95), max(hi, b.p95)
		}
	}
	if hi == 0 {
		return
	}
	lo, hi = math.Floor(math.Log10(lo)), math.Max(math.Ceil(math.Log10(hi)), math.Floor(math.Log10(lo))+1)
	y := func(v float64) float64 { return plotBottom - (math.Log10(v)-lo)/(hi-lo)*(plotBottom-plotTop) }
	for d := lo; d <= hi; d++ {
		c.P95Ticks = append(c.P95Ticks, tick{Pos: coord(y(math.Pow(10, d))), Label: msLabel(math.Pow(10, d))})
	}
	var path strings.Builder
	for i, b := range buckets {
		if b.p95 <= 0 {
			continue
		}
		prev := i > 0 && buckets[i-1].p95 > 0
		next := i+1 < len(buckets) && buckets[i+1].p95 > 0
		cmd := "L"
		if !prev {
			cmd = "M"
		}
		path.WriteString(cmd + coord(g.barX(i)+g.barWidth()/2) + " " + coord(y(b.p95)))
		if !prev && !next {
			path.WriteString("h0") // a lone point: a dot, thanks to round caps
		}
	}
	c.P95 = path.String()
}

// msLabel labels a power of ten of milliseconds: "0.1 ms", "100 ms", "10 s".
func msLabel(v float64) string {
	if v < 1000 {
		return strconv.FormatFloat(v, 'f', -1, 64) + " ms"
	}
	return strconv.FormatFloat(v/1000, 'f', -1, 64) + " s"
}

// timeSteps are the intervals tried between time labels, in minutes.
var timeSteps = []int{1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2 * 1440, 7 * 1440, 14 * 1440, 28 * 1440}

// xTicks labels the time axis at round times, at most 8 of them: the date
// at the first label and at midnight, the time of day elsewhere.
func (c *chart) xTicks(n int, g geometry) {
	end := g.origin.Add(time.Duration(n) * g.step)
	every := time.Duration(timeSteps[len(timeSteps)-1]) * time.Minute
	for _, m := range timeSteps {
		if d := time.Duration(m) * time.Minute; d >= g.step && end.Sub(g.origin)/d < 8 {
			every = d
			break
		}
	}
	first := true
	for t := g.origin.Truncate(every); t.Before(end); t = t.Add(every) {
		if t.Before(g.origin) {
			continue
		}
		layout := "15:04"
		switch {
		case every >= 24*time.Hour:
			layout = "Jan 2"
		case first || t.Equal(t.Truncate(24*time.Hour)):
			layout = "Jan 2 15:04"
		}
		c.XTicks = append(c.XTicks, tick{Pos: coord(g.x(t)), Label: t.UTC().Format(layout)})
		first = false
	}
}

// bands shades each incident's span behind the bars; an open incident's
// title says so. A label goes on the first line where it overlaps no
// other label.
func (c *chart) bands(incidents []incident.Incident, g geometry) {
	var lines [][][2]float64 // the label extents on each line
	for _, in := range incidents {
		if in.Start.IsZero() || in.End.IsZero() {
			continue
		}
		x := g.x(in.Start)
		w := max(2, g.x(in.End)-x)
		label := in.Severity.String()
		half := float64(len(label)*bandCharWidth)/2 + 2
		ext := [2]float64{x + w/2 - half, x + w/2 + half}
		line := freeLine(lines, ext)
		if line == len(lines) {
			lines = append(lines, nil)
		}
		lines[line] = append(lines[line], ext)
		c.Bands = append(c.Bands, band{
			X: coord(x), W: coord(w), Mid: coord(x + w/2), LabelY: strconv.Itoa(plotTop + 10 + line*bandLabelLine),
			Class: sevClass(in.Severity), Label: label,
			Title: in.Severity.String() + " " + Visible(string(in.Status)) + " " + Visible(string(in.Kind)) + " " +
				Visible(in.Subject) + ": " + Visible(in.Summary),
		})
	}
}

// freeLine returns the first of lines whose extents all miss ext, or
// len(lines) when none does.
func freeLine(lines [][][2]float64, ext [2]float64) int {
	for i, l := range lines {
		if !slices.ContainsFunc(l, func(e [2]float64) bool { return e[0] < ext[1] && ext[0] < e[1] }) {
			return i
		}
	}
	return len(lines)
}

// caption says what the chart shows and, when rows were merged, how.
func caption(base, step time.Duration, p95, incidents bool) string {
	s := "Requests per " + stepName(step) + ", 5xx in red"
	if p95 {
		s += ", p95 latency as a line on the right axis (log scale)"
	}
	if incidents {
		s += ", incidents shaded"
	}
	s += "."
	if step != base {
		rows, row := "Minutes", "minute"
		if base != time.Minute {
			rows, row = "The "+stepName(base)+" rows", "row"
		}
		s += " " + rows + " are merged into " + stepName(step) + " bars to keep the chart under " + strconv.Itoa(maxChartBars) +
			" bars: requests and 5xx summed, p95 the worst " + row + "'s. The JSON report has every " + stepName(base) + "."
	}
	return s
}
