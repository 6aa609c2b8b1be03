package tdigest

import "math"

// centroid summarises n samples: their mean, their exact range [lo, hi]
// and, while they take at most two distinct values, how many equal lo.
// Such a centroid is exact: quantized latencies repeat, so most centroids
// near the median hold one or two values and answer without interpolation.
type centroid struct {
	mean   float64
	n      uint64
	lo, hi int64
	nlo    uint64 // samples equal to lo if all are lo or hi, else 0
}

// exact reports whether every sample in c is lo or hi.
func (c centroid) exact() bool { return c.nlo != 0 }

// countOf returns how many samples of an exact centroid equal v.
func (c centroid) countOf(v int64) uint64 {
	switch v {
	case c.lo:
		return c.nlo
	case c.hi:
		return c.n - c.nlo
	}
	return 0
}

// absorb adds o's samples to c except for the mean, which the builder
// keeps as a sum.
func (c *centroid) absorb(o *centroid) {
	lo, hi := min(c.lo, o.lo), max(c.hi, o.hi)
	twoValues := c.exact() && o.exact() &&
		(c.lo == lo || c.lo == hi) && (c.hi == lo || c.hi == hi) &&
		(o.lo == lo || o.lo == hi) && (o.hi == lo || o.hi == hi)
	if twoValues {
		c.nlo = c.countOf(lo) + o.countOf(lo)
	} else {
		c.nlo = 0
	}
	c.n += o.n
	c.lo, c.hi = lo, hi
}

// builder compresses a mean-sorted stream of centroids with the k1 scale
// function of Dunning and Ertl, "Computing Extremely Accurate Quantiles
// Using t-Digests" (2019), https://arxiv.org/abs/1902.04023 §2.1, scaled
// so that k runs from 0 to δ: k(q) = δ/π·acos(1−2q). A centroid may span at
// most one unit of k, so centroids are small near q = 0 and q = 1 and large
// near the median: tail quantiles stay accurate.
type builder struct {
	out        []centroid
	total      float64 // weight of the whole stream
	done       float64 // weight already emitted to out
	limit      float64 // cumulative weight the current centroid may reach
	cosK, sinK float64 // cos and sin of π/δ, the angle of one unit of k
	cur        centroid
	sum        float64 // Σ mean·n of cur; cur.mean is set when it is emitted
}

// push takes c by pointer: centroid has five fields, too many for the
// compiler to keep one in registers, so copies go through memory.
func (b *builder) push(c *centroid) {
	switch {
	case b.cur.n == 0:
		b.start(c)
	case b.done+float64(b.cur.n+c.n) <= b.limit:
		b.sum += c.mean * float64(c.n)
		b.cur.absorb(c)
	default:
		b.emit()
		b.start(c)
	}
}

// start begins a new centroid with c. Its limit is q(k(done/total)+1), and
// with θ = acos(1−2q) that is (1 − cos(θ + π/δ))/2: the angle-sum identity
// turns it into one square root instead of two trigonometric calls.
func (b *builder) start(c *centroid) {
	b.cur, b.sum = *c, c.mean*float64(c.n)
	q := b.done / b.total
	cosT, sinT := 1-2*q, 2*math.Sqrt(q*(1-q))
	if cosT < -b.cosK { // θ + π/δ > π: the last unit of k
		b.limit = b.total
		return
	}
	b.limit = b.total * (1 - (cosT*b.cosK - sinT*b.sinK)) / 2
}

func (b *builder) emit() {
	b.cur.mean = b.sum / float64(b.cur.n)
	b.out = append(b.out, b.cur)
	b.done += float64(b.cur.n)
}

// compress merges the mean-sorted a and b into dst[:0] and returns the
// compressed result.
func compress(dst, a, b []centroid, compression float64) []centroid {
	var total uint64
	for i := range a {
		total += a[i].n
	}
	for i := range b {
		total += b[i].n
	}
	bld := builder{out: dst[:0], total: float64(total)}
	bld.sinK, bld.cosK = math.Sincos(math.Pi / compression)
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if b[j].mean < a[i].mean {
			bld.push(&b[j])
			j++
		} else {
			bld.push(&a[i])
			i++
		}
	}
	for ; i < len(a); i++ {
		bld.push(&a[i])
	}
	for ; j < len(b); j++ {
		bld.push(&b[j])
	}
	if bld.cur.n != 0 {
		bld.emit()
	}
	return bld.out
}
