package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// Hostile strings a fake store holds: the live page shows them as text.
const (
	liveHostilePath    = "/<script>alert(1)</script>"
	liveHostileSubject = `"><img src=x onerror=alert(2)>`
)

// fakeStore is a Source: one window a minute over two hours ending
// at newest, from one partition, and an open incident on a hostile
// subject; err fails every read.
type fakeStore struct {
	newest time.Time
	states map[time.Time][]byte
	docs   []json.RawMessage
	err    error
}

func newFakeStore(t *testing.T) *fakeStore {
	t.Helper()
	cfg := window.Config{}.WithDefaults()
	f := &fakeStore{newest: time.Date(2026, 3, 1, 12, 0, 30, 0, time.UTC), states: map[time.Time][]byte{}}
	for m := range 120 {
		start := f.newest.Truncate(time.Minute).Add(-time.Duration(m) * time.Minute)
		w := window.New(start.UnixNano(), &cfg)
		for i := range 10 + m%7 {
			status := 200
			if i == 0 && m < 10 {
				status = 503
			}
			rec := &parsers.Record{Time: start.UnixNano(), Client: []byte("203.0.113.9"), Status: status, Duration: int64(1000 * (i + 1))}
			w.Add(&window.Line{Rec: rec, Endpoint: "GET " + liveHostilePath, ID: -1})
		}
		b, err := w.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		f.states[start] = b
	}
	in := incident.Incident{ID: "0123456789abcdef", Severity: incident.P2, Kind: incident.Kind("error_rate"), Subject: liveHostileSubject,
		Status: incident.Open, Start: f.newest.Add(-10 * time.Minute).Truncate(time.Minute), End: f.newest.Truncate(time.Minute).Add(time.Minute), Summary: "5xx on " + liveHostileSubject}
	doc, err := report.MarshalIncident(&in)
	if err != nil {
		t.Fatal(err)
	}
	f.docs = []json.RawMessage{doc}
	return f
}

func (f *fakeStore) Partitions(context.Context) ([]pgstore.Partition, error) {
	return []pgstore.Partition{{Topic: "logs", Partition: 0, Format: "combined", Newest: f.newest, LastMessageAt: f.newest}}, f.err
}

