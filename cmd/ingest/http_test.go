package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/ingest"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/notify"
)

// fakeService stands for ingest.Service: it hands out its pending flush
// durations once, as Stats does, and counts the calls.
type fakeService struct {
	mu         sync.Mutex
	health     map[string]ingest.Health
	snap       ingest.Snapshot
	pending    []float64
	statsCalls int
}

func (f *fakeService) Health() map[string]ingest.Health {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.health)
}

func (f *fakeService) Stats() ingest.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statsCalls++
	s := f.snap
	s.FlushSeconds, f.pending = f.pending, nil
	return s
}

func (f *fakeService) flushed(secs ...float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = append(f.pending, secs...)
}

var since = time.Date(2026, 5, 4, 12, 20, 30, 0, time.FixedZone("CEST", 2*3600))

const dbError = "pgstore: connect: dial tcp 127.0.0.1:5432: connect: connection refused"

func healthyService() *fakeService {
	return &fakeService{health: map[string]ingest.Health{"kafka": {OK: true}, "database": {OK: true}}}
}

func degradedService() *fakeService {
	return &fakeService{health: map[string]ingest.Health{
		"kafka":    {OK: true, Since: since.Add(-time.Hour)},
		"database": {Error: dbError, Since: since},
	}}
}

func get(t *testing.T, h http.Handler, method, path string) (int, http.Header, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Code, rec.Header(), rec.Body.String()
}

func checkJSON(t *testing.T, svc service, path string, wantCode int, wantBody string) {
	t.Helper()
	code, hdr, body := get(t, newHandler(svc), http.MethodGet, path)
	if code != wantCode {
		t.Errorf("unexpected status for %q; got %d; want %d", path, code, wantCode)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/json" {
		t.Errorf("unexpected Content-Type for %q; got %q; want %q", path, ct, "application/json")
	}
	if body != wantBody+"\n" {
		t.Errorf("unexpected body for %q;\ngot  %s\nwant %s", path, body, wantBody)
	}
}

func TestHealthSuccess(t *testing.T) {
	f := func(path, want string) {
		t.Helper()
		checkJSON(t, healthyService(), path, http.StatusOK, want)
	}
	f("/health", `{"status":"ok","database":"connected","kafka":"connected"}`)
	f("/health/kafka", `{"status":"connected"}`)
	f("/health/database", `{"status":"connected"}`)
}

func TestHealthFailure(t *testing.T) {
	f := func(svc *fakeService, path string, wantCode int, want string) {
		t.Helper()
		checkJSON(t, svc, path, wantCode, want)
	}
	svc := degradedService()
	f(svc, "/health", http.StatusServiceUnavailable,
		`{"status":"degraded","failing":["database"],"database":"`+dbError+`","kafka":"connected"}`)
	f(svc, "/health/database", http.StatusServiceUnavailable,
		`{"status":"degraded","error":"`+dbError+`","since":"2026-05-04T10:20:30Z"}`)
	f(svc, "/health/kafka", http.StatusOK, `{"status":"connected"}`)

	both := &fakeService{health: map[string]ingest.Health{
		"kafka":    {Error: `kafka fetch: "logs"/0: EOF`, Since: since},
		"database": {Error: dbError, Since: since},
	}}
	f(both, "/health", http.StatusServiceUnavailable,
		`{"status":"degraded","failing":["database","kafka"],"database":"`+dbError+`","kafka":"kafka fetch: \"logs\"/0: EOF"}`)
	f(both, "/health/kafka", http.StatusServiceUnavailable,
		`{"status":"degraded","error":"kafka fetch: \"logs\"/0: EOF","since":"2026-05-04T10:20:30Z"}`)
}

func TestHandlerRoutes(t *testing.T) {
	h := newHandler(healthyService())
	f := func(method, path string, want int) {
		t.Helper()
		if code, _, _ := get(t, h, method, path); code != want {
			t.Errorf("unexpected status for %s %q; got %d; want %d", method, path, code, want)
		}
	}
	f(http.MethodGet, "/", http.StatusNotFound)
	f(http.MethodGet, "/healthz", http.StatusNotFound)
	f(http.MethodGet, "/health/", http.StatusNotFound)
	f(http.MethodGet, "/health/postgres", http.StatusNotFound)
	f(http.MethodGet, "/health/kafka/x", http.StatusNotFound)
	f(http.MethodGet, "/metrics/x", http.StatusNotFound)
	f(http.MethodPost, "/health", http.StatusMethodNotAllowed)
	f(http.MethodDelete, "/health/kafka", http.StatusMethodNotAllowed)
	f(http.MethodPut, "/metrics", http.StatusMethodNotAllowed)
	f(http.MethodHead, "/health", http.StatusOK)
	f(http.MethodGet, "/metrics", http.StatusOK)
}

