package pipeline_test

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// accessLogs are the real access logs of the shared corpus.
var accessLogs = []string{
	"../testdata/apache_logs",
	"../testdata/logfile_shop_access_log.0",
	"../testdata/logfile_access_log.1",
	"../testdata/logfile_bad_access_log.0",
}

// topOf returns the n largest counts of m, by count then key, as the
// report orders them.
func topOf(m map[string]uint64, n int) []report.Count {
	var out []report.Count
	for k, c := range m {
		out = append(out, report.Count{Key: k, Count: c})
	}
	slices.SortFunc(out, func(x, y report.Count) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Key, y.Key))
	})
	return out[:min(n, len(out))]
}

func checkAgainstReference(t *testing.T, name string, rep *report.Report, ref *reference, top int) {
	t.Helper()
	if rep.Input.Lines != uint64(ref.lines) {
		t.Errorf("unexpected lines for %q; got %d; want %d", name, rep.Input.Lines, ref.lines)
	}
	if rep.Input.Parsed != uint64(ref.parsed) {
		t.Errorf("unexpected parsed for %q; got %d; want %d", name, rep.Input.Parsed, ref.parsed)
	}
	if d := gocmp.Diff(ref.status, rep.Requests.Status, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("unexpected status counts for %q (-want +got):\n%s", name, d)
	}
	if d := gocmp.Diff(topOf(ref.ips, top), rep.TopIPs, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("unexpected top IPs for %q (-want +got):\n%s", name, d)
	}
	if d := gocmp.Diff(topOf(ref.authIPs, top), rep.TopAuthFailureIPs, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("unexpected top auth-failure IPs for %q (-want +got):\n%s", name, d)
	}
	var gotEndpoints []report.Count
	for _, e := range rep.Endpoints {
		gotEndpoints = append(gotEndpoints, report.Count{Key: e.Endpoint, Count: e.Count})
	}
	if d := gocmp.Diff(topOf(ref.endpoints, top), gotEndpoints, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("unexpected endpoints for %q (-want +got):\n%s", name, d)
	}
	if rep.UniqueIPs != uint64(len(ref.ips)) || !rep.UniqueIPsExact {
		t.Errorf("unexpected unique IPs for %q; got %d (exact %v); want %d", name, rep.UniqueIPs, rep.UniqueIPsExact, len(ref.ips))
	}
}

// TestReportMatchesReference compares every count of the report with the
// regexp-and-map reference on each real access log, for several worker
// counts, in bounded and exact mode.
func TestReportMatchesReference(t *testing.T) {
	for _, path := range accessLogs {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ref := newReference(t, bytes.NewReader(data))
		for _, workers := range []int{1, 2, 8} {
			for _, exact := range []bool{false, true} {
				name := fmt.Sprintf("%s workers=%d exact=%v", path, workers, exact)
				rep := runFiles(t, []string{path}, pipeline.Options{Workers: workers, Exact: exact, Top: 1000})
				checkAgainstReference(t, name, rep, ref, 1000)
			}
		}
	}
}

// TestAwkPipeline checks the runbook's own answer: the top client IPs of
// `awk '{print $1}' | sort | uniq -c | sort -rn` equal the report's.
func TestAwkPipeline(t *testing.T) {
	const path = "../testdata/apache_logs"
	out := runShell(t, `LC_ALL=C awk '{print $1}' `+path+` | LC_ALL=C sort | uniq -c | LC_ALL=C sort -k1,1nr -k2,2 | head -20`)
	var want []report.Count
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		f := bytes.Fields(line)
		n, err := strconv.ParseUint(string(f[0]), 10, 64)
		if err != nil {
			t.Fatalf("cannot parse awk output %q: %v", line, err)
		}
		want = append(want, report.Count{Key: string(f[1]), Count: n})
	}
	rep := runFiles(t, []string{path}, pipeline.Options{Top: 20})
	if d := gocmp.Diff(want, rep.TopIPs); d != "" {
		t.Errorf("unexpected top IPs against awk (-awk +vigil):\n%s", d)
	}
}

// TestGeneratedMillion checks counts and percentiles on a generated log of
// 1M lines against the reference and an exact sort.
func TestGeneratedMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("1M lines")
	}
	var buf bytes.Buffer
	if _, err := loggen.Generate(&buf, loggen.Options{Lines: 1_000_000, Seed: 7, Format: "combined_rt"}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	ref := newReference(t, bytes.NewReader(data))
	if ref.parsed != 1_000_000 {
		t.Fatalf("unexpected reference parse count; got %d; want 1000000", ref.parsed)
	}
	exact := runBytes(t, data, pipeline.Options{Exact: true, Top: 50})
	checkAgainstReference(t, "1M exact", exact, ref, 50)
	checkNearestRank(t, "overall", exact.Latency, ref.durations)

	bounded := runBytes(t, data, pipeline.Options{Top: 50})
	checkBounds(t, "top IPs", bounded.TopIPs, ref.ips)
	checkBounds(t, "top auth-failure IPs", bounded.TopAuthFailureIPs, ref.authIPs)
	if got, want := float64(bounded.UniqueIPs), float64(len(ref.ips)); math.Abs(got-want)/want > 0.03 {
		t.Errorf("unexpected unique IPs estimate; got %v; want %v ±3%%", got, want)
	}
}

// checkBounds checks Space-Saving's guarantee: true ∈ [count-error, count].
func checkBounds(t *testing.T, what string, got []report.Count, exact map[string]uint64) {
	t.Helper()
	for _, c := range got {
		if truth := exact[c.Key]; truth > c.Count || truth < c.Count-c.Error {
			t.Errorf("unexpected %s count for %q; got %d ±%d; want %d", what, c.Key, c.Count, c.Error, truth)
		}
	}
}
