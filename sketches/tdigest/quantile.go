package tdigest

import "math"

// Quantile returns an estimate of the q-quantile by the nearest-rank
// definition: the sample of rank ⌈q·Count⌉ (1-based, at least 1) in sorted
// order, in the unit of the samples. Quantile(0) is Min and Quantile(1) is
// Max, exactly. It returns NaN for an empty digest or q outside [0, 1].
//
// A centroid that holds one repeated value answers exactly; elsewhere the
// estimate interpolates linearly between centroid means, as in the t-digest
// paper, and is clamped to the range of samples in the centroid that holds
// the rank. Cost: compresses pending samples, then O(number of centroids);
// no allocation.
func (d *Digest) Quantile(q float64) float64 {
	d.flush()
	if d.n == 0 || !(q >= 0 && q <= 1) {
		return math.NaN()
	}
	rank := uint64(math.Ceil(q * float64(d.n)))
	switch {
	case rank <= 1:
		return float64(d.min)
	case rank >= d.n:
		return float64(d.max)
	}
	// Sample k (1-based) of a centroid starting after `start` samples sits
	// at position start+k-0.5.
	x := float64(rank) - 0.5
	start := 0.0
	for i, c := range d.cents {
		end := start + float64(c.n)
		if x < end {
			return d.interpolate(i, start, x)
		}
		start = end
	}
	panic("BUG: tdigest: centroid weights add up to less than Count")
}

// interpolate estimates the sample at position x inside centroid i, whose
// first sample has position start+0.5.
func (d *Digest) interpolate(i int, start, x float64) float64 {
	c := d.cents[i]
	if c.exact() {
		if x-start < float64(c.nlo) {
			return float64(c.lo)
		}
		return float64(c.hi)
	}
	end := start + float64(c.n)
	mid := start + float64(c.n)/2
	var x0, y0, x1, y1 float64
	switch {
	case x < mid && i == 0:
		x0, y0, x1, y1 = 0.5, float64(d.min), mid, c.mean
	case x < mid:
		x0, y0 = d.rightAnchor(i-1, start)
		x1, y1 = mid, c.mean
	case i == len(d.cents)-1:
		x0, y0, x1, y1 = mid, c.mean, float64(d.n)-0.5, float64(d.max)
	default:
		x0, y0 = mid, c.mean
		x1, y1 = d.leftAnchor(i+1, end)
	}
	y := y0 + (y1-y0)*(x-x0)/(x1-x0)
	return min(max(y, float64(c.lo)), float64(c.hi))
}

// rightAnchor returns the point that stands for the upper side of centroid
// i, which ends after `end` samples: its last sample if it holds one
// value, else its mean at its middle.
func (d *Digest) rightAnchor(i int, end float64) (x, y float64) {
	c := d.cents[i]
	if c.exact() {
		return end - 0.5, float64(c.hi)
	}
	return end - float64(c.n)/2, c.mean
}

// leftAnchor is rightAnchor for the lower side of centroid i, which starts
// after `start` samples.
func (d *Digest) leftAnchor(i int, start float64) (x, y float64) {
	c := d.cents[i]
	if c.exact() {
		return start + 0.5, float64(c.lo)
	}
	return start + float64(c.n)/2, c.mean
}