func metricsService() *fakeService {
	svc := degradedService()
	logs0, logs1 := kafkasrc.TopicPartition{Topic: "logs", Partition: 0}, kafkasrc.TopicPartition{Topic: "logs", Partition: 1}
	svc.snap = ingest.Snapshot{
		Lines:         map[kafkasrc.TopicPartition]uint64{logs0: 120, logs1: 7},
		Bytes:         map[kafkasrc.TopicPartition]uint64{logs0: 14400, logs1: 812},
		Rejects:       map[string]uint64{"bad status": 3, "format not detected": 1},
		Flushes:       9,
		FlushFailures: 2,
		Events: map[ingest.EventKey]uint64{
			{Severity: incident.P1, Type: incident.Opened}:     1,
			{Severity: incident.P3, Type: incident.Superseded}: 4,
		},
		Lag:        map[kafkasrc.TopicPartition]int64{logs0: 42, logs1: -1},
		DeadLetter: &kafkasrc.DeadLetterStats{Sent: 5, Dropped: 1, Failed: 2, Queued: 3},
	}
	return svc
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	code, hdr, body := get(t, h, http.MethodGet, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("unexpected status of /metrics; got %d; want 200; body:\n%s", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("unexpected Content-Type of /metrics; got %q; want text/plain", ct)
	}
	return body
}

// checkLines fails unless every line in want is a line of body.
func checkLines(t *testing.T, body string, want ...string) {
	t.Helper()
	have := make(map[string]bool)
	for line := range strings.Lines(body) {
		have[strings.TrimSuffix(line, "\n")] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("unexpected metrics; missing line %q in:\n%s", w, vigilLines(body))
		}
	}
}

