package pipeline

import (
	"math"
	"slices"
	"time"
)

// tally is one window's measure: bad requests out of total.
type tally struct{ bad, total uint64 }

func (c tally) ratio() float64 {
	if c.total == 0 {
		return 0
	}
	return float64(c.bad) / float64(c.total)
}

// ratioSpec is a RatioRule in windows.
type ratioSpec struct {
	threshold float64
	min       uint64
	window    int
}

func (d *detection) spec(threshold float64, min uint64, window Duration) ratioSpec {
	return ratioSpec{threshold, min, windowsIn(time.Duration(window), time.Duration(d.t.size))}
}

// ratio returns in dst, for each window of s, its own ratio when it
// breaks spec and 0 otherwise. A window breaks it when the pooled ratio of
// the trailing spec.window windows is above the threshold with the rules'
// confidence (the lower bound of the Wilson score interval) over at least
// spec.min requests, and the window's own ratio is above it too with the
// same confidence: the long window proves the rise, the short one says it
// is still on (the SRE workbook's multi-window alerts).
//
// In a small window a few requests cannot prove a rise, but they can say
// which side of an edge they are on. So the runs of such windows are then
// joined and grown by likelihood: each window weighs the log-likelihood
// ratio of its counts at the run's pooled ratio against the ratio of the
// trailing baseline (smoothed, capped at the threshold), and leaving or
// entering an incident costs switchCost, as in a two-state hidden Markov
// model. Two runs at most 2*spec.window windows apart join when the
// windows between them weigh more than -2*switchCost; a run grows, up to
// spec.window windows either way, to where the weights add up the most.
//
// When rest is not nil, the threshold is raised by the ratio of rest (the
// rest of the service) over the same windows: an endpoint breaks the rule
// only by failing more than everything else by the threshold.
func (d *detection) ratio(dst []float64, s, rest []tally, spec ratioSpec) []float64 {
	values := resize(dst, len(s))
	var pooled, pooledRest tally
	for i, c := range s {
		pooled = pooled.plus(c)
		pooledRest = pooledRest.plus(at(rest, i))
		if i >= spec.window {
			pooled = pooled.minus(s[i-spec.window])
			pooledRest = pooledRest.minus(at(rest, i-spec.window))
		}
		if d.above(c, spec.threshold+at(rest, i).ratio()) && pooled.total >= spec.min &&
			d.above(pooled, spec.threshold+pooledRest.ratio()) {
			values[i] = c.ratio()
		}
	}
	d.refine(values, s, rest, spec)
	return values
}

// refine joins and grows the runs of values, as ratio describes.
func (d *detection) refine(values []float64, s, rest []tally, spec ratioSpec) {
	e := edges{s: s, values: values}
	runs := e.runs()
	for k := 0; k < len(runs); k++ {
		r := runs[k]
		base := d.pooledBaseline(s, values, r.first)
		e.p0 = func(j int) float64 { return min(base, spec.threshold+at(rest, j).ratio()) }
		if k+1 < len(runs) && runs[k+1].first-r.last-1 <= 2*spec.window {
			next := runs[k+1]
			e.p1 = r.t.plus(next.t).ratio()
			if e.weigh(r.last+1, next.first-1) > -2*switchCost {
				e.mark(r.last+1, next.first-1)
				runs[k+1] = span{r.first, next.last, r.t.plus(next.t)}
				continue
			}
		}
		e.p1 = r.t.ratio()
		e.grow(r.first-1, max(0, r.first-spec.window), -1)
		e.grow(r.last+1, min(len(s)-1, r.last+spec.window), 1)
	}
}

// switchCost is the log-likelihood cost of entering or leaving an
// incident: 3 nats, odds of 20 to 1.
const switchCost = 3

// bridged is the value of a window joined to an incident that had no bad
// request: values of 0 mean "not in an incident".
const bridged = math.SmallestNonzeroFloat64

// span is a run of windows [first, last] and its pooled tally.
type span struct {
	first, last int
	t           tally
}

// edges joins and grows the runs of ratio.
type edges struct {
	s      []tally
	values []float64
	p1     float64
	p0     func(j int) float64
}

func (e *edges) runs() []span {
	var out []span
	for i, v := range e.values {
		if v == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].last == i-1 {
			out[n-1].last = i
			out[n-1].t = out[n-1].t.plus(e.s[i])
			continue
		}
		out = append(out, span{i, i, e.s[i]})
	}
	return out
}

