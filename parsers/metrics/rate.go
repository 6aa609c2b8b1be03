package metrics

import "math"

// counter is what Rates holds per series: its latest sample.
type counter struct {
	t int64
	v float64
}

// Rates turns counter samples into per-second rates, series by series,
// as Prometheus's rate() does between two consecutive samples: the
// increase over the time between them. A value below the previous one is
// a counter reset: the counter restarted from zero, so the increase is
// the new value itself. Series are kept, not evicted, up to a maximum.
//
// Rates is not safe for concurrent use. Update allocates only for a new
// series.
type Rates struct {
	m     map[string]*counter
	max   int
	stats Stats
}

// NewRates returns a rate computer that holds at most maxSeries series;
// ≤ 0 means 10000.
func NewRates(maxSeries int) *Rates {
	if maxSeries <= 0 {
		maxSeries = defaultMaxSeries
	}
	return &Rates{m: make(map[string]*counter), max: maxSeries}
}

// Update records the value v of the counter series (any bytes that name
// it: its labels) at time t (Unix ns), and returns the per-second rate
// since the series' previous sample. ok is false for the first sample of
// a series, for one not after the previous (Late), for NaN values (which
// are ignored), and for a new series beyond the maximum (Dropped).
func (r *Rates) Update(series []byte, t int64, v float64) (rate float64, ok bool) {
	if math.IsNaN(v) {
		return 0, false
	}
	c := r.m[string(series)]
	switch {
	case c == nil:
		if len(r.m) >= r.max {
			r.stats.Dropped++
			return 0, false
		}
		r.m[string(series)] = &counter{t: t, v: v}
		return 0, false
	case t <= c.t:
		r.stats.Late++
		return 0, false
	}
	inc := v - c.v
	if v < c.v {
		inc = v // reset: counted from zero
	}
	// t > c.t, so the difference fits a uint64 even where int64 overflows.
	rate = inc / (float64(uint64(t)-uint64(c.t)) / 1e9)
	c.t, c.v = t, v
	return rate, true
}

// Stats returns what r has ignored so far.
func (r *Rates) Stats() Stats { return r.stats }

// Len returns how many series r holds.
func (r *Rates) Len() int { return len(r.m) }
