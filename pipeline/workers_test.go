package pipeline

import (
	"bytes"
	"math"
	"slices"
	"sort"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// TestWorkerCountIndependence runs 1, 2 and 8 workers over the same
// generated log with injected incidents: every count must be identical,
// percentiles within the digest's error, incidents the same.
func TestWorkerCountIndependence(t *testing.T) {
	lines := 300_000 // 4 hours: every injected incident
	if testing.Short() {
		lines = 60_000 // 50 minutes: none yet
	}
	var buf bytes.Buffer
	if _, err := loggen.Generate(&buf, loggen.Options{Lines: lines, Seed: 11, Format: "combined_rt", Rate: 20, Inject: true}); err != nil {
		t.Fatal(err)
	}
	reports := map[int]*report.Report{}
	for _, workers := range []int{1, 2, 8} {
		res, err := Run(t.Context(), []string{"-"}, bytes.NewReader(buf.Bytes()), Options{Workers: workers, Exact: true, Top: 20})
		if err != nil {
			t.Fatal(err)
		}
		rep := res.Report()
		rep.Incidents = res.Incidents(DefaultRules())
		reports[workers] = rep
	}
	ref := newReference(t, bytes.NewReader(buf.Bytes()))
	one := reports[1]
	for workers, got := range reports {
		checkRanks(t, workers, "overall", got.Latency, ref.durations)
		for _, e := range got.Endpoints {
			checkRanks(t, workers, e.Endpoint, e.Latency, ref.byEndpoint[e.Endpoint])
		}
		ignore := gocmp.FilterPath(func(p gocmp.Path) bool {
			switch p.Last().String() {
			case ".P50", ".P90", ".P95", ".P99", ".P999", ".Mean", ".Options", ".Evidence":
				return true
			}
			return false
		}, gocmp.Ignore())
		if d := gocmp.Diff(one, got, ignore); d != "" {
			t.Errorf("unexpected report with %d workers (-1 worker +%d):\n%s", workers, workers, d)
		}
	}
	if len(one.Incidents) == 0 && !testing.Short() {
		t.Errorf("unexpected incidents; got none; want the injected ones (the comparison would be empty)")
	}
}

// checkRanks checks each reported quantile in rank space, where a t-digest
// bounds its error: the exact share of samples at or below the reported
// value must straddle q within 1 % (0.2 % at p99.9). Values are not
// compared: where the distribution has a gap (fast requests, then 60 s
// proxy timeouts) a tiny rank error moves the value a long way.
func checkRanks(t *testing.T, workers int, what string, got report.Latency, exact []float64) {
	t.Helper()
	sorted := slices.Clone(exact)
	slices.Sort(sorted)
	n := float64(len(sorted))
	if got.Count != uint64(len(sorted)) || (len(sorted) > 0 && math.Abs(got.Max-sorted[len(sorted)-1]) > 1e-6) {
		t.Errorf("unexpected count or max for %q with %d workers; got %d, %v; want %d, %v", what, workers, got.Count, got.Max, len(sorted), sorted[len(sorted)-1])
		return
	}
	for _, c := range []struct {
		name   string
		v, q   float64
		margin float64
	}{{"p50", got.P50, 0.5, 0.01}, {"p90", got.P90, 0.9, 0.01}, {"p95", got.P95, 0.95, 0.01}, {"p99", got.P99, 0.99, 0.01}, {"p99.9", got.P999, 0.999, 0.002}} {
		below := float64(sort.SearchFloat64s(sorted, c.v-1e-6)) / n
		atOrBelow := float64(sort.SearchFloat64s(sorted, c.v+1e-6)) / n
		if c.q < below-c.margin || c.q > atOrBelow+c.margin {
			t.Errorf("unexpected %s of %q with %d workers; got %v, which has ranks [%.4f, %.4f]; want %v ±%v", c.name, what, workers, c.v, below, atOrBelow, c.q, c.margin)
		}
	}
}
