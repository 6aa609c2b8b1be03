package window

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/endpoint"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// traffic describes a window's worth of synthetic traffic, generated from
// a fixed seed: Zipf-distributed clients and users, mostly ordinary
// endpoints with payment, login and export ones among them, a realistic
// mix of statuses, user agents and durations, and application lines.
type traffic struct {
	Seed                      uint64
	Requests, AppLines        int
	Endpoints, Clients, Users int
	Micros                    bool // µs-precise durations: the latency sketch spills
	ScanClients, StuffClients int  // distinct clients of a 404 scan and of credential stuffing
}

// window returns a new window starting at start with tr counted into it.
func (tr traffic) window(start int64, cfg *Config) *Window {
	w := New(start, cfg)
	tr.feed(w, cfg)
	return w
}

// feed counts tr into w, as the engine would: endpoint keys from
// endpoint.Append, kinds from cfg, one id per key.
func (tr traffic) feed(w *Window, cfg *Config) {
	r := rand.New(rand.NewPCG(tr.Seed, 77))
	clients := rand.NewZipf(r, 1.2, 1, uint64(max(tr.Clients, 2)-1))
	users := rand.NewZipf(r, 1.1, 1, uint64(max(tr.Users, 2)-1))
	for range tr.Requests + tr.AppLines {
		if r.IntN(tr.Requests+tr.AppLines) < tr.AppLines {
			w.AddApp(r.IntN(8) == 0)
			continue
		}
		method, target := tr.target(r)
		rec := &parsers.Record{Status: status(r), Duration: tr.duration(r), Client: ip(clients.Uint64())}
		if r.IntN(30) == 0 {
			rec.Client = nil
		}
		if r.IntN(10) != 0 {
			rec.User = fmt.Appendf(nil, "user-%d", users.Uint64())
		}
		w.Add(lineOf(cfg, r, rec, method, target))
	}
	for i := range tr.ScanClients {
		w.Add(lineOf(cfg, r, &parsers.Record{Status: 404, Duration: 900, Client: ip(uint64(1e6 + i))}, "GET", "/.env"))
	}
	for i := range tr.StuffClients {
		w.Add(lineOf(cfg, r, &parsers.Record{Status: 401, Duration: 40_000, Client: ip(uint64(2e6 + i))}, "POST", "/login"))
	}
}

// callerIDs numbers endpoint keys for every test window, as one engine
// would: a window's id cache is only right for the caller whose ids filled
// it (a decoded window starts with none).
var callerIDs = map[string]int32{}

// lineOf makes the line of rec as the engine would.
func lineOf(cfg *Config, r *rand.Rand, rec *parsers.Record, method, target string) *Line {
	key := string(endpoint.Append(nil, []byte(method), []byte(target)))
	id, ok := callerIDs[key]
	if !ok {
		id = int32(len(callerIDs))
		callerIDs[key] = id
	}
	l := &Line{Rec: rec, Endpoint: key, Kind: cfg.KindOf(key), ID: id, UAClass: uaClass(r)}
	if r.IntN(2) == 0 {
		l.Client = string(rec.Client) // the caller's interned copy
	}
	return l
}

// target returns a request: a payment, login or export one now and then,
// otherwise one of tr.Endpoints ordinary routes with an id.
func (tr traffic) target(r *rand.Rand) (method, target string) {
	switch x := r.IntN(100); {
	case x < 8:
		return "POST", fmt.Sprintf("/api/payments/%d/charge", r.IntN(1e6))
	case x < 10:
		return "GET", "/api/payments/methods"
	case x < 14:
		return "POST", "/login"
	case x < 15:
		return "POST", "/api/v2/login?next=%2Fhome"
	case x < 18:
		return "GET", fmt.Sprintf("/reports/%d/export?format=csv", r.IntN(1e5))
	case x < 19:
		return "POST", "/admin/export/users"
	}
	n := r.IntN(max(tr.Endpoints, 1))
	return [...]string{"GET", "GET", "POST", "PUT", "DELETE"}[n%5], fmt.Sprintf("/api/resource%d/items/%d", n, r.IntN(1e6))
}

// status returns a status code with a production-like mix.
func status(r *rand.Rand) int {
	codes := [...]int{200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 304, 400, 401, 403, 404, 404, 429, 500, 502, 503, 0}
	return codes[r.IntN(len(codes))]
}

// duration returns a duration in µs (-1 now and then for none): whole
// milliseconds with a slow tail, or µs-precise.
func (tr traffic) duration(r *rand.Rand) int64 {
	switch {
	case r.IntN(20) == 0:
		return -1
	case tr.Micros:
		return int64(r.ExpFloat64() * 150_000)
	case r.IntN(50) == 0:
		return int64(2000+r.IntN(8000)) * 1000
	}
	return int64(r.ExpFloat64()*120) * 1000
}

func uaClass(r *rand.Rand) useragent.Class {
	if x := r.IntN(10); x < 6 {
		return useragent.Browser
	}
	return useragent.Class(r.IntN(NumUAClasses))
}

// ip returns the IPv4 address of a rank, by a bijection that makes the
// lexical order of addresses unrelated to their rank.
func ip(rank uint64) []byte {
	a := uint32(rank) * 2654435761
	return fmt.Appendf(nil, "%d.%d.%d.%d", a>>24, a>>16&0xff, a>>8&0xff, a&0xff)
}

