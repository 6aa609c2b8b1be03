package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/report/browsertest"
)

var servingOn = regexp.MustCompile(`serving the live page on (http://[0-9.:]+)/`)

// followPage starts analyze --follow --http-addr 127.0.0.1:0 on a file
// holding first, and returns the started command, the page's base URL
// and the file's path.
func followPage(t *testing.T, first []byte) (*started, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(path, first, 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t, nil, "--follow", "--idle", "300ms", "-o", "json", "--http-addr", "127.0.0.1:0", path)
	return s, servedAt(t, s), path
}

// servedAt waits a minute for s to say where it serves its live page,
// and returns the page's base URL.
func servedAt(t *testing.T, s *started) string {
	t.Helper()
	var base string
	for deadline := time.Now().Add(time.Minute); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := servingOn.FindStringSubmatch(s.stderr.String()); m != nil {
			base = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("analyze did not say where it serves within a minute; stderr %s", s.stderr.String())
		}
	}
	return base
}

// firstPart is true of a report of every line of first, with incidents:
// the run has read first and closed its windows.
func firstPart(first []byte) func(*report.Report) bool {
	n := uint64(bytes.Count(first, []byte("\n")))
	return func(r *report.Report) bool { return r.Input.Lines == n && len(r.Incidents) > 0 }
}

// waitReport polls /api/report until ok says yes, for a minute.
func waitReport(t *testing.T, base, what string, ok func(*report.Report) bool) *report.Report {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if r := browsertest.APIReport(t, base); ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("/api/report did not show %s within a minute", what)
		}
	}
}

// TestFollowLivePage: analyze --follow --http-addr serves /api/report
// from the run: the first part's incidents and requests, then, once more
// lines with an injected incident are appended to the followed file, the
// new incident, opened on stdout too; bad parameters get 400; and
// --http-addr without --follow is a usage error.
func TestFollowLivePage(t *testing.T) {
	first, rest, newStart := browsertest.LiveLog(t)
	s, base, path := followPage(t, first)
	before := waitReport(t, base, "the first part", firstPart(first))
	appendFile(t, path, string(rest))
	after := waitReport(t, base, "the new incident", func(r *report.Report) bool {
		return len(browsertest.NewIncidents(before, r, newStart.Add(-5*time.Minute))) > 0
	})
	added := browsertest.NewIncidents(before, after, newStart.Add(-5*time.Minute))
	s.waitFor(t, "the new incident's opened event", func(out string) bool {
		return strings.Contains(out, `{"event":"opened","seq":1,"incident":{"id":"`+added[0]+`"`)
	})
	if after.Input.Lines <= before.Input.Lines || after.Input.Files[0].Path != path {
		t.Errorf("unexpected input after the append; got %d lines (before %d) from %q; want more, from %q", after.Input.Lines, before.Input.Lines, after.Input.Files[0].Path, path)
	}
	for _, q := range []string{"/?since=2d", "/api/report?since=x", "/?refresh=1ms"} {
		resp, err := http.Get(base + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("unexpected answer to %s; got %d; want 400", q, resp.StatusCode)
		}
	}
	if code := s.stop(t, os.Interrupt); code != 0 {
		t.Errorf("unexpected exit status after Ctrl-C; got %d; want 0; stderr %s", code, s.stderr.String())
	}
	// The final report has the incidents the page had.
	final := finalReport(t, s.stdout.String())
	for _, in := range after.Incidents {
		if !slices.ContainsFunc(final.Incidents, func(f incident.Incident) bool { return f.ID == in.ID }) {
			t.Errorf("unexpected incident %s on the page; the final report has no such incident", in.ID)
		}
	}
	if _, stderr, code := analyze(t, nil, "--http-addr", "127.0.0.1:0", path); code != exitUsage || !strings.Contains(stderr, "--http-addr is for live runs") {
		t.Errorf("unexpected result of --http-addr without --follow; got %d, %q; want %d", code, stderr, exitUsage)
	}
}

// TestFollowLivePageOpenWindows: lines whose windows are still open (no
// idle close within the test, nothing past the lateness) are on the page
// while the log is written to.
func TestFollowLivePageOpenWindows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	appendFile(t, path, lines(0, 100))
	s := start(t, nil, "--follow", "--idle", "1h", "--http-addr", "127.0.0.1:0", path)
	base := servedAt(t, s)
	waitReport(t, base, "the first 100 lines", func(r *report.Report) bool { return r.Input.Lines == 100 && r.Requests.Total == 100 })
	// A log still written to: a copy of the open windows a second.
	appendFile(t, path, lines(100, 50))
	var r *report.Report
	for n := 150; ; n++ {
		if r = browsertest.APIReport(t, base); r.Input.Lines >= 150 {
			break
		}
		if n == 170 {
			t.Fatalf("/api/report did not show the 150 lines within 20 more (no window closes by then); got %d", r.Input.Lines)
		}
		appendFile(t, path, lines(n, 1))
		time.Sleep(300 * time.Millisecond)
	}
	if len(r.Timeline) < 3 || r.Timeline[0].Requests != 60 || r.Timeline[1].Requests != 60 || r.Timeline[2].Requests < 30 {
		t.Errorf("unexpected timeline of a line a second from 10:00:00; got %+v; want 60, 60 and 30 or more requests", r.Timeline)
	}
	if code := s.stop(t, os.Interrupt); code != 0 {
		t.Errorf("unexpected exit status after Ctrl-C; got %d; want 0", code)
	}
}

// TestFollowLivePageInBrowser opens the live page of analyze --follow in
// headless Chromium: no console message, exception, failed load or
// dialog; /api/report's numbers; the hostile user as text; then more
// lines are appended with an injected incident, and the page shows it
// without a reload. Screenshots go to $TMPDIR/vigil-browser.
func TestFollowLivePageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; the full run covers it")
	}
	browser := browsertest.New(t, 3*time.Minute)
	first, rest, newStart := browsertest.LiveLog(t)
	_, base, path := followPage(t, first)
	before := waitReport(t, base, "the first part", firstPart(first))
	total := uint64(bytes.Count(first, []byte("\n")) + bytes.Count(rest, []byte("\n")))
	s := &browsertest.LiveScenario{Base: base, Before: before, NewStart: newStart, Shots: "follow-live", Rest: func() *report.Report {
		appendFile(t, path, string(rest))
		return waitReport(t, base, "every line and the new incident", func(r *report.Report) bool {
			return r.Input.Lines == total && len(browsertest.NewIncidents(before, r, newStart.Add(-5*time.Minute))) > 0
		})
	}}
	s.Run(t, browser)
}