// llr is the weight of window j: the log-likelihood ratio of its counts
// at p1 against p0.
func (e *edges) llr(j int) float64 {
	c, p0 := e.s[j], e.p0(j)
	if e.p1 <= p0 {
		return math.Inf(-1)
	}
	k, rest := float64(c.bad), float64(c.total-c.bad)
	w := k * math.Log(e.p1/p0)
	if rest > 0 {
		w += rest * math.Log((1-e.p1)/(1-p0))
	}
	return w
}

// weigh adds the weights of windows [from, to].
func (e *edges) weigh(from, to int) float64 {
	w := 0.0
	for j := from; j <= to; j++ {
		w += e.llr(j)
	}
	return w
}

// mark puts windows [from, to] in the incident.
func (e *edges) mark(from, to int) {
	for j := from; j <= to; j++ {
		if e.values[j] == 0 {
			e.values[j] = max(e.s[j].ratio(), bridged)
		}
	}
}

// grow walks from window from to window limit by step while the windows
// are out of any run, and puts in the incident the windows up to where
// their weights add up the most, if above 0.
func (e *edges) grow(from, limit, step int) {
	best, sum, reach := 0.0, 0.0, -1
	for j := from; (limit-j)*step >= 0 && e.values[j] == 0; j += step {
		sum += e.llr(j)
		if sum > best {
			best, reach = sum, j
		}
	}
	if reach >= 0 {
		e.mark(min(from, reach), max(from, reach))
	}
}

// pooledBaseline is the pooled ratio of up to d.baseline windows before
// window i that did not break the rule, with add-one smoothing so that a
// baseline without a bad request is not taken as impossible.
func (d *detection) pooledBaseline(s []tally, values []float64, i int) float64 {
	var base tally
	for j, n := i-1, 0; j >= 0 && n < d.baseline; j-- {
		if values[j] == 0 {
			base = base.plus(s[j])
			n++
		}
	}
	return (float64(base.bad) + 1) / (float64(base.total) + 2)
}

// at returns s[i], or the zero tally when s is nil.
func at(s []tally, i int) tally {
	if s == nil {
		return tally{}
	}
	return s[i]
}

func (c tally) plus(o tally) tally  { return tally{c.bad + o.bad, c.total + o.total} }
func (c tally) minus(o tally) tally { return tally{c.bad - o.bad, c.total - o.total} }

// above reports whether c's ratio is above threshold with the rules'
// confidence.
func (d *detection) above(c tally, threshold float64) bool {
	return c.total > 0 && wilsonLower(c, d.z) > threshold
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

// burst returns, for each window of s, its own ratio when it jumps against
// the trailing baseline of ratios, and 0 otherwise; bases holds the
// baseline for those windows. The baseline is the upper quartile of the
// trailing ratios, not their median, so that a return to normal after a
// long dip (a surge of other traffic) is not a burst; the spread is their
// median absolute deviation. Windows that jumped stay out of later
// baselines, so a long burst does not become its own baseline.
func (d *detection) burst(s []tally, r BurstRule) (values, bases []float64) {
	values = make([]float64, len(s))
	bases = make([]float64, len(s))
	minCount := r.MinPerMinute * d.minutes
	var scratch []float64
	for i, c := range s {
		if float64(c.bad) < minCount {
			continue
		}
		scratch = d.trailing(scratch[:0], i, values, func(j int) (float64, bool) {
			return s[j].ratio(), s[j].total > 0
		})
		if len(scratch) < d.minBaseline() {
			continue
		}
		m := quantileOf(scratch, 0.75)
		spread := max(1.4826*mad(scratch), math.Sqrt(m*(1-m)/float64(c.total)))
		if own := c.ratio(); own >= r.Factor*m && own > m+r.Deviations*spread {
			values[i], bases[i] = own, m
		}
	}
	return values, bases
}

// trailing appends to dst the values of up to d.baseline windows before i
// that did not break the rule (hot[j] == 0) and have a value (ok), looking
// back at most four baselines.
func (d *detection) trailing(dst []float64, i int, hot []float64, value func(j int) (float64, bool)) []float64 {
	for j := i - 1; j >= 0 && j >= i-4*d.baseline && len(dst) < d.baseline; j-- {
		if hot[j] != 0 {
			continue
		}
		if v, ok := value(j); ok {
			dst = append(dst, v)
		}
	}
	return dst
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

// resize returns s with length n, cleared.
func resize(s []float64, n int) []float64 {
	s = slices.Grow(s[:0], n)[:n]
	clear(s)
	return s
}
