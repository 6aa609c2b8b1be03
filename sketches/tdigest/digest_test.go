package tdigest

import (
	"math"
	"math/big"
	"testing"
)

func TestStats(t *testing.T) {
	f := func(name string, samples []int64) {
		t.Helper()
		for _, parts := range []int{1, 3} {
			d := merged(digestsOf(samples, parts, 0))
			wantMin, wantMax := samples[0], samples[0]
			sum := new(big.Int)
			for _, v := range samples {
				wantMin, wantMax = min(wantMin, v), max(wantMax, v)
				sum.Add(sum, big.NewInt(v))
			}
			wantMean, _ := new(big.Float).Quo(new(big.Float).SetInt(sum), big.NewFloat(float64(len(samples)))).Float64()
			if got := d.Count(); got != uint64(len(samples)) {
				t.Errorf("unexpected Count for %q in %d parts; got %d; want %d", name, parts, got, len(samples))
			}
			if got := d.Mean(); got != wantMean {
				t.Errorf("unexpected Mean for %q in %d parts; got %v; want %v", name, parts, got, wantMean)
			}
			if got := d.Min(); got != wantMin {
				t.Errorf("unexpected Min for %q in %d parts; got %d; want %d", name, parts, got, wantMin)
			}
			if got := d.Max(); got != wantMax {
				t.Errorf("unexpected Max for %q in %d parts; got %d; want %d", name, parts, got, wantMax)
			}
		}
	}
	f("one", []int64{7})
	f("negative", []int64{-5, -2, -2})
	f("mixed signs", []int64{-3, 1, 1})
	f("sum below MinInt64", []int64{math.MinInt64, math.MinInt64, math.MinInt64, 1})
	f("sum above MaxInt64", []int64{math.MaxInt64, math.MaxInt64, math.MaxInt64, 3})
	f("log-normal", logNormal(1, 100_000, 50_000, 1, 1))
}

func TestStatsEmpty(t *testing.T) {
	d := New(0)
	if got := d.Count(); got != 0 {
		t.Errorf("unexpected Count for %q; got %d; want 0", "empty", got)
	}
	if got := d.Mean(); !math.IsNaN(got) {
		t.Errorf("unexpected Mean for %q; got %v; want NaN", "empty", got)
	}
	if got := d.Min(); got != 0 {
		t.Errorf("unexpected Min for %q; got %d; want 0", "empty", got)
	}
	if got := d.Max(); got != 0 {
		t.Errorf("unexpected Max for %q; got %d; want 0", "empty", got)
	}
}

func TestMergeEmpty(t *testing.T) {
	f := func(name string, d, o *Digest, wantCount uint64, wantP50 float64) {
		t.Helper()
		d.Merge(o)
		if got := d.Count(); got != wantCount {
			t.Errorf("unexpected Count for %q; got %d; want %d", name, got, wantCount)
		}
		if got := d.Quantile(0.5); got != wantP50 && !(math.IsNaN(got) && math.IsNaN(wantP50)) {
			t.Errorf("unexpected p50 for %q; got %v; want %v", name, got, wantP50)
		}
	}
	three := func() *Digest { return digestsOf([]int64{1, 2, 3}, 1, 0)[0] }
	f("empty into empty", New(0), New(0), 0, math.NaN())
	f("empty into three", three(), New(0), 3, 2)
	f("three into empty", New(0), three(), 3, 2)
	f("three into three", three(), three(), 6, 2)
}

func TestMergeLeavesSource(t *testing.T) {
	samples := logNormal(1, 50_000, 50_000, 1, 1)
	o := digestsOf(samples, 1, 0)[0]
	before := []float64{o.Quantile(0.5), o.Quantile(0.99), float64(o.Count())}
	New(0).Merge(o)
	after := []float64{o.Quantile(0.5), o.Quantile(0.99), float64(o.Count())}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("unexpected answers of a merged source for %q; got %v; want %v", "log-normal", after, before)
		}
	}
}

func TestReset(t *testing.T) {
	d := digestsOf(logNormal(1, 10_000, 50_000, 1, 1), 1, 0)[0]
	d.Quantile(0.5)
	d.Reset()
	if got := d.Count(); got != 0 {
		t.Fatalf("unexpected Count after Reset; got %d; want 0", got)
	}
	if got := d.Quantile(0.5); !math.IsNaN(got) {
		t.Fatalf("unexpected p50 after Reset; got %v; want NaN", got)
	}
	for _, v := range []int64{10, 20, 30} {
		d.Add(v)
	}
	if got, want := [4]float64{d.Quantile(0.5), d.Mean(), float64(d.Min()), float64(d.Max())}, [4]float64{20, 20, 10, 30}; got != want {
		t.Fatalf("unexpected p50, Mean, Min, Max after Reset and 3 adds; got %v; want %v", got, want)
	}
}

func TestAddAllocs(t *testing.T) {
	f := func(name string, samples []int64) {
		t.Helper()
		d := New(0)
		for _, v := range samples {
			d.Add(v) // warm up: the table and centroids reach full size
		}
		i := 0
		allocs := testing.AllocsPerRun(10_000, func() {
			d.Add(samples[i%len(samples)])
			i++
		})
		if allocs != 0 {
			t.Fatalf("unexpected allocations per Add for %q; got %v; want 0", name, allocs)
		}
	}
	f("quantized", logNormal(1, 10_000, 50_000, 1, 1000))
	// Every 768th Add compresses the table into the centroids.
	f("unquantized", logNormal(1, 10_000, 50_000, 1, 1))
}

func TestSmallFootprint(t *testing.T) {
	if allocs := testing.AllocsPerRun(100, func() { sink = New(0) }); allocs != 1 {
		t.Errorf("unexpected allocations per New; got %v; want 1", allocs)
	}
	// A digest per minute of one endpoint: 1000 samples in 1 ms steps.
	d := New(0)
	distinct := map[int64]bool{}
	for _, v := range logNormal(1, 1000, 50_000, 0.5, 1000) {
		d.Add(v)
		distinct[v] = true
	}
	if d.tab.slots == nil {
		t.Fatalf("unexpected table for %q; got none; want one", "adding")
	}
	d.Quantile(0.5)
	if d.tab.slots != nil {
		t.Errorf("unexpected table size for %q; got %d slots; want none", "read", len(d.tab.slots))
	}
	// Quantized samples need no more centroids than distinct values.
	if got, want := cap(d.cents), 2*len(distinct); got > want {
		t.Errorf("unexpected centroid capacity for %q; got %d; want ≤ %d", "read", got, want)
	}
}

var sink *Digest

// TestCompact checks that Compact changes no answer and that adding after
// it still works.
func TestCompact(t *testing.T) {
	a, b := New(0), New(0)
	for i := range int64(10_000) {
		a.Add(i % 977)
		b.Add(i % 977)
	}
	b.Compact()
	for _, q := range []float64{0.01, 0.5, 0.99} {
		if ga, gb := a.Quantile(q), b.Quantile(q); ga != gb {
			t.Fatalf("unexpected quantile %v after Compact; got %v; want %v", q, gb, ga)
		}
	}
	b.Add(5000)
	if b.Count() != 10_001 || b.Max() != 5000 {
		t.Fatalf("unexpected count or max after Compact and Add; got %d, %d; want 10001, 5000", b.Count(), b.Max())
	}
}
