package summary

import (
	"math"
	"math/bits"
	"time"

	"github.com/vigil-ops/vigil/pipeline/window"
)

// DefaultMaxRows is the most rows the timeline keeps when its step adapts
// to the span: a day at one row a minute. A longer log doubles the step
// (2, 4, 8 … minutes) until its rows fit.
const DefaultMaxRows = 1440

// Timeline is the whole-run timeline: one small row per step, built from
// the closed windows in time order. It holds no per-window sketch: a row
// keeps its counts and, once it spans several windows, a log-scale
// histogram of durations (buckets 1/16 of a power of two wide: about 6 %).
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
	hist     map[uint16]uint64
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

func (r *Row) merge(o *Row) {
	r.Requests += o.Requests
	r.Errors5xx += o.Errors5xx
	r.AppErrs += o.AppErrs
	if o.hist != nil {
		if r.hist == nil {
			r.hist = make(map[uint16]uint64, len(o.hist))
		}
		for b, n := range o.hist {
			r.hist[b] += n
		}
	}
	r.P95, r.P95Exact = r.histQuantile(0.95), false
}

func (r *Row) addHist(c *window.Closed) {
	if r.hist == nil {
		r.hist = make(map[uint16]uint64)
	}
	c.Latency.Each(func(v int64, n uint64) { r.hist[bucketOf(v)] += n })
}

// bucketOf maps a duration to its log-scale bucket: the position of its
// highest bit and the next 4 bits.
func bucketOf(v int64) uint16 {
	u := uint64(max(v, 0))
	if u < 16 {
		return uint16(u)
	}
	l := bits.Len64(u)
	return uint16(l-4)<<4 | uint16(u>>(l-5)&15)
}

// bucketHigh is the largest value of bucket b.
func bucketHigh(b uint16) float64 {
	if b < 16 {
		return float64(b)
	}
	l := int(b>>4) + 4
	lo := uint64(16|b&15) << (l - 5)
	return float64(lo + 1<<(l-5) - 1)
}

// histQuantile returns the nearest-rank q-quantile's bucket upper bound.
func (r *Row) histQuantile(q float64) float64 {
	var n uint64
	for _, c := range r.hist {
		n += c
	}
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	var cum uint64
	for b := range uint16(1024) {
		cum += r.hist[b]
		if cum >= rank && r.hist[b] > 0 {
			return bucketHigh(b)
		}
	}
	return 0
}

func floorTo(t, step int64) int64 {
	f := t - t%step
	if t%step < 0 {
		f -= step
	}
	return f
}