// windowCase builds one window, the same every time it is called.
type windowCase struct {
	name  string
	build func(cfg *Config) *Window
	slow  bool // skipped with -short
	seed  bool // in the seed corpus of FuzzDecode: small, so that fuzzing stays fast
}

const minute = int64(time.Minute)

func windowCases() []windowCase {
	start := 29_000_000 * minute // 2025-02-20 13:20 UTC
	tiny := traffic{Seed: 8, Requests: 80, AppLines: 3, Endpoints: 4, Clients: 40, Users: 3, Micros: true, StuffClients: 3}
	small := traffic{Seed: 1, Requests: 300, AppLines: 30, Endpoints: 40, Clients: 60, Users: 10}
	typical := traffic{Seed: 2, Requests: 20_000, AppLines: 2_000, Endpoints: 300, Clients: 5_000, Users: 200}
	return []windowCase{
		{name: "empty", seed: true, build: func(cfg *Config) *Window { return New(start, cfg) }},
		{name: "app lines only", seed: true, build: func(cfg *Config) *Window {
			w := New(start, cfg)
			for i := range 50 {
				w.AddApp(i%7 == 0)
			}
			return w
		}},
		{name: "before 1970", seed: true, build: traffic{Seed: 3, Requests: 20, Endpoints: 3, Clients: 5}.builder(-minute)},
		{name: "tiny", seed: true, build: tiny.builder(start)},
		{name: "tiny bounded tables", seed: true, build: func(cfg *Config) *Window {
			w := New(start, cfg)
			w.Latency = quantile.New(4)
			w.Clients, w.AuthFailureClients = topk.New(2), topk.NewExactFirst(1, 1)
			w.ExportUsers, w.ExportClients = topk.New(1), topk.NewExactFirst(1, 2)
			tiny.feed(w, cfg)
			return w
		}},
		{name: "small", build: small.builder(start)},
		{name: "small with µs latency", build: traffic{Seed: 4, Requests: 300, Endpoints: 20, Clients: 40, Users: 5, Micros: true}.builder(start)},
		{name: "small bounded tables", build: func(cfg *Config) *Window {
			// Legal for a caller to set: tables and a sketch with small
			// budgets, so that a small window covers their bounded modes.
			w := New(start, cfg)
			w.Latency = quantile.New(16)
			w.Clients, w.AuthFailureClients = topk.New(8), topk.NewExactFirst(4, 3)
			w.ExportUsers, w.ExportClients = topk.New(2), topk.NewExactFirst(1000, 16)
			small.feed(w, cfg)
			return w
		}},
		{name: "reset", seed: true, build: func(cfg *Config) *Window {
			w := small.window(start, cfg)
			w.Reset(start + minute)
			traffic{Seed: 5, Requests: 40, Endpoints: 5, Clients: 10}.feed(w, cfg)
			return w
		}},
		{name: "metrics", seed: true, build: func(cfg *Config) *Window {
			w := tiny.window(start, cfg)
			addMetrics(w, 9, 5)
			return w
		}},
		{name: "tcp connections", seed: true, build: func(cfg *Config) *Window {
			w := tiny.window(start, cfg)
			for range 7 {
				w.AddTCP()
			}
			return w
		}},
		{name: "status 0", seed: true, build: func(cfg *Config) *Window {
			w := tiny.window(start, cfg)
			for i := range 5 {
				// Three requests logged status 0 (Caddy), two none.
				w.Add(&Line{Rec: &parsers.Record{Status: 0, ZeroStatus: i < 3, Duration: -1}, Endpoint: "GET /", Kind: Ordinary, ID: -1})
			}
			return w
		}},
		{name: "metrics past the value budget", build: func(cfg *Config) *Window {
			w := New(start, cfg)
			addMetrics(w, 10, metricValueBudget+50)
			return w
		}},
		{name: "typical minute", build: typical.builder(start)},
		{name: "µs latency past the exact budget", build: traffic{Seed: 6, Requests: 30_000, AppLines: 100, Endpoints: 200, Clients: 3_000, Users: 100, Micros: true}.builder(start)},
		{name: "every table past its budget", slow: true, build: traffic{
			// Credential stuffing from more clients than keyBudget fills
			// both Clients (4xx) and AuthFailureClients past it.
			Seed: 7, Requests: 40_000, Endpoints: 30_000, Clients: 20_000, Users: 1_000, Micros: true,
			StuffClients: keyBudget + 100,
		}.builder(start)},
	}
}

func (tr traffic) builder(start int64) func(cfg *Config) *Window {
	return func(cfg *Config) *Window { return tr.window(start, cfg) }
}

// addMetrics adds n points to each of a few series, their values drawn
// from seed: memory and cpu of two hosts, a long query with its text, a
// probe with its severity.
func addMetrics(w *Window, seed uint64, n int) {
	rng := rand.New(rand.NewPCG(seed, 0))
	series := []struct{ kind, subject, detail, severity string }{
		{"memory", "web-1", "", ""}, {"memory", "web-2", "", ""}, {"cpu", "web-1", "", ""},
		{"long_query", "db-1 pid 42", "SELECT pg_sleep(600)", ""}, {"endpoint_down", "api", "http://x/api/health", "P1"},
	}
	for i := range n {
		for _, s := range series {
			v := math.Round(rng.Float64()*100000) / 1000
			t := w.Start + int64(i)*int64(time.Second)
			w.AddMetric([]byte(s.kind), []byte(s.subject), t, v, []byte(s.detail), []byte(s.severity))
		}
	}
}
