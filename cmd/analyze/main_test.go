package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/report"
)

var rewrite = flag.Bool("rewrite", false, "rewrite golden files")

// binary is the analyze command built once for the tests, run as a user
// would run it.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "analyze-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "analyze")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic("cannot build analyze: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// analyze runs the binary and returns its stdout, stderr and exit status.
func analyze(t *testing.T, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("cannot run analyze %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *rewrite {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file (run go test -rewrite): %v", err)
	}
	if got != string(want) {
		t.Errorf("unexpected output for %s; run go test -rewrite and review the diff;\ngot:\n%s", name, got)
	}
}

func TestTextReportGolden(t *testing.T) {
	out, stderr, code := analyze(t, nil, "--workers", "2", "../../testdata/logfile_shop_access_log.0")
	if code != 0 {
		t.Fatalf("unexpected exit status; got %d; want 0; stderr: %s", code, stderr)
	}
	golden(t, "shop.txt", out)
}

func TestJSONReport(t *testing.T) {
	out, stderr, code := analyze(t, nil, "-o", "json", "../../testdata/apache_logs")
	if code != 0 {
		t.Fatalf("unexpected exit status; got %d; want 0; stderr: %s", code, stderr)
	}
	var rep report.Report
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("cannot decode the JSON report: %v", err)
	}
	f := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("unexpected %s; got %v; want %v", what, got, want)
		}
	}
	f("schema", rep.Schema, report.Schema)
	f("lines", rep.Input.Lines, uint64(10000))
	f("malformed", rep.Input.Malformed, uint64(1))
	f("format", rep.Input.Format, "combined")
	f("time range start", rep.TimeRange.Start, time.Date(2015, 5, 17, 10, 5, 0, 0, time.UTC))
	f("time range end", rep.TimeRange.End, time.Date(2015, 5, 20, 21, 5, 59, 0, time.UTC))
	f("status 200", rep.Requests.Status["200"], uint64(9125))
	f("5xx", rep.Requests.Errors5xx, uint64(3))
	f("malformed sample line", rep.Input.MalformedSamples[0].Line, uint64(8899))
	f("malformed sample reason", rep.Input.MalformedSamples[0].Reason, "unterminated quote")
	if !strings.Contains(out, `"incidents": []`) {
		t.Errorf("unexpected incidents; want an empty list, not null")
	}
}

// TestStdin checks that no file, and "-", read standard input, and that
// gzip on stdin is recognised.
func TestStdin(t *testing.T) {
	gz, err := os.ReadFile("../../testdata/apache_logs.gz")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-o", "json"}, {"-o", "json", "-"}} {
		out, stderr, code := analyze(t, gz, args...)
		if code != 0 || !strings.Contains(out, `"lines": 10000`) || !strings.Contains(out, `"compression": "gzip"`) {
			t.Errorf("unexpected result for %v; got status %d, stderr %q, report %.300s", args, code, stderr, out)
		}
	}
}

// TestHTMLReport checks that -o html writes one self-contained page with
// the report's sections.
func TestHTMLReport(t *testing.T) {
	out, stderr, code := analyze(t, nil, "-o", "html", "../../testdata/apache_logs")
	if code != 0 {
		t.Fatalf("unexpected exit status; got %d; want 0; stderr: %s", code, stderr)
	}
	for _, want := range []string{"<!DOCTYPE html>", "9,125", "66.249.73.135", "</html>"} {
		if !strings.Contains(out, want) {
			t.Errorf("unexpected HTML report; want it to contain %q", want)
		}
	}
	if strings.Contains(out, "<script") {
		t.Errorf("unexpected script in the HTML report")
	}
}

