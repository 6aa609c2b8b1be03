package tdigest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	influx "github.com/influxdata/tdigest"
)

// The baseline is github.com/influxdata/tdigest at the version pinned in
// go.mod, which keeps every sample when digests merge (v0.0.1 did not).
// Both digests use the k1 scale function, so a compression means the same
// bound on centroid size in both; they are compared at DefaultCompression
// and, for influxdata, also at its own default, 1000.

// baselineQuantiles are the quantiles whose errors the baseline tests log.
var baselineQuantiles = []float64{0.5, 0.9, 0.95, 0.99, 0.999}

// influxOf feeds samples into parts influxdata digests as digestsOf does,
// in runs of 1000 dealt round-robin, and returns them merged into one.
func influxOf(samples []int64, parts int, compression float64) *influx.TDigest {
	ds := make([]*influx.TDigest, parts)
	for i := range ds {
		ds[i] = influx.NewWithCompression(compression)
	}
	for i, v := range samples {
		ds[i/1000%parts].Add(float64(v), 1)
	}
	d := influx.NewWithCompression(compression)
	for _, o := range ds {
		d.Merge(o)
	}
	return d
}

// logErrors appends to tab one row of the relative errors, in percent, of
// quantile at baselineQuantiles against the nearest-rank samples of sorted.
func logErrors(tab *strings.Builder, name string, parts int, digest string, quantile func(float64) float64, sorted []int64) {
	fmt.Fprintf(tab, "\n%-36s %5d  %-17s", name, parts, digest)
	for _, q := range baselineQuantiles {
		want := nearestRank(sorted, q)
		fmt.Fprintf(tab, " %7.3f %%", 100*math.Abs(quantile(q)-want)/want)
	}
}

func TestBaselineAccuracy(t *testing.T) {
	// Both digests get the same samples, alone and merged from 8 parts.
	// Only ours is held to the bounds of TestQuantileAccuracy; influxdata
	// estimates an interpolated quantile rather than the nearest-rank one,
	// so its errors are logged for comparison, and its Count must show
	// that merging kept every sample, the reason for the pinned version.
	type bound struct{ q, relErr float64 }
	bounds := []bound{{0.5, 0.005}, {0.9, 0.005}, {0.95, 0.005}, {0.99, 0.005}, {0.999, 0.02}}
	var tab strings.Builder
	tab.WriteString("relative errors against the nearest-rank sample:")
	fmt.Fprintf(&tab, "\n%-36s %5s  %-17s %9s %9s %9s %9s %9s", "input", "parts", "digest", "p50", "p90", "p95", "p99", "p99.9")
	f := func(name string, samples []int64) {
		t.Helper()
		sorted := sortedCopy(samples)
		for _, parts := range []int{1, 8} {
			ours := merged(digestsOf(samples, parts, 0))
			for _, b := range bounds {
				want := nearestRank(sorted, b.q)
				if got := ours.Quantile(b.q); math.Abs(got-want) > b.relErr*want {
					t.Errorf("unexpected Quantile(%v) for %q in %d parts; got %v; want %v ± %v %%",
						b.q, name, parts, got, want, 100*b.relErr)
				}
			}
			logErrors(&tab, name, parts, "vigil δ=400", ours.Quantile, sorted)
			for _, compression := range []float64{DefaultCompression, 1000} {
				theirs := influxOf(samples, parts, compression)
				if got, want := theirs.Count(), float64(len(samples)); got != want {
					t.Errorf("unexpected influxdata Count at compression %v for %q in %d parts; got %v; want %v",
						compression, name, parts, got, want)
				}
				logErrors(&tab, name, parts, fmt.Sprintf("influxdata δ=%v", compression), theirs.Quantile, sorted)
			}
		}
	}
	const n = 200_000
	f("log-normal 50 ms σ=1 in 1 ms steps", logNormal(1, n, 50_000, 1, 1000))
	f("log-normal 50 ms σ=1 in µs", logNormal(1, n, 50_000, 1, 1))
	t.Log(tab.String())
}

// offStep returns how many of the percentiles p1 to p99 are not a multiple
// of step.
func offStep(quantile func(float64) float64, step float64) int {
	n := 0
	for i := 1; i <= 99; i++ {
		if math.Mod(quantile(float64(i)/100), step) != 0 {
			n++
		}
	}
	return n
}

func TestBaselineQuantized(t *testing.T) {
	// On latencies in 1 ms steps, at the same compression (400), our p50 is
	// the nearest-rank sample itself, while influxdata's lies strictly
	// between two steps that were both observed: its centroids near the
	// median mix neighbouring steps and it interpolates between their
	// means. Over p1 to p99 most of its answers are off-step, few of ours.
	//
	// This is measured, not universal. Over seeds 1 to 20 influxdata's p50
	// was off-step in 16 of 20 digests and 20 of 20 merged ones at
	// compression 400, but in 0 and 1 of 20 at compression 1000. With the
	// seed below its p50 at compression 1000 is exactly 50 ms, yet 46
	// (alone) and 57 (merged) of its 99 percentiles are off-step.
	const name, step = "log-normal 50 ms σ=1 in 1 ms steps", 1000
	samples := logNormal(1, 200_000, 50_000, 1, step)
	sorted := sortedCopy(samples)
	want := nearestRank(sorted, 0.5)
	observed := func(v float64) bool {
		_, ok := slices.BinarySearch(sorted, int64(v))
		return ok
	}
	for _, parts := range []int{1, 8} {
		ours := merged(digestsOf(samples, parts, 0))
		theirs := influxOf(samples, parts, DefaultCompression)
		if got := ours.Quantile(0.5); got != want {
			t.Errorf("unexpected p50 for %q in %d parts; got %v; want %v", name, parts, got, want)
		}
		got := theirs.Quantile(0.5)
		lo := math.Floor(got/step) * step
		if !(got > lo && observed(lo) && observed(lo+step)) {
			t.Errorf("unexpected influxdata p50 for %q in %d parts; got %v; want a value strictly between two observed 1 ms steps",
				name, parts, got)
		}
		oursOff, theirsOff := offStep(ours.Quantile, step), offStep(theirs.Quantile, step)
		if oursOff > 20 {
			t.Errorf("unexpected off-step percentiles for %q in %d parts; got %d of 99; want ≤ 20", name, parts, oursOff)
		}
		if theirsOff < 50 {
			t.Errorf("unexpected influxdata off-step percentiles for %q in %d parts; got %d of 99; want ≥ 50", name, parts, theirsOff)
		}
		// Logged only: influxdata at its default compression.
		theirs1000 := influxOf(samples, parts, 1000)
		t.Logf("%d parts: p50 exact %v, vigil %v, influxdata %v (%.4f %% off), at δ=1000 %v; off-step percentiles of 99: vigil %d, influxdata %d, at δ=1000 %d",
			parts, want, ours.Quantile(0.5), got, 100*math.Abs(got-want)/want, theirs1000.Quantile(0.5),
			oursOff, theirsOff, offStep(theirs1000.Quantile, step))
	}
}
