package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// started is analyze running in the background.
type started struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan error
}

// syncBuffer is a bytes.Buffer that the test may read while the command
// writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls the command's stdout until ok says yes, failing after a
// minute: the command runs at the machine's pace, so the test waits for
// what it prints rather than for a fixed time.
func (s *started) waitFor(t *testing.T, what string, ok func(out string) bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !ok(s.stdout.String()); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("analyze did not print %s within a minute; stdout %.500s; stderr %s", what, s.stdout.String(), s.stderr.String())
		}
	}
}

func start(t *testing.T, stdin io.Reader, args ...string) *started {
	t.Helper()
	s := &started{cmd: exec.Command(binary, args...), done: make(chan error, 1)}
	s.cmd.Stdin = stdin
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() { s.cmd.Process.Kill() })
	return s
}

// catching waits until the process has installed its handlers of SIGINT
// and SIGTERM (Linux: the SigCgt mask of /proc/PID/status), so that a
// signal sent next is the program's to handle, not the default action.
func (s *started) catching(t *testing.T) {
	t.Helper()
	want := uint64(1<<(syscall.SIGINT-1) | 1<<(syscall.SIGTERM-1))
	path := fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("cannot read %s: %v", path, err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if mask, ok := strings.CutPrefix(line, "SigCgt:\t"); ok {
				if n, err := strconv.ParseUint(mask, 16, 64); err == nil && n&want == want {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("analyze did not install its signal handlers within a minute")
		}
	}
}

// stop sends sig and returns the exit status, failing if analyze takes
// longer than 10 s to exit.
func (s *started) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	s.catching(t)
	s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("analyze did not exit within 10 s of %v; stderr: %s", sig, s.stderr.String())
	}
	return s.cmd.ProcessState.ExitCode()
}

// TestSignalsOnIdlePipe checks that Ctrl-C and SIGTERM stop a run that is
// blocked reading a pipe whose writer stays open: 130 and 143.
func TestSignalsOnIdlePipe(t *testing.T) {
	for _, c := range []struct {
		sig  os.Signal
		code int
		msg  string
	}{{os.Interrupt, 130, "interrupted"}, {syscall.SIGTERM, 143, "terminated"}} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		s := start(t, r, "-")
		fmt.Fprintln(w, `1.2.3.4 - - [01/Mar/2026:00:00:10 +0000] "GET /x HTTP/1.1" 200 10 "-" "curl/8"`)
		time.Sleep(300 * time.Millisecond)
		if code := s.stop(t, c.sig); code != c.code || !strings.Contains(s.stderr.String(), c.msg) {
			t.Errorf("unexpected exit on %v; got %d, stderr %q; want %d and %q", c.sig, code, s.stderr.String(), c.code, c.msg)
		}
		w.Close()
		r.Close()
	}
}

