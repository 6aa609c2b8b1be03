package report

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func writeText(t *testing.T, r *Report) string {
	t.Helper()
	var b strings.Builder
	if err := WriteText(&b, r); err != nil {
		t.Fatalf("cannot write text: %v", err)
	}
	return b.String()
}

func TestWriteTextGolden(t *testing.T) {
	f := func(name string, r *Report) {
		t.Helper()
		golden(t, name, writeText(t, r))
	}
	f("report.txt", sampleReport())
	f("empty.txt", &Report{})
	// Estimated percentiles, and a 10s timeline shown in 5m rows.
	estimated := &Report{
		Requests:     Requests{Total: 1260, Status: map[string]uint64{"200": 1260}},
		Latency:      Latency{Count: 1260, Mean: 30.5, P50: 30, P90: 54, P95: 57, P99: 60, P999: 60, Max: 60},
		TimelineStep: 10 * time.Second,
	}
	for i := range 360 {
		estimated.Timeline = append(estimated.Timeline, TimelineRow{Start: t0.Add(time.Duration(i) * 10 * time.Second), Requests: uint64(i%6 + 1), P95: float64(i%60 + 1)})
	}
	f("estimated.txt", estimated)
}

func TestWriteTextContent(t *testing.T) {
	out := writeText(t, sampleReport())
	f := func(what, want string) {
		t.Helper()
		if !strings.Contains(out, want) {
			t.Fatalf("unexpected %s for %q; got a report without %q; want it", what, "sample report", want)
		}
	}
	f("late lines", "\n  late (older than their window's close) 9: ")
	f("file error", "\n  ERROR /var/log/nginx/access.log.1.gz: unexpected end of gzip data after 43.1 KiB; the lines before it are counted\n")
	f("file warning", "\n  WARNING /var/log/nginx/access.log: line 1,000 has no newline at the end; it is counted\n")
	f("exact latency", "\nLATENCY (exact) in ms over 1,190 requests")
	f("status column", "  sev  status    kind")
	f("open incident first", "  P2   open      latency")
	f("runbook", "  P2 89abcdef01234567: High Response Times (P2); respond within 1 h, escalate to team lead\n")
}

func TestRebin(t *testing.T) {
	f := func(step time.Duration, rows int, wantStep time.Duration, wantRows int) {
		t.Helper()
		r := &Report{TimelineStep: step}
		for i := range rows {
			r.Timeline = append(r.Timeline, TimelineRow{Start: t0.Add(time.Duration(i) * step), Requests: 1, P95: float64(i)})
		}
		got, gotStep := rebin(r)
		name := fmt.Sprint(rows, " rows of ", step)
		if gotStep != wantStep || len(got) != wantRows {
			t.Fatalf("unexpected rebin for %q; got %d rows of %v; want %d rows of %v", name, len(got), gotStep, wantRows, wantStep)
		}
		var n uint64
		for _, row := range got {
			n += row.Requests
		}
		if n != uint64(rows) || got[len(got)-1].P95 != float64(rows-1) {
			t.Fatalf("unexpected sums for %q; got %d requests, last p95 %v; want %d, %d", name, n, got[len(got)-1].P95, rows, rows-1)
		}
	}
	f(time.Minute, 30, time.Minute, 30)
	f(time.Minute, 48, time.Minute, 48)
	f(time.Minute, 49, 5*time.Minute, 10)
	f(time.Minute, 600, 15*time.Minute, 40)
	f(10*time.Second, 48, 10*time.Second, 48)
	f(10*time.Second, 360, 5*time.Minute, 12)
	f(7*time.Minute, 100, 21*time.Minute, 34)
	f(time.Hour, 24*90, 48*time.Hour, 46) // 48h steps are aligned to the zero time, not to t0
}

// TestWriteTextFormats: the input section says each file's format and how
// it was chosen, one row for the files that share both, at most
// maxFormatRows rows.
func TestWriteTextFormats(t *testing.T) {
	f := func(files []File, want string) {
		t.Helper()
		out := writeText(t, &Report{Input: Input{Files: files}})
		_, rest, _ := strings.Cut(out, "\n")
		got, _, _ := strings.Cut(rest, "\n\n")
		_, got, _ = strings.Cut(got, "\n") // the counts
		if got != want {
			t.Fatalf("unexpected format rows for %d files; got\n%s\nwant\n%s", len(files), got, want)
		}
	}
	full := "detected: 100 of 100 sample lines"
	file := func(path, format, detection string) File {
		return File{Path: path, Format: format, Detection: detection}
	}
	f([]File{file("a.log", "combined", full)}, "  format combined, detected: 100 of 100 sample lines: a.log")
	// Rotated logs of one format: one row; a file that differs, its own.
	var rotated []File
	for i := range 30 {
		rotated = append(rotated, file(fmt.Sprintf("access.log.%d", i), "combined_rt", full))
	}
	rotated = append(rotated, file("error.log", "applog", "detected: 7 of 9 sample lines"), file("x.log", "json", "given with --format"))
	f(rotated, "  format combined_rt, detected: 100 of 100 sample lines: access.log.0, access.log.1, access.log.2 and 27 more\n"+
		"  format applog, detected: 7 of 9 sample lines: error.log\n"+
		"  format json, given with --format: x.log")
	// A file with no format (it stopped before detection) has no row.
	f([]File{{Path: "empty.log"}, file("b.log", "w3c", "detected: 1 of 2 sample lines")}, "  format w3c, detected: 1 of 2 sample lines: b.log")
	// Many groups: maxFormatRows rows, the last saying how many files are left.
	var many []File
	for i := range maxFormatRows + 2 {
		many = append(many, file(fmt.Sprintf("f%d.log", i), "w3c", fmt.Sprintf("detected: %d of 100 sample lines", 90+i)))
	}
	many = append(many, file("g.log", "w3c", "detected: 99 of 100 sample lines"))
	var want []string
	for i := range maxFormatRows - 1 {
		want = append(want, fmt.Sprintf("  format w3c, detected: %d of 100 sample lines: f%d.log", 90+i, i))
	}
	want = append(want, "  formats of the other 4 files in -o json (input.files[].detection)")
	f(many, strings.Join(want, "\n"))
	// Hostile strings are made visible.
	f([]File{file("a\x1b[31m.log", "json", "detected: 1 of 1 sample lines")}, "  format json, detected: 1 of 1 sample lines: "+Visible("a\x1b[31m.log"))
}

// TestWriteTextWarningPath: a warning that names its file already (a
// format's, written so for stderr) does not name it twice.
func TestWriteTextWarningPath(t *testing.T) {
	out := writeText(t, &Report{Input: Input{Files: []File{{Path: "a.log", Warnings: []string{"a.log: unit unknown", "b.log: other"}}}}})
	for _, want := range []string{"\n  WARNING a.log: unit unknown\n", "\n  WARNING a.log: b.log: other\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("unexpected warnings; got\n%s\nwant a line %q", out, want)
		}
	}
}
