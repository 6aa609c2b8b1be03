package probe

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/metricline/metriclinetest"
)

func TestParseSpecSuccess(t *testing.T) {
	f := func(in string, want Spec) {
		t.Helper()
		got, err := ParseSpec(in)
		if err != nil {
			t.Fatalf("cannot parse %q: %v", in, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected spec for %q (-want +got):\n%s", in, diff)
		}
	}
	f("api=https://shop.example/api/health,expect=ok", Spec{Name: "api", URL: "https://shop.example/api/health", Expect: "ok", Every: 30 * time.Second, Timeout: 5 * time.Second, Severity: "P1"})
	f("app=http://10.0.0.1:8080/health/", Spec{Name: "app", URL: "http://10.0.0.1:8080/health/", Every: 30 * time.Second, Timeout: 5 * time.Second, Severity: "P1"})
	f("db=https://shop.example/api/health/database,expect=connected,every=1m", Spec{Name: "db", URL: "https://shop.example/api/health/database", Expect: "connected", Every: time.Minute, Timeout: 5 * time.Second, Severity: "P2"})
	f("pay.v2=https://shop.example/api/health/payments,severity=p1,timeout=2s,every=10s,expect=operational",
		Spec{Name: "pay.v2", URL: "https://shop.example/api/health/payments", Expect: "operational", Every: 10 * time.Second, Timeout: 2 * time.Second, Severity: "P1"})
	// Commas in the URL and in the text; the timeout follows a short every.
	f("q=http://h/s?a=1,2&b=x,expect=a,b=c,every=2s", Spec{Name: "q", URL: "http://h/s?a=1,2&b=x", Expect: "a,b=c", Every: 2 * time.Second, Timeout: 2 * time.Second, Severity: "P2"})
	f("api=https://shop.example/api/health,severity=P2", Spec{Name: "api", URL: "https://shop.example/api/health", Every: 30 * time.Second, Timeout: 5 * time.Second, Severity: "P2"})
}

func TestParseSpecFailure(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		_, err := ParseSpec(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for %q; got %v; want one saying %q", in, err, want)
		}
	}
	f("https://shop.example/api/health", "want NAME=URL")
	f("=http://h/", "want NAME=URL")
	f("a b=http://h/", `name "a b"`)
	f("api=shop.example/health", "want http:// or https://")
	f("api=ftp://h/", "want http:// or https://")
	f("api=http://h,timout=5s", "misspelt option")
	f("api=http://h/,every=0s", `every="0s"`)
	f("api=http://h/,every=soon", `every="soon"`)
	f("api=http://h/,timeout=-1s", `timeout="-1s"`)
	f("api=http://h/,severity=P3", `severity "P3"`)
	f("api=http://h/,expect=", "expect= wants a text")
	f("api=http://h/,expect=a,expect=b", "expect given twice")
	f("api=http://h/,every=1s,timeout=2s", "timeout 2s is longer than every 1s")
}

// server serves the cases of a check; /slow blocks until the test ends.
func server(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"ok"}`)) })
	mux.HandleFunc("/wrong", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"degraded"}`)) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/204", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/late-text", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), MaxBody))
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("o"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

// closedURL is the URL of a listener that was closed: connections are
// refused.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/ok"
}

func TestCheck(t *testing.T) {
	srv := server(t)
	f := func(url, expect string, wantOK bool, wantReason string) {
		t.Helper()
		sp := Spec{Name: "p", URL: url, Expect: expect, Every: time.Second, Timeout: 300 * time.Millisecond, Severity: "P2"}
		r := Check(context.Background(), srv.Client(), &sp)
		if r.Success != wantOK || !strings.Contains(r.Reason, wantReason) || (wantOK && r.Reason != "") {
			t.Fatalf("unexpected result for %s expecting %q; got %v %q; want %v %q", url, expect, r.Success, r.Reason, wantOK, wantReason)
		}
		if r.Duration <= 0 || r.Start.IsZero() {
			t.Fatalf("unexpected start/duration for %s; got %v/%v", url, r.Start, r.Duration)
		}
	}
	f(srv.URL+"/ok", "ok", true, "")
	f(srv.URL+"/ok", "", true, "")
	f(srv.URL+"/204", "", true, "")
	f(srv.URL+"/wrong", "ok", false, `no "ok" in the body`)
	f(srv.URL+"/500", "ok", false, "status 500")
	f(srv.URL+"/404", "", false, "status 404")
	f(srv.URL+"/late-text", "ok", false, `no "ok" in the body's first 65536 bytes`)
	f(srv.URL+"/slow", "", false, "deadline exceeded")
	f(srv.URL+"/slow-body", "o", false, "cannot read the body")
	f(closedURL(t), "", false, "refused")
}

