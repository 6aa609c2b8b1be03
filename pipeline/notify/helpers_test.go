package notify

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -rewrite.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *rewrite {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("cannot rewrite %s: %v", path, err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file: %v (run go test -rewrite)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("unexpected output for %q (-want +got; run go test -rewrite and review the diff):\n%s", name, diff)
	}
}

// detectionLines is the length of the generated log of detect: 5 hours,
// with openings, updates, resolutions and supersedes.
const detectionLines = 150_000

// detect runs the engine over a generated log with injected incidents,
// passing each event to onEvent (from the engine's goroutine) as
// analyze --follow does, and returns the events.
func detect(t *testing.T, onEvent func(incident.Event)) []incident.Event {
	t.Helper()
	data, _ := ingesttest.Generated(t, detectionLines)
	src, err := filesrc.Open("-", bytes.NewReader(data), filesrc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var events []incident.Event
	_, err = pipeline.Run(context.Background(), []pipeline.Source{src}, pipeline.Options{OnEvent: func(e incident.Event) {
		events = append(events, e)
		onEvent(e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	types := map[incident.EventType]int{}
	for _, e := range events {
		types[e.Type]++
	}
	if types[incident.Opened] < 3 || types[incident.Updated] == 0 || types[incident.ResolvedEv] == 0 {
		t.Fatalf("unexpected events of the generated log; got %v; want openings, updates and resolutions", types)
	}
	return events
}

// receiver is an HTTP server that records the bodies of the requests it
// accepts, in order. answer, when set, decides the status of the n-th
// request (from 1); a status other than 2xx records nothing.
type receiver struct {
	srv    *httptest.Server
	answer func(n int, r *http.Request) int

	mu     sync.Mutex
	n      int
	bodies []string
	paths  []string
}

func newReceiver(t *testing.T, answer func(n int, r *http.Request) int) *receiver {
	t.Helper()
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.n++
	n := rc.n
	rc.mu.Unlock()
	code := http.StatusOK
	if rc.answer != nil {
		code = rc.answer(n, r)
	}
	if code/100 == 2 {
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, string(body))
		rc.paths = append(rc.paths, r.URL.Path)
		rc.mu.Unlock()
	}
	w.WriteHeader(code)
}

// got returns the bodies accepted so far.
func (rc *receiver) got() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.bodies...)
}

// requests returns how many requests came, accepted or not.
func (rc *receiver) requests() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.n
}

// waitFor polls cond until it holds or 15 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
