package quantile

import (
	"math"
	"slices"

	"github.com/vigil-ops/vigil/sketches/tdigest"
)

// DefaultBudget is the budget of New(0): distinct values kept exactly.
const DefaultBudget = 4096

// digestCompression is the compression of the digest past the budget.
const digestCompression = 0 // tdigest's default (precise)

// Sketch counts int64 values. The zero Sketch is not usable; call New.
type Sketch struct {
	budget int
	exact  map[int64]uint64 // nil once over budget
	digest *tdigest.Digest  // nil while exact
	n      uint64
	sum    float64
	min    int64
	max    int64
	sorted []int64 // exact keys in order, valid while !dirty
	dirty  bool
}

// New returns an empty sketch that stays exact for up to budget distinct
// values (0: DefaultBudget).
func New(budget int) *Sketch {
	if budget <= 0 {
		budget = DefaultBudget
	}
	return &Sketch{budget: budget, exact: make(map[int64]uint64)}
}

// Add counts v once. Cost: one map operation while exact.
func (s *Sketch) Add(v int64) { s.AddN(v, 1) }

// AddN counts v n times.
func (s *Sketch) AddN(v int64, n uint64) {
	if n == 0 {
		return
	}
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if s.n == 0 || v > s.max {
		s.max = v
	}
	s.n += n
	s.sum += float64(v) * float64(n)
	if s.exact == nil {
		addDigest(s.digest, v, n)
		return
	}
	// One map operation whether v is new or not: a new value shows as a
	// longer table.
	before := len(s.exact)
	s.exact[v] += n
	if len(s.exact) == before {
		return
	}
	s.dirty = true
	if len(s.exact) > s.budget {
		s.spill()
	}
}

func addDigest(d *tdigest.Digest, v int64, n uint64) {
	for range n {
		d.Add(v)
	}
}

// spill moves the exact table into a digest, in value order.
func (s *Sketch) spill() {
	s.digest = tdigest.New(digestCompression)
	for _, v := range s.keys() {
		addDigest(s.digest, v, s.exact[v])
	}
	s.exact, s.sorted, s.dirty = nil, nil, false
}

// keys returns the exact table's values in order, cached until the next
// new value.
func (s *Sketch) keys() []int64 {
	if s.dirty || len(s.sorted) != len(s.exact) {
		s.sorted = s.sorted[:0]
		for v := range s.exact {
			s.sorted = append(s.sorted, v)
		}
		slices.Sort(s.sorted)
		s.dirty = false
	}
	return s.sorted
}

// Merge adds o's values to s. o is not modified.
func (s *Sketch) Merge(o *Sketch) {
	if o.n == 0 {
		return
	}
	if o.exact == nil {
		if s.exact != nil {
			s.spill()
		}
		s.digest.Merge(o.digest)
		s.mergeStats(o)
		return
	}
	for _, v := range o.keys() {
		s.AddN(v, o.exact[v])
	}
}

func (s *Sketch) mergeStats(o *Sketch) {
	if s.n == 0 || o.min < s.min {
		s.min = o.min
	}
	if s.n == 0 || o.max > s.max {
		s.max = o.max
	}
	s.n += o.n
	s.sum += o.sum
}

// Exact reports whether the percentiles are exact nearest-rank values.
func (s *Sketch) Exact() bool { return s.exact != nil }

// Count returns the number of values added. Exact.
func (s *Sketch) Count() uint64 { return s.n }

// Mean returns the mean value, 0 when empty. Exact (up to float rounding).
func (s *Sketch) Mean() float64 {
	if s.n == 0 {
		return 0
	}
	return s.sum / float64(s.n)
}

// Max returns the largest value, 0 when empty. Exact.
func (s *Sketch) Max() int64 { return s.max }

// Min returns the smallest value, 0 when empty. Exact.
func (s *Sketch) Min() int64 { return s.min }

// Quantile returns the q-quantile (0 ≤ q ≤ 1), 0 when empty. While exact
// it is the nearest rank: the smallest value v such that at least
// ⌈q·n⌉ values are ≤ v (the minimum for q = 0). Past the budget it is the
// digest's estimate.
func (s *Sketch) Quantile(q float64) float64 {
	if s.n == 0 {
		return 0
	}
	if s.exact == nil {
		return s.digest.Quantile(q)
	}
	rank := uint64(math.Ceil(q * float64(s.n)))
	var cum uint64
	keys := s.keys()
	for _, v := range keys {
		cum += s.exact[v]
		if cum >= rank {
			return float64(v)
		}
	}
	return float64(keys[len(keys)-1])
}

// AppendQuantiles appends the qs-quantiles to dst, in one pass over the
// table while exact; qs must be ascending.
func (s *Sketch) AppendQuantiles(dst []float64, qs ...float64) []float64 {
	if s.n == 0 || s.exact == nil {
		for _, q := range qs {
			dst = append(dst, s.Quantile(q))
		}
		return dst
	}
	keys := s.keys()
	var cum uint64
	i := 0
	for _, q := range qs {
		rank := uint64(math.Ceil(q * float64(s.n)))
		for i < len(keys)-1 && cum+s.exact[keys[i]] < rank {
			cum += s.exact[keys[i]]
			i++
		}
		dst = append(dst, float64(keys[i]))
	}
	return dst
}

// Reset empties s, keeping its budget and, while exact, the memory of
// its table.
func (s *Sketch) Reset() {
	exact, sorted := s.exact, s.sorted[:0]
	if exact == nil {
		exact = make(map[int64]uint64)
	}
	clear(exact)
	*s = Sketch{budget: s.budget, exact: exact, sorted: sorted}
}

// Each calls fn with every distinct value and its count in increasing
// value while exact; past the budget, with the digest's centroid means
// (rounded), which are estimates.
func (s *Sketch) Each(fn func(v int64, n uint64)) {
	if s.exact == nil {
		s.digest.EachCentroid(func(mean float64, n uint64) { fn(int64(math.Round(mean)), n) })
		return
	}
	for _, v := range s.keys() {
		fn(v, s.exact[v])
	}
}