func TestExitStatus(t *testing.T) {
	f := func(want int, wantStderr string, args ...string) {
		t.Helper()
		_, stderr, code := analyze(t, nil, args...)
		if code != want || !strings.Contains(stderr, wantStderr) {
			t.Errorf("unexpected result for %v; got status %d, stderr %q; want %d and %q", args, code, stderr, want, wantStderr)
		}
	}
	f(2, "unknown flag", "--nope")
	f(2, "unknown --output", "-o", "yaml", "../../testdata/apache_logs")
	f(2, "cannot parse --since", "--since", "yesterday", "../../testdata/apache_logs")
	f(2, "cannot parse duration unit", "--duration-unit", "hours", "../../testdata/apache_logs")
	f(2, "cannot compile log format", "--log-format", "%h %{Referer", "../../testdata/apache_logs")
	f(2, "cannot find format \"nope\"", "--format", "nope", "../../testdata/apache_logs")
	f(2, "empty time range", "--since", "2015-05-20T00:00:00Z", "--until", "2015-05-19T00:00:00Z", "../../testdata/apache_logs")
	f(1, "cannot open input", "does-not-exist.log")
	f(1, "cannot detect the log format", "../../LICENSE")
	f(1, "no line could be parsed as combined", "--format", "combined", "../../testdata/logfile_haproxy.0")
	f(1, "cannot find the end of standard input", "--since", "1h")
	f(2, "--top wants 1 or more", "--top", "0", "../../testdata/apache_logs")
	f(2, "--top wants 1 or more", "--top", "-1", "../../testdata/apache_logs")
	f(2, "cannot use --workers 0", "--workers", "0", "../../testdata/apache_logs")
	f(2, "cannot use --workers -1", "--workers", "-1", "../../testdata/apache_logs")
	f(2, "cannot use 1000000 workers", "--workers", "1000000", "../../testdata/apache_logs")
	empty := filepath.Join(t.TempDir(), "empty.log")
	os.WriteFile(empty, nil, 0o644)
	f(1, "the input is empty", empty)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	f(1, "it is not a regular file", "--since", "1h", fifo)
}

// TestSinceLastHour checks --since 1h (the runbook's "errors in the last
// hour") against awk over the same lines.
func TestSinceLastHour(t *testing.T) {
	out, stderr, code := analyze(t, nil, "-o", "json", "--since", "1h", "../../testdata/apache_logs")
	if code != 0 {
		t.Fatalf("unexpected exit status; got %d; stderr %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// The log ends at 20/May/2015:21:05:59: the last hour starts at 20:05:59.
	awk := exec.Command("sh", "-c", `awk '{ t = substr($4, 2) } t >= "20/May/2015:20:05:59" && t < "21/May" { n++ } END { print n }' ../../testdata/apache_logs`)
	want, err := awk.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Input.Parsed; strings.TrimSpace(string(want)) != strings.TrimSpace(jsonNumber(got)) {
		t.Errorf("unexpected lines in the last hour; got %d; want %s", got, want)
	}
	if want := time.Date(2015, 5, 20, 20, 5, 59, 0, time.UTC); !rep.Options.Since.Equal(want) {
		t.Errorf("unexpected since; got %v; want %v", rep.Options.Since, want)
	}
}

func jsonNumber(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestLongFirstLine is a regression test: a valid log whose first line is
// over 64 KiB was rejected whole.
func TestLongFirstLine(t *testing.T) {
	data, err := os.ReadFile("../../testdata/apache_logs")
	if err != nil {
		t.Fatal(err)
	}
	in := append([]byte(strings.Repeat("x", 70000)+"\n"), data[:20000]...)
	out, stderr, code := analyze(t, in, "-o", "json")
	var rep report.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Input.TooLong != 1 || rep.Input.Format != "combined" || rep.Input.Parsed == 0 {
		t.Errorf("unexpected result for a long first line; got status %d, stderr %q, input %+v", code, stderr, rep.Input)
	}
}

// TestSinceLastHourOutOfOrder is a regression test: the end of the log
// was taken from the end of the file, so a log whose last block is older
// kept hours too many. The end is the newest event time.
func TestSinceLastHourOutOfOrder(t *testing.T) {
	var b strings.Builder
	line := func(at time.Time) {
		fmt.Fprintf(&b, "10.0.0.1 - - [%s] \"GET /x HTTP/1.1\" 200 10 \"-\" \"curl/8\"\n", at.Format("02/Jan/2006:15:04:05 -0700"))
	}
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := range 180 { // 10:00 to 12:59, one a minute
		line(t0.Add(time.Duration(i) * time.Minute))
	}
	for i := range 60 { // then an older block: 06:00 to 06:59
		line(t0.Add(-4*time.Hour + time.Duration(i)*time.Minute))
	}
	path := filepath.Join(t.TempDir(), "blocks.log")
	os.WriteFile(path, []byte(b.String()), 0o644)
	out, stderr, code := analyze(t, nil, "-o", "json", "--since", "1h", path)
	var rep report.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("unexpected result; status %d, stderr %s", code, stderr)
	}
	// The newest line is 12:59: the last hour is [11:59, …), 61 lines.
	if rep.Input.Parsed != 61 || rep.Input.Filtered != 179 {
		t.Errorf("unexpected lines in the last hour; got %d parsed, %d filtered; want 61 and 179", rep.Input.Parsed, rep.Input.Filtered)
	}
}

// TestTimeRangeBefore1970 is a regression test: a log entirely before 1970
// reported its end as 1970-01-01.
func TestTimeRangeBefore1970(t *testing.T) {
	in := "1.2.3.4 - - [01/Mar/1960:00:00:10 +0000] \"GET /x HTTP/1.1\" 200 10 \"-\" \"curl/8\"\n" +
		"1.2.3.4 - - [01/Mar/1961:00:00:10 +0000] \"GET /x HTTP/1.1\" 200 10 \"-\" \"curl/8\"\n"
	out, _, code := analyze(t, []byte(in), "-o", "json")
	var rep report.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("unexpected status %d", code)
	}
	if want := time.Date(1961, 3, 1, 0, 0, 10, 0, time.UTC); !rep.TimeRange.End.Equal(want) || rep.TimeRange.Start.Year() != 1960 {
		t.Errorf("unexpected time range; got %v to %v; want 1960-03-01 to %v", rep.TimeRange.Start, rep.TimeRange.End, want)
	}
}

// TestApplicationLog checks that a JSON log with no HTTP fields is said to
// be an application log, not "no traffic".
func TestApplicationLog(t *testing.T) {
	in := `{"time":"2026-03-01T00:00:00Z","level":"error","msg":"boom"}` + "\n" + `{"time":"2026-03-01T00:00:01Z","level":"info","msg":"ok"}` + "\n"
	out, _, code := analyze(t, []byte(in))
	if code != 0 || !strings.Contains(out, "REQUESTS 0: an application log (2 application lines, 1 at level error or worse)") {
		t.Errorf("unexpected report of an application log; status %d:\n%s", code, out)
	}
	out, _, _ = analyze(t, []byte(in), "-o", "json")
	if !strings.Contains(out, `"kinds": {`) || !strings.Contains(out, `"app": 2`) {
		t.Errorf("unexpected JSON kinds:\n%.600s", out)
	}
}

// TestEpochLine is a regression test: a line at exactly the Unix epoch
// counted as having no time.
func TestEpochLine(t *testing.T) {
	in := "1.2.3.4 - - [01/Jan/1970:00:00:00 +0000] \"GET /x HTTP/1.1\" 200 10 \"-\" \"curl/8\"\n"
	out, _, code := analyze(t, []byte(in), "-o", "json", "--since", "1969-12-31T23:59:00Z")
	var rep report.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("unexpected status %d", code)
	}
	if rep.Input.Parsed != 1 || !rep.TimeRange.Start.Equal(time.Unix(0, 0)) || len(rep.Timeline) != 1 {
		t.Errorf("unexpected report of a line at the epoch; got parsed %d, time range %v, %d timeline rows", rep.Input.Parsed, rep.TimeRange, len(rep.Timeline))
	}
}

