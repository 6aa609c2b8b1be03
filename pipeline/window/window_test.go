package window

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/useragent"
)

func line(status int, ms int64, client, key string, kind EndpointKind) *Line {
	return &Line{Rec: &parsers.Record{Status: status, Duration: ms * 1000, Client: []byte(client)}, Endpoint: key, Kind: kind, ID: -1, UAClass: useragent.Browser}
}

func TestAddMergeClose(t *testing.T) {
	cfg := Config{}.WithDefaults()
	a, b := New(0, &cfg), New(0, &cfg)
	a.Add(line(200, 10, "1.1.1.1", "GET /", Ordinary))
	a.Add(line(503, 3000, "1.1.1.1", "GET /", Ordinary))
	b.Add(line(401, 20, "2.2.2.2", "POST /login", Login))
	b.Add(line(999, 20, "2.2.2.2", "POST /login", Login))
	b.Add(line(0, -1, "", "GET /", Ordinary))
	a.Merge(b)
	c := a.Close()
	if c.Requests != 5 || c.Status[5] != 1 || c.Status[9] != 1 || c.Status[0] != 1 || c.AuthFailures != 1 || c.Logins != 2 || c.LoginFailures != 1 {
		t.Errorf("unexpected counts %+v", c.Counts)
	}
	if c.SlowWarn != 1 || c.SlowAlert != 1 || c.Durations != 4 {
		t.Errorf("unexpected slow counts %+v", c.Counts)
	}
	if len(c.AuthFailureClients) != 1 || c.AuthFailureClients[0].Key != "2.2.2.2" || !c.Exact {
		t.Errorf("unexpected auth-failure clients %+v (exact %v)", c.AuthFailureClients, c.Exact)
	}
	if want := (time.Unix(0, 0).UTC()); !c.Start.Equal(want) || c.End().Sub(c.Start) != time.Minute {
		t.Errorf("unexpected window bounds %v %v", c.Start, c.End())
	}
}

// TestCloseKeepsNamedEndpoints checks that closing folds the least busy
// endpoints, never one a rule names.
func TestCloseKeepsNamedEndpoints(t *testing.T) {
	cfg := Config{}.WithDefaults()
	w := New(0, &cfg)
	for i := range 1000 {
		w.Add(line(404, 1, "9.9.9.9", fmt.Sprintf("GET /scan/%d", i), Ordinary))
	}
	w.Add(line(500, 1, "1.1.1.1", "POST /api/payments/{id}", Payment))
	for range 5 {
		w.Add(line(200, 1, "1.1.1.1", "GET /busy", Ordinary))
	}
	c := w.Close()
	if c.Endpoints["POST /api/payments/{id}"] == nil || c.Endpoints["GET /busy"] == nil {
		t.Errorf("unexpected fold of a named or busy endpoint")
	}
	if len(c.Endpoints) > closedEndpoints+2 || c.Folded == 0 || !c.Exact {
		t.Errorf("unexpected closed endpoints: %d kept, %d folded, exact %v", len(c.Endpoints), c.Folded, c.Exact)
	}
	var total uint64
	for _, e := range c.Endpoints {
		total += e.Requests
	}
	if total != c.Requests {
		t.Errorf("unexpected endpoint total %d; want %d", total, c.Requests)
	}
}

func TestStartOf(t *testing.T) {
	cfg := Config{}.WithDefaults()
	f := func(t0, want int64) {
		t.Helper()
		if got := cfg.StartOf(t0); got != want {
			t.Errorf("unexpected start for %d; got %d; want %d", t0, got, want)
		}
	}
	m := int64(time.Minute)
	f(0, 0)
	f(m+1, m)
	f(-1, -m)
	f(-m, -m)
}

func TestKindOf(t *testing.T) {
	cfg := Config{}.WithDefaults()
	for key, want := range map[string]EndpointKind{
		"POST /api/payments/{id}/charge": Payment, "GET /reports/export": Export, "POST /login": Login, "GET /": Ordinary,
	} {
		if got := cfg.KindOf(key); got != want {
			t.Errorf("unexpected kind for %q; got %d; want %d", key, got, want)
		}
	}
}

// TestAddTCP: a TCP proxy connection counts in TCP only (no line, no
// request, nothing a detector reads as traffic), and TCP merges and
// closes as the other tallies do.
func TestAddTCP(t *testing.T) {
	cfg := Config{}.WithDefaults()
	a, b := New(0, &cfg), New(0, &cfg)
	a.Add(line(200, 10, "1.1.1.1", "GET /", Ordinary))
	a.AddTCP()
	b.AddTCP()
	b.AddTCP()
	b.AddApp(false)
	if want := (Counts{TCP: 2, Lines: 1}); b.Counts != want {
		t.Errorf("unexpected counts of TCP connections and an application line; got %+v; want %+v", b.Counts, want)
	}
	a.Merge(b)
	c := a.Close()
	if c.TCP != 3 || c.Lines != 2 || c.Requests != 1 {
		t.Errorf("unexpected merged counts; got TCP %d, lines %d, requests %d; want 3, 2, 1", c.TCP, c.Lines, c.Requests)
	}
}