// vigilLines keeps the vigil_ lines of body, for failure messages.
func vigilLines(body string) string {
	var b strings.Builder
	for line := range strings.Lines(body) {
		if strings.Contains(line, "vigil_") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func TestMetrics(t *testing.T) {
	svc := metricsService()
	sinks := []notify.Stats{{Sink: "alertmanager am:9093", Sent: 7, Failed: 2, Dropped: 1, Coalesced: 3, Queued: 4, Resent: 11}}
	h := newHandler(svc, notifyCollector{func() []notify.Stats { return sinks }})
	svc.flushed(0.25, 0.5, 4)
	body := scrape(t, h)
	checkLines(t, body,
		`# TYPE vigil_ingest_lines_consumed_total counter`,
		`vigil_ingest_lines_consumed_total{partition="0",topic="logs"} 120`,
		`vigil_ingest_lines_consumed_total{partition="1",topic="logs"} 7`,
		`# TYPE vigil_ingest_bytes_consumed_total counter`,
		`vigil_ingest_bytes_consumed_total{partition="0",topic="logs"} 14400`,
		`vigil_ingest_bytes_consumed_total{partition="1",topic="logs"} 812`,
		`# TYPE vigil_ingest_parse_failures_total counter`,
		`vigil_ingest_parse_failures_total{reason="bad status"} 3`,
		`vigil_ingest_parse_failures_total{reason="format not detected"} 1`,
		`# TYPE vigil_ingest_consumer_lag gauge`,
		`vigil_ingest_consumer_lag{partition="0",topic="logs"} 42`,
		`# TYPE vigil_ingest_flushes_total counter`,
		`vigil_ingest_flushes_total 9`,
		`# TYPE vigil_ingest_flush_failures_total counter`,
		`vigil_ingest_flush_failures_total 2`,
		`# TYPE vigil_ingest_incident_events_total counter`,
		`vigil_ingest_incident_events_total{event="opened",severity="P1"} 1`,
		`vigil_ingest_incident_events_total{event="superseded",severity="P3"} 4`,
		`# TYPE vigil_ingest_health gauge`,
		`vigil_ingest_health{part="database"} 0`,
		`vigil_ingest_health{part="kafka"} 1`,
		`# TYPE vigil_ingest_flush_duration_seconds histogram`,
		`vigil_ingest_flush_duration_seconds_bucket{le="0.128"} 0`,
		`vigil_ingest_flush_duration_seconds_bucket{le="0.256"} 1`,
		`vigil_ingest_flush_duration_seconds_bucket{le="0.512"} 2`,
		`vigil_ingest_flush_duration_seconds_bucket{le="4.096"} 3`,
		`vigil_ingest_flush_duration_seconds_bucket{le="+Inf"} 3`,
		`vigil_ingest_flush_duration_seconds_sum 4.75`,
		`vigil_ingest_flush_duration_seconds_count 3`,
		`# TYPE vigil_ingest_dead_letters_total counter`,
		`vigil_ingest_dead_letters_total{outcome="sent"} 5`,
		`vigil_ingest_dead_letters_total{outcome="dropped"} 1`,
		`vigil_ingest_dead_letters_total{outcome="failed"} 2`,
		`vigil_ingest_dead_letter_queue 3`,
		`vigil_ingest_notify_events_total{outcome="sent",sink="alertmanager am:9093"} 7`,
		`vigil_ingest_notify_events_total{outcome="dropped",sink="alertmanager am:9093"} 1`,
		`vigil_ingest_notify_events_total{outcome="coalesced",sink="alertmanager am:9093"} 3`,
		`vigil_ingest_notify_failed_attempts_total{sink="alertmanager am:9093"} 2`,
		`vigil_ingest_notify_resends_total{sink="alertmanager am:9093"} 11`,
		`vigil_ingest_notify_queue_length{sink="alertmanager am:9093"} 4`,
	)
	// Unknown lag (-1) is left out rather than exported as a value.
	if strings.Contains(body, `vigil_ingest_consumer_lag{partition="1"`) {
		t.Errorf("unexpected lag of an unknown partition in:\n%s", vigilLines(body))
	}
	for _, prefix := range []string{"# HELP go_goroutines ", "# HELP process_cpu_seconds_total "} {
		if !strings.Contains(body, prefix) {
			t.Errorf("unexpected metrics; missing %q", prefix)
		}
	}
	for line := range strings.Lines(body) {
		if name, ok := strings.CutPrefix(line, "# HELP vigil_"); ok && len(strings.Fields(name)) < 3 {
			t.Errorf("unexpected HELP text; got %q; want a sentence", line)
		}
	}
	promtoolCheck(t, body) // Last: it may skip.
}

func TestMetricsFlushDurationsOnce(t *testing.T) {
	svc := metricsService()
	sinks := []notify.Stats{{Sink: "alertmanager am:9093", Sent: 7, Failed: 2, Dropped: 1, Coalesced: 3, Queued: 4, Resent: 11}}
	h := newHandler(svc, notifyCollector{func() []notify.Stats { return sinks }})
	svc.flushed(0.25, 0.5, 4)
	scrape(t, h)
	// The durations were handed out to the first scrape only.
	body := scrape(t, h)
	checkLines(t, body,
		`vigil_ingest_flush_duration_seconds_sum 4.75`,
		`vigil_ingest_flush_duration_seconds_count 3`,
		`# TYPE vigil_ingest_dead_letters_total counter`,
		`vigil_ingest_dead_letters_total{outcome="sent"} 5`,
		`vigil_ingest_dead_letters_total{outcome="dropped"} 1`,
		`vigil_ingest_dead_letters_total{outcome="failed"} 2`,
		`vigil_ingest_dead_letter_queue 3`,
		`vigil_ingest_notify_events_total{outcome="sent",sink="alertmanager am:9093"} 7`,
		`vigil_ingest_notify_events_total{outcome="dropped",sink="alertmanager am:9093"} 1`,
		`vigil_ingest_notify_events_total{outcome="coalesced",sink="alertmanager am:9093"} 3`,
		`vigil_ingest_notify_failed_attempts_total{sink="alertmanager am:9093"} 2`,
		`vigil_ingest_notify_resends_total{sink="alertmanager am:9093"} 11`,
		`vigil_ingest_notify_queue_length{sink="alertmanager am:9093"} 4`,
	)
	svc.flushed(2)
	body = scrape(t, h)
	checkLines(t, body,
		`vigil_ingest_flush_duration_seconds_bucket{le="2.048"} 3`,
		`vigil_ingest_flush_duration_seconds_bucket{le="4.096"} 4`,
		`vigil_ingest_flush_duration_seconds_sum 6.75`,
		`vigil_ingest_flush_duration_seconds_count 4`,
	)
	svc.mu.Lock()
	calls := svc.statsCalls
	svc.mu.Unlock()
	if calls != 3 {
		t.Errorf("unexpected Stats calls for 3 scrapes; got %d; want 3", calls)
	}
}

func TestMetricsConcurrentScrapes(t *testing.T) {
	svc := metricsService()
	h := newHandler(svc)
	const scrapers, scrapes, flushes = 4, 5, 200
	var wg sync.WaitGroup
	wg.Go(func() {
		for range flushes {
			svc.flushed(0.25)
		}
	})
	for range scrapers {
		wg.Go(func() {
			for range scrapes {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
			}
		})
	}
	wg.Wait()
	checkLines(t, scrape(t, h),
		fmt.Sprintf("vigil_ingest_flush_duration_seconds_count %d", flushes),
		fmt.Sprintf("vigil_ingest_flush_duration_seconds_sum %d", flushes/4),
	)
}

// promtoolCheck lints body with promtool check metrics. Without
// promtool it skips, except in CI where `make deps` must have installed
// it (Debian package prometheus).
func promtoolCheck(t *testing.T, body string) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("promtool not found: run `make deps` (it installs the Debian package prometheus): %v", err)
		}
		t.Skipf("promtool not found (run `make deps`): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("unexpected result of promtool check metrics; got %v:\n%s", err, out)
	}
}

