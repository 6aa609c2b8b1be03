package tdigest

import (
	"testing"
)

func TestAbsorb(t *testing.T) {
	f := func(name string, a, b, want centroid) {
		t.Helper()
		a.absorb(&b)
		a.mean, want.mean = 0, 0 // the builder keeps the mean
		if a != want {
			t.Fatalf("unexpected centroid for %q; got %+v; want %+v", name, a, want)
		}
	}
	one := func(v int64, n uint64) centroid { return centroid{n: n, lo: v, hi: v, nlo: n} }
	f("same value", one(5, 2), one(5, 3), one(5, 5))
	f("two values", one(5, 2), one(9, 3), centroid{n: 5, lo: 5, hi: 9, nlo: 2})
	f("two values, lower second", one(9, 3), one(5, 2), centroid{n: 5, lo: 5, hi: 9, nlo: 2})
	f("two values and the upper", centroid{n: 5, lo: 5, hi: 9, nlo: 2}, one(9, 4), centroid{n: 9, lo: 5, hi: 9, nlo: 2})
	f("two values and the lower", centroid{n: 5, lo: 5, hi: 9, nlo: 2}, one(5, 4), centroid{n: 9, lo: 5, hi: 9, nlo: 6})
	f("two values twice", centroid{n: 5, lo: 5, hi: 9, nlo: 2}, centroid{n: 3, lo: 5, hi: 9, nlo: 1}, centroid{n: 8, lo: 5, hi: 9, nlo: 3})
	f("three values", centroid{n: 5, lo: 5, hi: 9, nlo: 2}, one(7, 1), centroid{n: 6, lo: 5, hi: 9})
	f("beyond two values", centroid{n: 5, lo: 5, hi: 9, nlo: 2}, one(11, 1), centroid{n: 6, lo: 5, hi: 11})
	f("inexact", centroid{n: 5, lo: 5, hi: 9}, one(5, 1), centroid{n: 6, lo: 5, hi: 9})
}

func TestQuantileTwoValues(t *testing.T) {
	// One centroid of seven 5s and three 9s, between two others: ranks
	// 11-17 are 5 and 18-20 are 9, with no interpolation.
	d := New(0)
	d.n, d.min, d.max = 30, 1, 20
	d.cents = []centroid{
		{mean: 2, n: 10, lo: 1, hi: 3},
		{mean: 6.2, n: 10, lo: 5, hi: 9, nlo: 7},
		{mean: 15, n: 10, lo: 10, hi: 20},
	}
	f := func(rank int, want float64) {
		t.Helper()
		q := float64(rank) / 30
		if got := d.Quantile(q); got != want {
			t.Fatalf("unexpected Quantile(%v) for rank %d; got %v; want %v", q, rank, got, want)
		}
	}
	f(11, 5)
	f(17, 5)
	f(18, 9)
	f(20, 9)
}