func (f *fakeStore) EachWindow(_ context.Context, from, to time.Time, fn func(*pgstore.StoredWindow) error) error {
	if f.err != nil {
		return f.err
	}
	for m := f.newest.Add(-3 * time.Hour).Truncate(time.Minute); !m.After(to); m = m.Add(time.Minute) {
		if st, ok := f.states[m]; ok && !m.Before(from) {
			if err := fn(&pgstore.StoredWindow{Topic: "logs", Start: m, Size: time.Minute, State: st}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *fakeStore) IncidentDocs(context.Context, time.Time, time.Time) ([]json.RawMessage, error) {
	return f.docs, f.err
}

func liveHandler(src Source, o HandlerOptions) http.Handler {
	mux := http.NewServeMux()
	NewHandler(src, o).Register(mux)
	return mux
}

func get(t *testing.T, h http.Handler, method, path string) (int, http.Header, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Code, rec.Header(), rec.Body.String()
}

func TestLiveParamsFailure(t *testing.T) {
	h := liveHandler(newFakeStore(t), HandlerOptions{})
	f := func(path, wantBody string) {
		t.Helper()
		code, _, body := get(t, h, http.MethodGet, path)
		if code != http.StatusBadRequest || !strings.Contains(body, wantBody) {
			t.Fatalf("unexpected answer for %q; got %d %q; want 400 with %q", path, code, body, wantBody)
		}
	}
	f("/?since=0", `cannot use since="0"`)
	f("/?since=-1h", `cannot use since="-1h"`)
	f("/?since=abc", "want a duration such as 90m, 6h or 7d, from 1ns to 31d")
	f("/?since=32d", `cannot use since="32d"`)
	f("/?since=%3Cscript%3E", `cannot use since="<script>"`)
	f("/api/report?since=1y", `cannot use since="1y"`)
	f("/?refresh=100ms", `cannot use refresh="100ms"`)
	f("/?refresh=1h", `cannot use refresh="1h"`)
	// The value is echoed, as plain text the browser may not sniff.
	code, hdr, _ := get(t, h, http.MethodGet, "/?since=%3Cscript%3E")
	if ct := hdr.Get("Content-Type"); code != http.StatusBadRequest || !strings.HasPrefix(ct, "text/plain") || hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("unexpected headers of a 400; got %v; want text/plain, nosniff", hdr)
	}
	store := newFakeStore(t)
	store.err = errors.New("database down")
	h = liveHandler(store, HandlerOptions{})
	for _, path := range []string{"/", "/api/report"} {
		if code, _, body := get(t, h, http.MethodGet, path); code != http.StatusServiceUnavailable || !strings.Contains(body, "database down") {
			t.Fatalf("unexpected answer for %q with the database down; got %d %q; want 503 with the error", path, code, body)
		}
	}
	if code, _, _ := get(t, h, http.MethodPost, "/api/report"); code != http.StatusMethodNotAllowed {
		t.Fatalf("unexpected answer to POST /api/report; got %d; want 405", code)
	}
	if code, _, _ := get(t, h, http.MethodGet, "/other"); code != http.StatusNotFound {
		t.Fatalf("unexpected answer to GET /other; got %d; want 404", code)
	}
}

// TestLiveJSON: /api/report is live.Report's report of the range as
// report.WriteJSON writes it, 6 hours by default.
func TestLiveJSON(t *testing.T) {
	store := newFakeStore(t)
	h := liveHandler(store, HandlerOptions{})
	f := func(path string, since time.Duration, rows int) {
		t.Helper()
		code, hdr, body := get(t, h, http.MethodGet, path)
		if code != http.StatusOK || hdr.Get("Content-Type") != "application/json" || hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("unexpected answer for %q; got %d %v", path, code, hdr)
		}
		rep, err := Report(context.Background(), store, since, time.Time{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := report.WriteJSON(&want, rep); err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(want.String(), body); diff != "" {
			t.Fatalf("unexpected body for %q (-want +got):\n%s", path, diff)
		}
		if len(rep.Timeline) != rows || len(rep.Incidents) != 1 {
			t.Fatalf("unexpected report for %q; got %d rows and %d incidents; want %d and 1", path, len(rep.Timeline), len(rep.Incidents), rows)
		}
	}
	f("/api/report", DefaultSince, 120)
	// Windows that start in the range: 11:31 to 12:00.
	f("/api/report?since=30m", 30*time.Minute, 30)
	f("/api/report?since=1d", 24*time.Hour, 120)
}

// TestLivePage: the page is the HTML report with one script, the one
// the Content-Security-Policy allows, and log strings escaped.
func TestLivePage(t *testing.T) {
	h := liveHandler(newFakeStore(t), HandlerOptions{})
	code, hdr, body := get(t, h, http.MethodGet, "/?since=1h&refresh=2s")
	if code != http.StatusOK || hdr.Get("Content-Type") != "text/html; charset=utf-8" || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("unexpected answer; got %d %v", code, hdr)
	}
	if got, want := hdr.Get("Content-Security-Policy"), report.LiveContentSecurityPolicy(); got != want {
		t.Fatalf("unexpected Content-Security-Policy; got %q; want %q", got, want)
	}
	// n < 0: at least once.
	f := func(what, want string, n int) {
		t.Helper()
		if got := strings.Count(body, want); got != n && (n >= 0 || got == 0) {
			t.Fatalf("unexpected %s; got %d of %q in the page; want %d", what, got, want, n)
		}
	}
	f("scripts", "<script", 1)
	f("refresh", `data-refresh="2"`, 1)
	f("range", "the last 1h of log time", 1)
	f("current range", "<b>1h</b>", 1)
	f("raw hostile path", liveHostilePath, 0)
	f("raw hostile subject", liveHostileSubject, 0)
	f("escaped hostile path", "GET /&lt;script&gt;alert(1)&lt;/script&gt;", -1)
	f("escaped hostile subject", "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;", -1)
	f("not-kept note", "User-agent strings are not kept", 1)
}

func TestLiveDefaults(t *testing.T) {
	f := func(in string, want time.Duration) {
		t.Helper()
		got, err := parseSince(in)
		if err != nil || got != want || formatSince(got) != in {
			t.Fatalf("unexpected duration for %q; got %v (%q), %v; want %v", in, got, formatSince(got), err, want)
		}
	}
	f("6h", 6*time.Hour)
	f("7d", 7*24*time.Hour)
	f("90m", 90*time.Minute)
	f("45s", 45*time.Second)
	f("1h0m1s", time.Hour+time.Second)
}