// TestTrailingIntegerWarning checks that a trailing integer of unknown
// unit is not taken as a duration without a word: the report and stderr
// say so, and --duration-unit reads it.
func TestTrailingIntegerWarning(t *testing.T) {
	in := "1.2.3.4 - - [01/Mar/2026:00:00:10 +0000] \"GET /x HTTP/1.1\" 200 10 \"-\" \"curl/8\" 17\n" +
		"1.2.3.4 - - [01/Mar/2026:00:00:11 +0000] \"GET /x HTTP/1.1\" 200 10 \"-\" \"curl/8\" 18\n"
	out, stderr, code := analyze(t, []byte(in), "-o", "json")
	var rep report.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Latency.Count != 0 ||
		len(rep.Input.Files[0].Warnings) != 1 || !strings.Contains(stderr, "not read as a duration") {
		t.Errorf("unexpected result without a unit; status %d, latency count %d, warnings %v, stderr %q", code, rep.Latency.Count, rep.Input.Files[0].Warnings, stderr)
	}
	out, stderr, _ = analyze(t, []byte(in), "-o", "json", "--duration-unit", "ms")
	rep = report.Report{}
	if json.Unmarshal([]byte(out), &rep) != nil || rep.Latency.Count != 2 || rep.Latency.Max != 18 || strings.Contains(stderr, "warning") {
		t.Errorf("unexpected result with --duration-unit ms; latency %+v, stderr %q", rep.Latency, stderr)
	}
}

// TestSameBytesSameReport runs the binary as a user would: the whole JSON
// report of a real log is byte-identical whatever --workers.
func TestSameBytesSameReport(t *testing.T) {
	want, _, code := analyze(t, nil, "-q", "-o", "json", "--workers", "1", "../../testdata/apache_logs")
	if code != 0 {
		t.Fatalf("unexpected status %d", code)
	}
	for _, w := range []string{"2", "3", "8"} {
		if got, _, _ := analyze(t, nil, "-q", "-o", "json", "--workers", w, "../../testdata/apache_logs"); got != want {
			t.Errorf("unexpected report with --workers %s: differs from --workers 1", w)
		}
	}
}
