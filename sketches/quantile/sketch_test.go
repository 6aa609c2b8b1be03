package quantile

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// nearestRank is the reference: the smallest v with at least ⌈q·n⌉ values
// ≤ v, from a sort.
func nearestRank(sorted []int64, q float64) float64 {
	r := int(math.Ceil(q * float64(len(sorted))))
	return float64(sorted[max(r, 1)-1])
}

var qs = []float64{0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1}

func TestExactMatchesSort(t *testing.T) {
	f := func(name string, values []int64) {
		t.Helper()
		s := New(0)
		for _, v := range values {
			s.Add(v)
		}
		sorted := slices.Sorted(slices.Values(values))
		got := s.AppendQuantiles(nil, qs...)
		for i, q := range qs {
			want := nearestRank(sorted, q)
			if s.Quantile(q) != want || got[i] != want {
				t.Errorf("unexpected q%g for %q; got %v and %v; want %v", q, name, s.Quantile(q), got[i], want)
			}
		}
		if !s.Exact() || s.Count() != uint64(len(values)) || s.Max() != sorted[len(sorted)-1] || s.Min() != sorted[0] {
			t.Errorf("unexpected exact/count/max/min for %q; got %v %d %d %d", name, s.Exact(), s.Count(), s.Max(), s.Min())
		}
	}
	f("one", []int64{7})
	f("two", []int64{9, 3})
	r := rand.New(rand.NewPCG(1, 2))
	ms := make([]int64, 100000)
	for i := range ms {
		ms[i] = int64(r.ExpFloat64()*120) * 1000 // whole milliseconds in µs
	}
	f("exponential ms", ms)
}

func TestMergeOrderIndependentWhileExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	parts := make([]*Sketch, 8)
	for i := range parts {
		parts[i] = New(0)
		for range 5000 {
			parts[i].Add(int64(r.IntN(2000)))
		}
	}
	a, b := New(0), New(0)
	for i := range parts {
		a.Merge(parts[i])
		b.Merge(parts[len(parts)-1-i])
	}
	if ga, gb := a.AppendQuantiles(nil, qs...), b.AppendQuantiles(nil, qs...); !slices.Equal(ga, gb) || a.Mean() != b.Mean() {
		t.Errorf("unexpected merge-order dependence; got %v and %v", ga, gb)
	}
}

func TestOverBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	parts := []*Sketch{New(100), New(100), New(100)}
	var values []int64
	for i := range 200000 {
		v := int64(r.NormFloat64()*1e4 + 1e6)
		values = append(values, v)
		parts[i%3].Add(v)
	}
	s, rev := New(100), New(100)
	for i := range parts {
		s.Merge(parts[i])
		rev.Merge(parts[len(parts)-1-i])
	}
	if s.Exact() {
		t.Fatalf("unexpected exact sketch over budget")
	}
	sorted := slices.Sorted(slices.Values(values))
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 1} {
		// The reported value is the middle of the nearest rank's bucket:
		// within 1/256 of it.
		got, want := s.Quantile(q), nearestRank(sorted, q)
		if math.Abs(got-want) > want/256 {
			t.Errorf("unexpected q%g over budget; got %v; want %v ±1/256", q, got, want)
		}
		if rev.Quantile(q) != got {
			t.Errorf("unexpected merge-order dependence over budget at q%g; got %v and %v", q, got, rev.Quantile(q))
		}
	}
	if s.Count() != 200000 || s.Max() != sorted[len(sorted)-1] || s.Min() != sorted[0] {
		t.Errorf("unexpected count/max/min over budget; got %d %d %d", s.Count(), s.Max(), s.Min())
	}
}

func TestHistogramSmall(t *testing.T) {
	h := NewHistogram(4)
	for v := range int64(100000) {
		h.Add(v)
	}
	if len(h.table) > 16*17+32 {
		t.Errorf("unexpected histogram size; got %d buckets", len(h.table))
	}
	if got := h.Quantile(0.5); math.Abs(got-50000) > 50000.0/32 {
		t.Errorf("unexpected median; got %v; want 50000 ±1/32", got)
	}
}
