package metrics

import (
	"math"
	"testing"
)

const sec = int64(1e9)

func TestCombiner(t *testing.T) {
	c := NewCombiner(2)
	type res struct {
		part, whole float64
		ok          bool
	}
	f := func(key string, t0 int64, side Side, v float64, want res) {
		t.Helper()
		p, w, ok := c.Add([]byte(key), t0, side, v)
		if got := (res{p, w, ok}); got != want {
			t.Fatalf("unexpected pair for %s@%d side %d = %v; got %+v; want %+v", key, t0, side, v, got, want)
		}
	}
	f("a", 10*sec, Part, 2, res{})
	f("a", 10*sec, Whole, 8, res{2, 8, true})
	// Whole first; a repeated half replaces the earlier one.
	f("a", 20*sec, Whole, 8, res{})
	f("a", 20*sec, Whole, 9, res{})
	f("a", 20*sec, Part, 1, res{1, 9, true})
	// Halves of different times do not pair: the later time wins.
	f("a", 30*sec, Part, 3, res{})
	f("a", 40*sec, Whole, 8, res{})
	f("a", 40*sec, Part, 4, res{4, 8, true})
	// Late: older than the key's latest.
	f("a", 30*sec, Whole, 8, res{})
	// Keys are separate.
	f("b", 40*sec, Part, 5, res{})
	f("a", 50*sec, Part, 6, res{})
	f("b", 40*sec, Whole, 10, res{5, 10, true})
	// Beyond the maximum of keys.
	f("c", 40*sec, Part, 1, res{})
	f("c", 40*sec, Whole, 1, res{})
	if st := c.Stats(); st != (Stats{Late: 1, Dropped: 2}) || c.Len() != 2 {
		t.Fatalf("unexpected stats; got %+v, %d keys; want 1 late, 2 dropped, 2 keys", st, c.Len())
	}
}

func TestRates(t *testing.T) {
	r := NewRates(2)
	type res struct {
		rate float64
		ok   bool
	}
	f := func(series string, t0 int64, v float64, want res) {
		t.Helper()
		rate, ok := r.Update([]byte(series), t0, v)
		if ok != want.ok || ok && math.Abs(rate-want.rate) > 1e-12 {
			t.Fatalf("unexpected rate for %s@%d = %v; got %v, %v; want %v, %v", series, t0, v, rate, ok, want.rate, want.ok)
		}
	}
	f("cpu0", 0, 100, res{})                     // first sample: no rate
	f("cpu0", 15*sec, 112, res{12.0 / 15, true}) // (112 − 100) / 15 s
	f("cpu0", 30*sec, 124, res{0.8, true})
	f("cpu0", 30*sec, 130, res{})             // same time: late
	f("cpu0", 20*sec, 130, res{})             // older: late
	f("cpu0", 45*sec, 6, res{6.0 / 15, true}) // reset: counted from 0
	f("cpu0", 60*sec, 9, res{0.2, true})      // and on from the new value
	f("cpu0", 75*sec, math.NaN(), res{})      // NaN: ignored, not recorded
	f("cpu0", 80*sec, 11, res{2.0 / 20, true})
	f("cpu0", 80*sec+sec/2, 11.5, res{1, true}) // sub-second intervals
	f("cpu1", 0, 5, res{})
	f("cpu1", 10*sec, 5, res{0, true}) // a flat counter
	f("cpu2", 0, 5, res{})             // beyond the maximum
	f("cpu2", 10*sec, 6, res{})
	if st := r.Stats(); st != (Stats{Late: 2, Dropped: 2}) || r.Len() != 2 {
		t.Fatalf("unexpected stats; got %+v, %d series; want 2 late, 2 dropped, 2 series", st, r.Len())
	}
	// Times far apart: the difference overflows int64 but not the rate.
	r = NewRates(0)
	f("x", math.MinInt64+1, 0, res{})
	f("x", math.MaxInt64, 0, res{0, true})
}
