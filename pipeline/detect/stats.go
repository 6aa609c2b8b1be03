package detect

import (
	"math"
	"slices"
)

// tally is one window's measure: bad requests out of total.
type tally struct{ bad, total uint64 }

func (c tally) ratio() float64 {
	if c.total == 0 {
		return 0
	}
	return float64(c.bad) / float64(c.total)
}

func (c tally) plus(o tally) tally  { return tally{c.bad + o.bad, c.total + o.total} }
func (c tally) minus(o tally) tally { return tally{c.bad - o.bad, c.total - o.total} }

// ratioSpec is a ratio rule in windows.
type ratioSpec struct {
	threshold float64
	min       uint64
	window    int
}

// ratioHit reports whether window i breaks tier t's ratio rule for
// subject, and returns the window's tally. A window breaks it when its
// own ratio is above the threshold with the rules' confidence (the lower
// bound of the Wilson score interval), and so is the pooled ratio of the
// trailing spec.window windows, over at least spec.min requests: the long
// window proves the rise, the short one says it is still on (the SRE
// workbook's multi-window alerts).
//
// The threshold is raised by the ratio of rest, the rest of the service
// over the same windows, when the tier measures one endpoint against it:
// the endpoint breaks the rule only by failing more than everything else
// by the threshold.
func (e *Engine) ratioHit(t *tier, i int, subject string) (tally, bool) {
	spec := t.ratio
	s, rest := t.measure(e.at(i), subject)
	if !e.above(s, spec.threshold+rest.ratio()) {
		return s, false
	}
	var pooled, pooledRest tally
	for j := max(0, i-spec.window+1); j <= i; j++ {
		a, b := t.measure(e.at(j), subject)
		pooled, pooledRest = pooled.plus(a), pooledRest.plus(b)
	}
	return s, pooled.total >= spec.min && e.above(pooled, spec.threshold+pooledRest.ratio())
}

// above reports whether c's ratio is above threshold with the rules'
// confidence.
func (e *Engine) above(c tally, threshold float64) bool {
	return c.total > 0 && wilsonLower(c, e.z) > threshold
}

// wilsonLower is the lower bound of the Wilson score interval of c's
// ratio at normal quantile z.
func wilsonLower(c tally, z float64) float64 {
	n := float64(c.total)
	p := c.ratio()
	z2 := z * z
	center := p + z2/(2*n)
	margin := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return (center - margin) / (1 + z2/n)
}

// switchCost is the log-likelihood cost of entering or leaving an
// incident: 3 nats, odds of 20 to 1. Quiet windows that weigh less than
// -2*switchCost against an incident's ratio end its run (see quietEnds).
const switchCost = 3

// llr is the weight of a window's counts c: the log-likelihood ratio of c
// at the incident's ratio p1 against the normal ratio p0; -Inf when p1 is
// not above p0.
func llr(c tally, p1, p0 float64) float64 {
	if p1 <= p0 {
		return math.Inf(-1)
	}
	k, rest := float64(c.bad), float64(c.total-c.bad)
	w := k * math.Log(p1/p0)
	if rest > 0 {
		w += rest * math.Log((1-p1)/(1-p0))
	}
	return w
}

// burstOf reports whether a window's share c jumps against the trailing
// baseline of shares (scratch, reordered): it returns the share and the
// baseline when it does. The baseline is the upper quartile of the
// trailing shares, not their median, so that a return to normal after a
// long dip (a surge of other traffic) is not a burst; the spread is their
// median absolute deviation, at least the binomial one.
func burstOf(c tally, scratch []float64, r BurstRule) (value, base float64, ok bool) {
	m := quantileOf(scratch, 0.75)
	spread := max(1.4826*mad(scratch), math.Sqrt(m*(1-m)/float64(c.total)))
	if own := c.ratio(); own >= r.Factor*m && own > m+r.Deviations*spread {
		return own, m, true
	}
	return 0, 0, false
}

// mad returns the median absolute deviation of xs from their median. It
// reorders xs.
func mad(xs []float64) float64 {
	median := medianOf(xs)
	for i, x := range xs {
		xs[i] = math.Abs(x - median)
	}
	return medianOf(xs)
}

func medianOf(xs []float64) float64 { return quantileOf(xs, 0.5) }

// quantileOf returns the q-quantile of xs, interpolating between closest
// ranks. It sorts xs.
func quantileOf(xs []float64, q float64) float64 {
	slices.Sort(xs)
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i+1 >= len(xs) {
		return xs[i]
	}
	return xs[i] + (pos-float64(i))*(xs[i+1]-xs[i])
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