// TestDamagedGzip checks that a cut .gz is an error that names the file,
// after a report of the lines before the damage, unless --allow-damaged.
func TestDamagedGzip(t *testing.T) {
	gz, err := os.ReadFile("../../testdata/apache_logs.gz")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.gz")
	os.WriteFile(path, gz[:len(gz)-1000], 0o644)
	out, stderr, code := analyze(t, nil, "-o", "json", path)
	if code != 1 || !strings.Contains(stderr, "cut.gz") || !strings.Contains(stderr, "unexpected end") {
		t.Errorf("unexpected result for a cut gzip; got status %d, stderr %q; want 1 and the file's damage", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Input.Files[0].Error == "" || rep.Input.Lines == 0 {
		t.Errorf("unexpected report for a cut gzip: %v, %+v", err, rep.Input.Files)
	}
	if _, _, code := analyze(t, nil, "-q", "--allow-damaged", path); code != 0 {
		t.Errorf("unexpected status with --allow-damaged; got %d; want 0", code)
	}
}

// lines returns n access-log lines starting at minute m, numbered.
func lines(from, n int) string {
	var b strings.Builder
	for i := from; i < from+n; i++ {
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
		fmt.Fprintf(&b, "10.0.0.1 - - [%s] \"GET /n/%d HTTP/1.1\" 200 10 \"-\" \"curl/8\"\n", at.Format("02/Jan/2006:15:04:05 -0700"), i)
	}
	return b.String()
}

func appendFile(t *testing.T, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(data)
	f.Close()
}

// finalReport returns the report that --follow -o json prints last.
func finalReport(t *testing.T, out string) *report.Report {
	t.Helper()
	i := strings.Index(out, "{\n  \"schema\"")
	var rep report.Report
	if i < 0 || json.Unmarshal([]byte(out[i:]), &rep) != nil {
		t.Fatalf("unexpected output without a final JSON report: %.500s", out)
	}
	return &rep
}

// TestFollowRotation follows a file through a rotation by rename, a
// truncation and a file that appears later: every line counted once, and
// Ctrl-C prints the final report and exits 0.
func TestFollowRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	later := filepath.Join(dir, "later.log")
	appendFile(t, path, lines(0, 100))
	s := start(t, nil, "--follow", "--idle", "200ms", "-o", "json", path, later)
	// The follower polls every 250 ms; each step waits six polls so that
	// it has seen the step before the next one, even on a loaded machine.
	pause := func() { time.Sleep(1500 * time.Millisecond) }
	pause()
	appendFile(t, path, lines(100, 100))
	pause()
	os.Rename(path, path+".1")
	appendFile(t, path, lines(200, 100))
	pause()
	appendFile(t, later, lines(300, 50))
	pause()
	os.Truncate(path, 0)
	appendFile(t, path, lines(350, 25))
	pause()
	if code := s.stop(t, os.Interrupt); code != 0 {
		t.Fatalf("unexpected exit status after Ctrl-C; got %d; want 0; stderr %s", code, s.stderr.String())
	}
	rep := finalReport(t, s.stdout.String())
	if rep.Input.Lines != 375 || rep.Input.Parsed != 375 {
		t.Errorf("unexpected lines after rotation, truncation and a late file; got %d lines, %d parsed; want 375", rep.Input.Lines, rep.Input.Parsed)
	}
	seen := map[string]int{}
	for _, e := range rep.Endpoints {
		seen[e.Endpoint] += int(e.Count)
	}
	if rep.Requests.Total != 375 {
		t.Errorf("unexpected requests; got %d; want 375 (each line once)", rep.Requests.Total)
	}
}

// injectedLog writes 120,000 generated lines with injected incidents (a
// few of which open and resolve) to a file and returns its path; the
// test is skipped with -short.
func injectedLog(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("generates 120k lines")
	}
	var buf bytes.Buffer
	if _, err := loggen.Generate(&buf, loggen.Options{Lines: 120_000, Seed: 3, Format: "combined_rt", Rate: 20, Inject: true}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "inj.log")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFollowEvents checks that --follow prints incident events as JSON
// lines while it reads, before the final report.
func TestFollowEvents(t *testing.T) {
	path := injectedLog(t)
	s := start(t, nil, "--follow", "--idle", "300ms", "-o", "json", path)
	s.waitFor(t, "an opened and a resolved event", func(out string) bool {
		return strings.Contains(out, `{"event":"opened"`) && strings.Contains(out, `{"event":"resolved"`)
	})
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("unexpected exit status after SIGTERM in --follow; got %d; want 0; stderr %s", code, s.stderr.String())
	}
	sc := bufio.NewScanner(strings.NewReader(s.stdout.String()))
	sc.Buffer(nil, 1<<20)
	types := map[string]int{}
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, `{"event"`) {
			continue
		}
		var e struct {
			Event    string `json:"event"`
			Seq      int    `json:"seq"`
			Incident struct {
				ID string `json:"id"`
			} `json:"incident"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.Incident.ID == "" || e.Seq < 1 {
			t.Errorf("unexpected event line %q: %v", line, err)
		}
		types[e.Event]++
	}
	if types["opened"] == 0 || types["resolved"] == 0 {
		t.Errorf("unexpected events; got %v; want opened and resolved ones", types)
	}
	rep := finalReport(t, s.stdout.String())
	if rep.Input.Lines == 0 || len(rep.Incidents) == 0 {
		t.Errorf("unexpected final report; got %d lines, %d incidents", rep.Input.Lines, len(rep.Incidents))
	}
}
