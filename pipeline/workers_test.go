package pipeline_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// jsonOf renders rep as analyze -o json does, without what names the
// input (paths, compression, byte counts).
func jsonOf(t *testing.T, rep *report.Report) string {
	t.Helper()
	rep.Input.Files = nil
	rep.Input.Bytes = 0
	for i := range rep.Input.MalformedSamples {
		rep.Input.MalformedSamples[i].File = ""
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestReproducible checks that the same bytes give byte-identical JSON
// reports across worker counts, runs, and plain, gzip, zstd and stdin
// inputs, on a generated log with injected incidents.
func TestReproducible(t *testing.T) {
	lines := 300_000 // 4 hours: every injected incident
	if testing.Short() {
		lines = 60_000
	}
	var buf bytes.Buffer
	if _, err := loggen.Generate(&buf, loggen.Options{Lines: lines, Seed: 11, Format: "combined_rt", Rate: 20, Inject: true}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	plain := writeFile(t, "log", data)
	gzPath := writeFile(t, "log.gz", gz.Bytes())
	zstPath := writeFile(t, "log.zst", zstdBytes(t, data))
	o := pipeline.Options{Top: 20, Workers: 1}
	want := jsonOf(t, runFiles(t, []string{plain}, o))
	if !bytes.Contains([]byte(want), []byte(`"kind": "attack"`)) && !testing.Short() {
		t.Fatalf("unexpected report without the injected attack: the comparison would be weak")
	}
	f := func(name string, got string) {
		t.Helper()
		if got != want {
			t.Errorf("unexpected report for %s: differs from the plain file with 1 worker:\n%s", name, gocmp.Diff(want, got))
		}
	}
	for _, workers := range []int{1, 2, 3, 8} {
		o.Workers = workers
		f(fmt.Sprintf("plain, %d workers", workers), jsonOf(t, runFiles(t, []string{plain}, o)))
	}
	o.Workers = 2
	f("gzip", jsonOf(t, runFiles(t, []string{gzPath}, o)))
	f("zstd", jsonOf(t, runFiles(t, []string{zstPath}, o)))
	f("stdin", jsonOf(t, runBytes(t, data, o)))
	f("plain again", jsonOf(t, runFiles(t, []string{plain}, o)))
}

// TestExactPercentiles checks that every percentile of the report is the
// nearest rank of a sort, overall and per endpoint, and that the report
// says so.
func TestExactPercentiles(t *testing.T) {
	var buf bytes.Buffer
	if _, err := loggen.Generate(&buf, loggen.Options{Lines: 100_000, Seed: 5, Format: "combined_rt", Rate: 20, Inject: true}); err != nil {
		t.Fatal(err)
	}
	rep := runBytes(t, buf.Bytes(), pipeline.Options{Top: 20})
	ref := newReference(t, bytes.NewReader(buf.Bytes()))
	if !rep.Exact.Latency || !rep.Latency.Exact {
		t.Fatalf("unexpected inexact latency on a log within budget")
	}
	checkNearestRank(t, "overall", rep.Latency, ref.durations)
	for _, e := range rep.Endpoints {
		checkNearestRank(t, e.Endpoint, e.Latency, ref.byEndpoint[e.Endpoint])
	}
}

func checkNearestRank(t *testing.T, what string, got report.Latency, durations []float64) {
	t.Helper()
	sorted := slices.Sorted(slices.Values(durations))
	rank := func(q float64) float64 { return sorted[max(1, int(math.Ceil(q*float64(len(sorted)))))-1] }
	for _, c := range []struct {
		name string
		v, q float64
	}{{"p50", got.P50, 0.5}, {"p90", got.P90, 0.9}, {"p95", got.P95, 0.95}, {"p99", got.P99, 0.99}, {"p99.9", got.P999, 0.999}} {
		if math.Abs(c.v-rank(c.q)) > 1e-9 {
			t.Errorf("unexpected %s of %q; got %v; want %v", c.name, what, c.v, rank(c.q))
		}
	}
	if got.Count != uint64(len(sorted)) || math.Abs(got.Max-sorted[len(sorted)-1]) > 1e-9 {
		t.Errorf("unexpected count or max of %q; got %d %v; want %d %v", what, got.Count, got.Max, len(sorted), sorted[len(sorted)-1])
	}
}

// TestReproduciblePastBudget checks determinism where the exact tables
// overflow: a JSON log with microsecond durations has more distinct
// durations than the exact budget, and its report must still not depend
// on the worker count.
func TestReproduciblePastBudget(t *testing.T) {
	var buf bytes.Buffer
	if _, err := loggen.Generate(&buf, loggen.Options{Lines: 200_000, Seed: 9, Format: "json"}); err != nil {
		t.Fatal(err)
	}
	one := runBytes(t, buf.Bytes(), pipeline.Options{Workers: 1})
	if one.Exact.Latency {
		t.Fatalf("unexpected exact latency: the log does not overflow the budget, the test would be weak")
	}
	want := jsonOf(t, one)
	for _, workers := range []int{2, 3} {
		if got := jsonOf(t, runBytes(t, buf.Bytes(), pipeline.Options{Workers: workers})); got != want {
			t.Errorf("unexpected report with %d workers past the budget:\n%s", workers, gocmp.Diff(want, got))
		}
	}
}