// syncLog collects what serveHTTP logs; it may be called after the test
// ends, when t.Logf must not be.
type syncLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *syncLog) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cannot listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServer runs serveHTTP on a free port until the returned cancel,
// and waits until it answers.
func startServer(t *testing.T, h http.Handler) (addr string, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ready", func(http.ResponseWriter, *http.Request) {})
	mux.Handle("/", h)
	addr = freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	served := make(chan error, 1)
	var l syncLog
	go func() { served <- serveHTTP(ctx, addr, mux, l.logf) }()
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		resp, err := client.Get("http://" + addr + "/ready")
		if err == nil {
			resp.Body.Close()
			return addr, cancel, served
		}
		select {
		case err := <-served:
			t.Fatalf("unexpected error of serveHTTP; got %v; want serving", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serveHTTP did not answer on %s within 5s: %v", addr, err)
		}
	}
}

func waitServed(t *testing.T, done <-chan error, within time.Duration) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-time.After(within):
		t.Fatalf("serveHTTP did not return within %s of the cancel", within)
		return 0, nil
	}
}

func TestServeHTTPSuccess(t *testing.T) {
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "done")
	})
	addr, cancel, done := startServer(t, slow)
	type result struct {
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Get("http://" + addr + "/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		res <- result{string(b), err}
	}()
	<-started
	cancel()
	// The request in flight finishes within the grace.
	if r := <-res; r.err != nil || r.body != "done" {
		t.Errorf("unexpected response in flight at shutdown; got %q, %v; want %q", r.body, r.err, "done")
	}
	if _, err := waitServed(t, done, 3*time.Second); err != nil {
		t.Errorf("unexpected error of serveHTTP after cancel; got %v; want nil", err)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Errorf("unexpected listener on %s after serveHTTP returned", addr)
	}
}

func TestServeHTTPShutdownTimeout(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	stuck := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done(): // The connection was closed.
		case <-release:
		}
	})
	addr, cancel, done := startServer(t, stuck)
	go func() {
		client := &http.Client{Timeout: 10 * time.Second}
		if resp, err := client.Get("http://" + addr + "/stuck"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	took, err := waitServed(t, done, httpShutdownGrace+2*time.Second)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("unexpected error of serveHTTP with a stuck request; got %v; want %v", err, context.DeadlineExceeded)
	}
	if took < httpShutdownGrace-100*time.Millisecond {
		t.Errorf("unexpected shutdown time with a stuck request; got %s; want about %s", took, httpShutdownGrace)
	}
}

func TestServeHTTPFailure(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cannot listen: %v", err)
	}
	defer taken.Close()
	f := func(addr string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var l syncLog
		err := serveHTTP(ctx, addr, http.NotFoundHandler(), l.logf)
		if err == nil || ctx.Err() != nil {
			t.Errorf("unexpected result of serveHTTP on %q; got %v after %v; want a listen error at once", addr, err, ctx.Err())
		}
	}
	f(taken.Addr().String())
	f("127.0.0.1:notaport")
}
