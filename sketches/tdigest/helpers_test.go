package tdigest

import (
	"math"
	"math/rand/v2"
	"slices"
)

// logNormal returns n samples of a log-normal distribution with the given
// median and shape σ, rounded to multiples of quantum (and at least
// quantum), from a fixed seed.
func logNormal(seed uint64, n int, median, sigma float64, quantum int64) []int64 {
	r := rand.New(rand.NewPCG(seed, 1))
	s := make([]int64, n)
	for i := range s {
		v := int64(math.Round(median*math.Exp(sigma*r.NormFloat64())/float64(quantum))) * quantum
		s[i] = max(v, quantum)
	}
	return s
}

// bimodal returns n samples, 80 % log-normal around 5 ms and 20 % around
// 800 ms (σ = 0.5), in microseconds, from a fixed seed.
func bimodal(seed uint64, n int) []int64 {
	r := rand.New(rand.NewPCG(seed, 2))
	s := make([]int64, n)
	for i := range s {
		median := 5_000.0
		if r.IntN(5) == 0 {
			median = 800_000
		}
		s[i] = int64(math.Round(median * math.Exp(0.5*r.NormFloat64())))
	}
	return s
}

// uniform returns n samples uniform in [lo, hi), from a fixed seed.
func uniform(seed uint64, n int, lo, hi int64) []int64 {
	r := rand.New(rand.NewPCG(seed, 3))
	s := make([]int64, n)
	for i := range s {
		s[i] = lo + r.Int64N(hi-lo)
	}
	return s
}

// digestsOf feeds samples into parts digests, in runs of 1000 dealt
// round-robin, as pipeline workers would see chunks of a file.
func digestsOf(samples []int64, parts int, compression float64) []*Digest {
	ds := make([]*Digest, parts)
	for i := range ds {
		ds[i] = New(compression)
	}
	for i, v := range samples {
		ds[i/1000%parts].Add(v)
	}
	return ds
}

// merged returns one digest holding all of ds.
func merged(ds []*Digest) *Digest {
	d := New(ds[0].compression)
	for _, o := range ds {
		d.Merge(o)
	}
	return d
}

// nearestRank returns the sample of rank ⌈q·n⌉ (at least 1) of sorted.
func nearestRank(sorted []int64, q float64) float64 {
	rank := max(int(math.Ceil(q*float64(len(sorted)))), 1)
	return float64(sorted[rank-1])
}

func sortedCopy(s []int64) []int64 {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
