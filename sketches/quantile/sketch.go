package quantile

import (
	"math"
	"math/bits"
	"slices"
)

// DefaultBudget is the budget of New(0): distinct values kept exactly.
const DefaultBudget = 4096

// DefaultBucketBits is the resolution past the budget: each power of two
// is cut into 2^7 buckets, so a reported value is within 1/256 (0.4 %)
// of the true nearest-rank value.
const DefaultBucketBits = 7

// Sketch counts int64 values. The zero Sketch is not usable; call New.
type Sketch struct {
	budget int
	// bucketBits is the resolution of the histogram past the budget.
	bucketBits int
	// table counts values while exact, buckets (by their lowest value)
	// once the distinct values outgrew the budget.
	table  map[int64]uint64
	hist   bool
	n      uint64
	sum    float64
	min    int64
	max    int64
	sorted []int64 // table keys in order, valid while !dirty
	dirty  bool
}

// New returns an empty sketch that stays exact for up to budget distinct
// values (0: DefaultBudget), then turns into a log-linear histogram of
// DefaultBucketBits.
func New(budget int) *Sketch {
	if budget <= 0 {
		budget = DefaultBudget
	}
	return &Sketch{budget: budget, bucketBits: DefaultBucketBits, table: make(map[int64]uint64)}
}

// NewHistogram returns an empty sketch that is a log-linear histogram
// from the start: values below 2^(bucketBits+1) exactly, each power of two
// above cut into 2^bucketBits buckets (relative error 2^-(bucketBits+1)).
// It is small whatever the values: a few hundred buckets for durations.
func NewHistogram(bucketBits int) *Sketch {
	return &Sketch{bucketBits: bucketBits, table: make(map[int64]uint64), hist: true}
}

// Add counts v once. Cost: one map operation.
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
	s.count(v, n)
}

// count adds n to v's entry of the table (its bucket's, past the budget).
func (s *Sketch) count(v int64, n uint64) {
	if s.hist {
		v = s.bucketLow(v)
	}
	// One map operation whether the key is new or not: a new key shows
	// as a longer table.
	before := len(s.table)
	s.table[v] += n
	if len(s.table) == before {
		return
	}
	s.dirty = true
	if !s.hist && len(s.table) > s.budget {
		s.spill()
	}
}

// bucketLow returns the lowest value of v's bucket.
func (s *Sketch) bucketLow(v int64) int64 {
	if v < 1<<(s.bucketBits+1) {
		return v
	}
	shift := bits.Len64(uint64(v)) - (s.bucketBits + 1)
	return v >> shift << shift
}

// value returns the value a table key stands for: itself while exact,
// its bucket's middle (within the values seen) in a histogram.
func (s *Sketch) value(key int64) int64 {
	if !s.hist || key < 1<<(s.bucketBits+1) {
		return key
	}
	shift := bits.Len64(uint64(key)) - (s.bucketBits + 1)
	return min(max(key+(1<<shift-1)/2, s.min), s.max)
}

// spill turns the exact table into the histogram.
func (s *Sketch) spill() {
	exact := s.table
	s.table, s.hist, s.dirty = make(map[int64]uint64, len(exact)/4), true, true
	for v, n := range exact {
		s.table[s.bucketLow(v)] += n
	}
}

// keys returns the table's keys in order, cached until the next new key.
func (s *Sketch) keys() []int64 {
	if s.dirty || len(s.sorted) != len(s.table) {
		s.sorted = s.sorted[:0]
		for v := range s.table {
			s.sorted = append(s.sorted, v)
		}
		slices.Sort(s.sorted)
		s.dirty = false
	}
	return s.sorted
}

// Merge adds o's values to s. o is not modified. The result does not
// depend on the order of merges: exact tables and histograms with fixed
// buckets add up.
func (s *Sketch) Merge(o *Sketch) {
	if o.n == 0 {
		return
	}
	if o.hist && !s.hist {
		s.spill()
	}
	if s.n == 0 || o.min < s.min {
		s.min = o.min
	}
	if s.n == 0 || o.max > s.max {
		s.max = o.max
	}
	s.n += o.n
	s.sum += o.sum
	for _, k := range o.keys() {
		s.count(k, o.table[k])
	}
}

// Exact reports whether the percentiles are exact nearest-rank values.
func (s *Sketch) Exact() bool { return !s.hist }

// Count returns the number of values added. Exact.
func (s *Sketch) Count() uint64 { return s.n }

// Mean returns the mean value, 0 when empty. Exact for integer values
// whose sum stays below 2^53.
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

// Quantile returns the q-quantile (0 ≤ q ≤ 1), 0 when empty: the nearest
// rank, the smallest value v such that at least ⌈q·n⌉ values are ≤ v (the
// minimum for q = 0). Past the budget it is the middle of that value's
// histogram bucket (see [Sketch.Exact]).
func (s *Sketch) Quantile(q float64) float64 {
	return s.AppendQuantiles(nil, q)[0]
}

// AppendQuantiles appends the qs-quantiles to dst, in one pass over the
// table; qs must be ascending.
func (s *Sketch) AppendQuantiles(dst []float64, qs ...float64) []float64 {
	if s.n == 0 {
		for range qs {
			dst = append(dst, 0)
		}
		return dst
	}
	keys := s.keys()
	var cum uint64
	i := 0
	for _, q := range qs {
		rank := uint64(math.Ceil(q * float64(s.n)))
		for i < len(keys)-1 && cum+s.table[keys[i]] < rank {
			cum += s.table[keys[i]]
			i++
		}
		dst = append(dst, float64(s.value(keys[i])))
	}
	return dst
}

// Reset empties s, keeping its budget and the memory of its table; a
// sketch made by New is exact again.
func (s *Sketch) Reset() {
	table, sorted := s.table, s.sorted[:0]
	clear(table)
	*s = Sketch{budget: s.budget, bucketBits: s.bucketBits, table: table, sorted: sorted, hist: s.budget == 0}
}

// Each calls fn with every distinct value and its count in increasing
// value; past the budget, with each bucket's middle value.
func (s *Sketch) Each(fn func(v int64, n uint64)) {
	for _, k := range s.keys() {
		fn(s.value(k), s.table[k])
	}
}
