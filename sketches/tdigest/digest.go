package tdigest

import (
	"math"
	"math/bits"
	"sync"
)

// DefaultCompression is the compression New uses when given 0. See the
// package documentation for the error and memory it gives.
const DefaultCompression = 400

// Digest is a t-digest of int64 samples with exact Count, Mean, Min and Max
// beside it. Repeated values are counted in a small hash table before they
// reach the digest, so quantized input costs one table increment per sample.
//
// The zero Digest is not usable; call New. A Digest is not safe for
// concurrent use.
type Digest struct {
	compression float64
	n           uint64 // samples added, merged ones included
	sumHi       int64  // 128-bit sum of all samples: sumHi·2⁶⁴ + sumLo
	sumLo       uint64
	min, max    int64
	tab         table      // pending samples, not yet in cents
	cents       []centroid // mean-sorted, compressed
}

// New returns an empty digest. compression (δ) trades memory for accuracy:
// a digest holds at most about 1.3·δ centroids of 40 bytes. 0 (or any
// value that is not positive) means DefaultCompression; values below 1 are
// raised to 1. New allocates only the Digest itself; the pre-aggregation
// table and the centroids are allocated when samples arrive.
func New(compression float64) *Digest {
	if !(compression > 0) {
		compression = DefaultCompression
	}
	compression = max(compression, 1)
	d := &Digest{compression: compression}
	d.Reset()
	return d
}

// Add adds one sample. Cost: a few nanoseconds for a value already pending
// in the pre-aggregation table; it allocates only when that table grows,
// and compresses the table into the centroids when it holds 768 distinct
// values.
func (d *Digest) Add(v int64) {
	d.n++
	lo, carry := bits.Add64(d.sumLo, uint64(v), 0)
	d.sumLo = lo
	d.sumHi += v>>63 + int64(carry) // sign-extend v to 128 bits
	d.min = min(d.min, v)
	d.max = max(d.max, v)
	d.pend(v, 1)
}

// pend adds n samples equal to v to the pre-aggregation table.
func (d *Digest) pend(v int64, n uint64) {
	if d.tab.add(v, n) && !d.tab.grow() {
		d.compressTable()
	}
}

// compressTable moves the pending samples into the centroids and keeps the
// table's memory for more.
func (d *Digest) compressTable() {
	s := scratchPool.Get().(*scratch)
	s.in, s.tmp = d.tab.drain(s.in[:0], s.tmp)
	d.mergeCentroids(s, s.in)
	d.tab.clear()
	putScratch(s)
}

// flush moves the pending samples into the centroids before a read and
// drops the table, so that a digest that is only read holds no more than
// its centroids.
func (d *Digest) flush() {
	if d.tab.used != 0 {
		d.compressTable()
	}
	d.tab.release()
}

// Compact moves the pending samples into the centroids and releases the
// pre-aggregation table, so that the digest holds only its centroids. Call
// it on a digest that will receive few or no more samples, such as the
// digest of a closed time window; a later Add allocates a new table.
func (d *Digest) Compact() { d.flush() }

// scratch holds the buffers of one compression. They are recycled through
// scratchPool, shared by all digests, so that between compressions a digest
// holds only its own centroids.
type scratch struct {
	in  []centroid // sorted pending values, or o's inexact centroids in Merge
	tmp []slot     // the radix sort's second buffer
	out []centroid // the compressed result, before it is copied to d.cents
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxPooledCentroids caps the buffers kept in scratchPool: a digest with a
// very high compression must not leave huge buffers to all the others
// (golang/go#23199).
const maxPooledCentroids = 8192

func putScratch(s *scratch) {
	if cap(s.in)+cap(s.out) <= maxPooledCentroids {
		scratchPool.Put(s)
	}
}

// mergeCentroids compresses the mean-sorted b into d.cents. The result is
// copied rather than swapped in so that d.cents keeps a capacity fitted to
// d, not to the largest digest that used the pooled buffer.
func (d *Digest) mergeCentroids(s *scratch, b []centroid) {
	s.out = compress(s.out, d.cents, b, d.compression)
	d.cents = append(d.cents[:0], s.out...)
}

// Merge adds all samples of o to d, as if they had been added to d. o must
// not be d. Merge reads o like Quantile does: its pending samples are
// compressed into its centroids, which leaves its answers unchanged.
//
// Centroids of o that hold one or two distinct values are exact, so their
// values join d's pre-aggregation table like added samples; only the
// others are merged as centroids. Merging digests of quantized latencies
// therefore loses nothing that a single digest would keep.
func (d *Digest) Merge(o *Digest) {
	if o.n == 0 {
		return
	}
	o.flush()
	d.n += o.n
	var carry uint64
	d.sumLo, carry = bits.Add64(d.sumLo, o.sumLo, 0)
	d.sumHi += o.sumHi + int64(carry)
	d.min = min(d.min, o.min)
	d.max = max(d.max, o.max)

	s := scratchPool.Get().(*scratch)
	inexact := s.in[:0]
	for i := range o.cents {
		c := &o.cents[i]
		switch {
		case !c.exact():
			inexact = append(inexact, *c)
		case c.lo == c.hi:
			d.pend(c.lo, c.n)
		default:
			d.pend(c.lo, c.nlo)
			d.pend(c.hi, c.n-c.nlo)
		}
	}
	if len(inexact) != 0 {
		d.mergeCentroids(s, inexact)
	}
	s.in = inexact[:0]
	putScratch(s)
}

// Count returns the exact number of samples. Cost: O(1).
func (d *Digest) Count() uint64 { return d.n }

// Mean returns the mean of the samples, or NaN if there are none. It divides
// an exact 128-bit sum, so its only error is float64 rounding. Cost: O(1).
func (d *Digest) Mean() float64 {
	hi, lo := uint64(d.sumHi), d.sumLo
	negative := d.sumHi < 0
	if negative {
		var borrow uint64
		lo, borrow = bits.Sub64(0, lo, 0)
		hi = -hi - borrow
	}
	m := (float64(hi)*(1<<64) + float64(lo)) / float64(d.n)
	if negative {
		return -m
	}
	return m
}

// Min returns the smallest sample, or 0 if there are none. Cost: O(1).
func (d *Digest) Min() int64 {
	if d.n == 0 {
		return 0
	}
	return d.min
}

// Max returns the largest sample, or 0 if there are none. Cost: O(1).
func (d *Digest) Max() int64 {
	if d.n == 0 {
		return 0
	}
	return d.max
}

// Reset empties the digest. It keeps the centroid memory and drops the
// pre-aggregation table.
func (d *Digest) Reset() {
	d.n, d.sumHi, d.sumLo = 0, 0, 0
	d.min, d.max = math.MaxInt64, math.MinInt64
	d.tab.release()
	d.cents = d.cents[:0]
}

// EachCentroid calls fn with the mean and count of every centroid, in
// increasing mean, after folding in the pending samples. It lets a caller
// re-bin the distribution (a coarser histogram); the means are estimates.
func (d *Digest) EachCentroid(fn func(mean float64, n uint64)) {
	d.flush()
	for _, c := range d.cents {
		fn(c.mean, c.n)
	}
}
