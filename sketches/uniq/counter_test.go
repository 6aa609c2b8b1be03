package uniq

import (
	"math"
	"testing"
)

func TestExactCount(t *testing.T) {
	f := func(n int, exact bool, wantExact bool) {
		t.Helper()
		ks := keys(0, n)
		ks = append(ks, ks...) // every key twice
		for _, parts := range []int{1, 8} {
			c := countOf(ks, exact, parts)
			if got := c.Exact(); got != wantExact {
				t.Fatalf("unexpected Exact for %d keys (exact=%v) in %d parts; got %v; want %v", n, exact, parts, got, wantExact)
			}
			if got := c.Count(); wantExact && got != uint64(n) {
				t.Fatalf("unexpected Count for %d keys (exact=%v) in %d parts; got %d; want %d", n, exact, parts, got, n)
			}
		}
	}
	f(0, false, true)
	f(1, false, true)
	f(1000, false, true)
	f(exactLimit, false, true)
	f(exactLimit+1, false, false)
	f(200_000, true, true)
}

func TestZeroHash(t *testing.T) {
	// The hash 0 marks empty slots, so the set keeps it aside.
	f := func(hs []uint64, limit int, want int) {
		t.Helper()
		var s hashSet
		for _, h := range hs {
			s.add(h, limit)
		}
		if got := s.len(); got != want {
			t.Fatalf("unexpected len for %v (limit %d); got %d; want %d", hs, limit, got, want)
		}
	}
	f([]uint64{0}, 10, 1)
	f([]uint64{0, 0, 1, 1}, 10, 2)
	f([]uint64{1, 2, 0}, 2, 2)
	f([]uint64{0, 1, 2}, 2, 2)
}

func TestApproximateCount(t *testing.T) {
	// 3 % is about four standard errors (1.04/√16384 = 0.81 %).
	f := func(n int) {
		t.Helper()
		for _, parts := range []int{1, 8} {
			c := countOf(keys(1<<24, n), false, parts)
			if c.Exact() {
				t.Fatalf("unexpected Exact for %d keys in %d parts; got true; want false", n, parts)
			}
			if got := float64(c.Count()); math.Abs(got-float64(n)) > 0.03*float64(n) {
				t.Fatalf("unexpected Count for %d keys in %d parts; got %v; want %d ± 3 %%", n, parts, got, n)
			}
		}
	}
	f(10_000)
	f(100_000)
	f(1_000_000)
}

func TestMergeEqualsSingle(t *testing.T) {
	// A union of sets and a register-wise maximum are exact, so merged
	// parts hold the very state of one Counter fed everything.
	f := func(n int, exact bool) {
		t.Helper()
		ks := keys(7, n)
		single := countOf(ks, exact, 1)
		for _, parts := range []int{2, 8} {
			c := countOf(ks, exact, parts)
			if c.Exact() != single.Exact() || c.Count() != single.Count() {
				t.Fatalf("unexpected Exact, Count for %d keys in %d parts; got %v, %d; want %v, %d",
					n, parts, c.Exact(), c.Count(), single.Exact(), single.Count())
			}
			if c.regs != nil && *c.regs != *single.regs {
				t.Fatalf("unexpected registers for %d keys in %d parts; differ from a single Counter", n, parts)
			}
		}
	}
	f(2_000, false)  // parts and union exact
	f(5_000, false)  // parts exact, union not
	f(50_000, false) // parts not exact
	f(50_000, true)
}

func TestMergeInexactIntoExact(t *testing.T) {
	c := countOf(keys(0, 100), true, 1)
	c.Merge(countOf(keys(1000, 10_000), false, 1))
	if c.Exact() {
		t.Fatalf("unexpected Exact after merging a HyperLogLog; got true; want false")
	}
	if got := float64(c.Count()); math.Abs(got-10_100) > 0.03*10_100 {
		t.Fatalf("unexpected Count after merging a HyperLogLog; got %v; want 10100 ± 3 %%", got)
	}
}

func TestEstimateEmpty(t *testing.T) {
	if got := new(hll).estimate(); got != 0 {
		t.Fatalf("unexpected estimate for %q; got %v; want 0", "no registers set", got)
	}
}

func TestAddAllocs(t *testing.T) {
	f := func(name string, c *Counter, ks [][]byte) {
		t.Helper()
		i := 0
		allocs := testing.AllocsPerRun(10_000, func() {
			c.Add(ks[i%len(ks)])
			i++
		})
		if allocs != 0 {
			t.Fatalf("unexpected allocations per Add for %q; got %v; want 0", name, allocs)
		}
	}
	seen := keys(0, 2000)
	f("exact, seen keys", countOf(seen, false, 1), seen)
	f("exact forever, seen keys", countOf(seen, true, 1), seen)
	f("HyperLogLog, new keys", countOf(keys(0, 10_000), false, 1), keys(10_000, 20_000))
}
