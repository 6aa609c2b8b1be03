package summary

import (
	"time"

	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
)

// DefaultMaxRows is the most rows the timeline keeps when its step adapts
// to the span: a day at one row a minute. A longer log doubles the step
// (2, 4, 8 … minutes) until its rows fit.
const DefaultMaxRows = 1440

// Timeline is the whole-run timeline: one small row per step, built from
// the closed windows in time order. It holds no per-window sketch: a row
// keeps its counts and a log-linear histogram of durations (rowBucketBits:
// buckets 1/16 of a power of two wide, so a coarse row's p95 is within
// 1/32, 3 %, of the exact value).
type Timeline struct {
	// Step is the row length: the window size until the rows outgrow
	// MaxRows, unless fixed.
	Step    time.Duration
	fixed   bool
	maxRows int
	rows    []Row
}

// Row is one step of the timeline.
type Row struct {
	// Start is the row's start, Unix nanoseconds.
	Start                        int64
	Requests, Errors5xx, AppErrs uint64
	// P95 is the 95th percentile of the row's durations in µs, exact
	// while the row is one window (P95Exact), from the histogram after.
	P95      float64
	P95Exact bool
	hist     *quantile.Sketch
}

// NewTimeline returns an empty timeline. step > 0 fixes the row length
// (rounded up to a whole number of windows); 0 adapts it to the span,
// keeping at most maxRows rows (0: DefaultMaxRows).
func NewTimeline(window, step time.Duration, maxRows int) *Timeline {
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	t := &Timeline{Step: window, maxRows: maxRows}
	if step > 0 {
		t.Step = max(window, (step+window-1)/window*window)
		t.fixed = true
	}
	return t
}

// Add adds a closed window; windows come in increasing Start. It reads
// c.Latency, which the caller may drop afterwards.
func (t *Timeline) Add(c *window.Closed) {
	if c.Lines == 0 {
		return
	}
	start := c.Start.UnixNano()
	rowStart := floorTo(start, int64(t.Step))
	n := len(t.rows)
	if n == 0 || t.rows[n-1].Start != rowStart {
		t.rows = append(t.rows, Row{Start: rowStart})
		n++
	}
	r := &t.rows[n-1]
	first := r.Requests == 0 && r.AppErrs == 0 && r.hist == nil
	r.Requests += c.Requests
	r.Errors5xx += c.Status[5]
	r.AppErrs += c.AppErrors
	if c.Latency != nil && c.Latency.Count() > 0 {
		if first && t.Step == c.Size {
			r.P95, r.P95Exact = c.Latency.Quantile(0.95), c.Latency.Exact()
		}
		r.addHist(c)
	}
	if !first || t.Step != c.Size {
		r.P95, r.P95Exact = r.histQuantile(0.95), false
	}
	if !t.fixed && len(t.rows) > t.maxRows {
		t.coarsen()
	}
}

// Rows returns the rows in time order.
func (t *Timeline) Rows() []Row { return t.rows }

// Exact reports whether every row's P95 is exact.
func (t *Timeline) Exact() bool {
	for i := range t.rows {
		if t.rows[i].hist != nil && !t.rows[i].P95Exact {
			return false
		}
	}
	return true
}

// coarsen doubles the step and merges the rows that fall together.
func (t *Timeline) coarsen() {
	t.Step *= 2
	out := t.rows[:0]
	for _, r := range t.rows {
		r.Start = floorTo(r.Start, int64(t.Step))
		if n := len(out); n > 0 && out[n-1].Start == r.Start {
			out[n-1].merge(&r)
			continue
		}
		out = append(out, r)
	}
	clear(t.rows[len(out):])
	t.rows = out
}

// rowBucketBits is the resolution of a row's histogram.
const rowBucketBits = 4

func (r *Row) merge(o *Row) {
	r.Requests += o.Requests
	r.Errors5xx += o.Errors5xx
	r.AppErrs += o.AppErrs
	if o.hist != nil {
		if r.hist == nil {
			r.hist = quantile.NewHistogram(rowBucketBits)
		}
		r.hist.Merge(o.hist)
	}
	r.P95, r.P95Exact = r.histQuantile(0.95), false
}

func (r *Row) addHist(c *window.Closed) {
	if r.hist == nil {
		r.hist = quantile.NewHistogram(rowBucketBits)
	}
	c.Latency.Each(r.hist.AddN)
}

// histQuantile returns the q-quantile of the row's histogram, 0 without
// durations.
func (r *Row) histQuantile(q float64) float64 {
	if r.hist == nil {
		return 0
	}
	return r.hist.Quantile(q)
}

func floorTo(t, step int64) int64 {
	f := t - t%step
	if t%step < 0 {
		f -= step
	}
	return f
}
