package pipeline

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// healthRequest is one request as worker.health sees it.
type healthRequest struct {
	method, target string
	status         int
}

// countHealth counts reqs into a new window through a worker of rules,
// as its line loop does, and returns the window.
func countHealth(t testing.TB, rules detect.Rules, reqs []healthRequest) (*worker, *window.Window) {
	t.Helper()
	o := Options{Rules: rules}
	cfg := rules.WindowConfig()
	w := newWorker(&o, &cfg, &windowPool{cfg: &cfg})
	win := window.New(0, &cfg)
	for i, q := range reqs {
		r := parsers.Record{Method: []byte(q.method), Target: []byte(q.target), Status: q.status, Time: int64(i)}
		l := window.Line{Rec: &r}
		l.Endpoint, l.Kind, l.ID = w.endpoint(r.Method, r.Target)
		win.Add(&l)
		w.health(win, &l)
	}
	return w, win
}

// TestHealthPoints: requests to the health paths (query strings aside)
// are uptime points of their path, 100 for 2xx and 3xx and 0 otherwise,
// counted against a plain tally of the same requests; others are none.
func TestHealthPoints(t *testing.T) {
	reqs := []healthRequest{
		{"GET", "/api/health", 200}, {"GET", "/api/health?from=lb", 503}, {"HEAD", "/api/health", 304},
		{"GET", "/api/health/database", 200}, {"GET", "/api/health/database", 500}, {"GET", "/api/health/database", 404},
		{"GET", "/healthz", 200}, {"GET", "/api/healthcheck", 500}, {"GET", "/api/items", 500}, {"GET", "/api/health/", 500},
	}
	f := func(rules detect.Rules, want map[string][2]uint64) {
		t.Helper()
		_, win := countHealth(t, rules, reqs)
		got := map[string][2]uint64{}
		for k, m := range win.Metrics {
			if k.Kind != "uptime" {
				t.Fatalf("unexpected series %v", k)
			}
			// Points are 100 or 0: the count of 100s is sum / 100.
			got[k.Subject] = [2]uint64{m.Values.Count(), uint64(window.Unit(m.Values.Mean()*float64(m.Values.Count()))) / 100}
		}
		if len(got) != len(want) {
			t.Fatalf("unexpected series; got %v; want %v", got, want)
		}
		for path, w := range want {
			if got[path] != w {
				t.Fatalf("unexpected points of %s; got %v (points, successes); want %v", path, got[path], w)
			}
		}
	}
	// The plain tally of reqs: per path, (requests, 2xx or 3xx).
	f(detect.Rules{}, map[string][2]uint64{"/api/health": {3, 2}, "/api/health/database": {3, 1}, "/healthz": {1, 1}})
	f(detect.Rules{Endpoints: detect.EndpointRules{Health: detect.HealthPaths{"/api/items"}}}, map[string][2]uint64{"/api/items": {1, 0}})
	f(detect.Rules{Endpoints: detect.EndpointRules{Health: detect.HealthPaths{}}}, map[string][2]uint64{})
}

// TestHealthAllocs: counting health points allocates nothing once the
// endpoints and series are known, nor for the requests of other
// endpoints; nor for an endpoint past the worker's intern table (no id).
func TestHealthAllocs(t *testing.T) {
	reqs := []healthRequest{{"GET", "/api/health", 200}, {"GET", "/api/items/42", 200}, {"GET", "/api/health", 503}, {"HEAD", "/healthz", 200}}
	w, win := countHealth(t, detect.Rules{}, reqs)
	lines := make([]window.Line, len(reqs))
	recs := make([]parsers.Record, len(reqs))
	for i, q := range reqs {
		recs[i] = parsers.Record{Method: []byte(q.method), Target: []byte(q.target), Status: q.status, Time: 1}
		lines[i].Rec = &recs[i]
		lines[i].Endpoint, lines[i].Kind, lines[i].ID = w.endpoint(recs[i].Method, recs[i].Target)
	}
	noID := lines[0]
	noID.ID = -1
	lines = append(lines, noID)
	if n := testing.AllocsPerRun(100, func() {
		for i := range lines {
			w.health(win, &lines[i])
		}
	}); n >= 1 {
		t.Fatalf("unexpected allocations; got %v per run; want 0", n)
	}
	if n := win.Metrics[window.MetricKey{Kind: "uptime", Subject: "/api/health"}].Values.Count(); n != 2+101*3 {
		t.Fatalf("unexpected points of /api/health; got %d; want %d", n, 2+101*3)
	}
}