func TestAppendResult(t *testing.T) {
	sp := Spec{Name: "api", URL: "http://h/api/health", Severity: "P1"}
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	f := func(r Result, want []metriclinetest.Line) {
		t.Helper()
		got := metriclinetest.Read(t, AppendResult(nil, &sp, &r))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected lines for %+v (-want +got):\n%s", r, diff)
		}
	}
	f(Result{Start: start, Duration: 1500 * time.Millisecond, Success: true}, []metriclinetest.Line{
		{TS: start, Name: "probe_success", Value: 1, Labels: map[string]string{"probe": "api", "url": "http://h/api/health", "severity": "P1"}},
		{TS: start, Name: "probe_duration_seconds", Value: 1.5, Labels: map[string]string{"probe": "api", "url": "http://h/api/health"}},
	})
	f(Result{Start: start, Duration: 5 * time.Second, Reason: "status 500"}, []metriclinetest.Line{
		{TS: start, Name: "probe_success", Value: 0, Labels: map[string]string{"probe": "api", "url": "http://h/api/health", "severity": "P1"}},
		{TS: start, Name: "probe_duration_seconds", Value: 5, Labels: map[string]string{"probe": "api", "url": "http://h/api/health"}},
	})
}

// TestRunner runs a probe that passes and one that fails until each has
// been checked three times.
func TestRunner(t *testing.T) {
	srv := server(t)
	specs := []Spec{
		// A long timeout: loopback, but a loaded machine.
		{Name: "up", URL: srv.URL + "/ok", Expect: "ok", Every: time.Millisecond, Timeout: time.Second, Severity: "P1"},
		{Name: "down", URL: closedURL(t), Every: time.Millisecond, Timeout: time.Second, Severity: "P2"},
	}
	var (
		mu   sync.Mutex
		logs []string
	)
	r, err := NewRunner(specs, srv.Client(), func(f string, a ...any) {
		mu.Lock()
		logs = append(logs, f)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	seen := map[string][]float64{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = r.Run(ctx, func(b []byte) error {
		for _, l := range metriclinetest.Read(t, b) {
			if l.Name == "probe_success" {
				seen[l.Labels["probe"]] = append(seen[l.Labels["probe"]], l.Value)
			}
		}
		if len(seen["up"]) >= 3 && len(seen["down"]) >= 3 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Fatalf("unexpected end of Run: %v; want %v", err, stop)
	}
	for name, want := range map[string]float64{"up": 1, "down": 0} {
		for _, v := range seen[name] {
			if v != want {
				t.Fatalf("unexpected probe_success of %s: %v; want %v", name, seen[name], want)
			}
		}
	}
	st := r.Stats()
	if st[0].Name != "up" || st[0].Failures != 0 || !st[0].Success || st[0].Checks < uint64(len(seen["up"])) {
		t.Fatalf("unexpected stats of up %+v after %d checks seen", st[0], len(seen["up"]))
	}
	if st[1].Name != "down" || st[1].Failures != st[1].Checks || st[1].Success || st[1].Checks < uint64(len(seen["down"])) {
		t.Fatalf("unexpected stats of down %+v after %d checks seen", st[1], len(seen["down"]))
	}
	if len(logs) != 1 || !strings.Contains(logs[0], "fails") {
		t.Fatalf("unexpected logs %q; want one failure", logs)
	}
	if _, err := NewRunner([]Spec{specs[0], specs[0]}, nil, nil); err == nil {
		t.Fatal("no error for two probes of one name")
	}
}
