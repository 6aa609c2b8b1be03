package window

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/endpoint"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the seed corpus in testdata/fuzz/FuzzDecode")

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

// sketchView is what a caller can learn from a quantile sketch.
type sketchView struct {
	Exact     bool
	Count     uint64
	Min, Max  int64
	Mean      float64
	Quantiles []float64
	Each      [][2]uint64
}

// closedOptions compares Closed windows by what their sketches answer.
var closedOptions = cmp.Options{cmp.Transformer("sketch", func(s *quantile.Sketch) sketchView {
	v := sketchView{Exact: s.Exact(), Count: s.Count(), Min: s.Min(), Max: s.Max(), Mean: s.Mean(),
		Quantiles: s.AppendQuantiles(nil, 0, 0.01, 0.5, 0.9, 0.99, 0.999, 1)}
	s.Each(func(x int64, n uint64) { v.Each = append(v.Each, [2]uint64{uint64(x), n}) })
	return v
})}

func mustEncode(t testing.TB, w *Window) []byte {
	t.Helper()
	b, err := w.AppendBinary(nil)
	if err != nil {
		t.Fatalf("unexpected error encoding: %v", err)
	}
	return b
}

func mustDecode(t testing.TB, b []byte, cfg *Config) *Window {
	t.Helper()
	w, err := Decode(b, cfg)
	if err != nil {
		t.Fatalf("unexpected error decoding: %v", err)
	}
	return w
}

func TestCodecRoundTrip(t *testing.T) {
	cfg := Config{}.WithDefaults()
	more := traffic{Seed: 100, Requests: 3_000, AppLines: 50, Endpoints: 350, Clients: 1_500, Users: 100, Micros: true, ScanClients: 300}
	for _, c := range windowCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.slow && testing.Short() {
				t.Skip("slow: 100k lines a window")
			}
			enc := mustEncode(t, c.build(&cfg))
			if again := mustEncode(t, c.build(&cfg)); !bytes.Equal(again, enc) {
				t.Fatalf("unexpected encoding of the same window built again")
			}
			d := mustDecode(t, enc, &cfg)
			if again := mustEncode(t, d); !bytes.Equal(again, enc) {
				t.Fatalf("unexpected re-encoding of the decoded window")
			}
			if diff := cmp.Diff(c.build(&cfg).Close(), d.Close(), closedOptions); diff != "" {
				t.Fatalf("unexpected Close of the decoded window; diff (-orig +decoded):\n%s", diff)
			}
			// Counted on, then merged with another window (itself decoded
			// on the decoded side) whose µs durations spill the latency
			// sketch of most cases: the same as the original.
			orig, d := c.build(&cfg), mustDecode(t, enc, &cfg)
			other := func() *Window {
				return traffic{Seed: 101, Requests: 3_000, Endpoints: 30, Clients: 500, Micros: true}.window(orig.Start, &cfg)
			}
			more.feed(orig, &cfg)
			more.feed(d, &cfg)
			orig.Merge(other())
			d.Merge(mustDecode(t, mustEncode(t, other()), &cfg))
			if orig.Folded != d.Folded && c.build(&cfg).Folded > 0 {
				// A key folded before the encoding counts again at its
				// first line after: the original counted it once through
				// its id cache, which is not stored (see Decode).
				if d.Folded < orig.Folded {
					t.Fatalf("unexpected Folded after more Adds; got %d; want at least %d", d.Folded, orig.Folded)
				}
				d.Folded = orig.Folded
			}
			if a, b := mustEncode(t, orig), mustEncode(t, d); !bytes.Equal(a, b) {
				t.Fatalf("unexpected state after more Adds and a Merge; got %d bytes; want %d", len(b), len(a))
			}
			if diff := cmp.Diff(orig.Close(), d.Close(), closedOptions); diff != "" {
				t.Fatalf("unexpected Close after more Adds and a Merge; diff (-orig +decoded):\n%s", diff)
			}
			// Merged into a fresh window.
			into, intoDecoded := other(), other()
			into.Merge(c.build(&cfg))
			intoDecoded.Merge(mustDecode(t, enc, &cfg))
			if diff := cmp.Diff(into.Close(), intoDecoded.Close(), closedOptions); diff != "" {
				t.Fatalf("unexpected Close of a merge into another window; diff (-orig +decoded):\n%s", diff)
			}
		})
	}
}

// TestCodecCoversModes checks that the cases cover what they claim: a
// spilled latency sketch, bounded tables, folded endpoints.
func TestCodecCoversModes(t *testing.T) {
	cfg := Config{}.WithDefaults()
	for _, c := range windowCases() {
		if c.slow && testing.Short() {
			continue
		}
		w := c.build(&cfg)
		bounded := 0
		for _, tk := range w.tables() {
			if !(*tk).Exact() {
				bounded++
			}
		}
		kinds := map[EndpointKind]int{}
		for _, e := range w.Endpoints {
			kinds[e.Kind]++
		}
		got := fmt.Sprintf("latency exact %v, %d bounded tables, folded %v, %d kinds", w.Latency.Exact(), bounded, w.Folded > 0, len(kinds))
		want := map[string]string{
			"small":                            "latency exact true, 0 bounded tables, folded false, 4 kinds",
			"tiny bounded tables":              "latency exact false, 4 bounded tables, folded false, 4 kinds",
			"small bounded tables":             "latency exact false, 3 bounded tables, folded false, 4 kinds",
			"µs latency past the exact budget": "latency exact false, 0 bounded tables, folded false, 4 kinds",
			"every table past its budget":      "latency exact false, 2 bounded tables, folded true, 4 kinds",
		}[c.name]
		if want != "" && got != want {
			t.Errorf("unexpected modes for %q; got %s; want %s", c.name, got, want)
		}
	}
}

// TestCountFields checks that countFields and endpointFields reach every
// tally, each once: a field added to Counts or EndpointCounts must be
// added to the binary form (and its version bumped).
func TestCountFields(t *testing.T) {
	var c Counts
	for i, p := range countFields(&c) {
		*p = uint64(i + 1)
	}
	seen := map[uint64]bool{}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Uint64:
			if n := v.Uint(); n == 0 || seen[n] {
				t.Errorf("unexpected countFields: Counts%s reached %d times", path, map[bool]int{true: 2, false: 0}[n != 0])
			}
			seen[v.Uint()] = true
		default:
			t.Errorf("unexpected field Counts%s of kind %s", path, v.Kind())
		}
	}
	walk(reflect.ValueOf(c), "")
	var e EndpointCounts
	for i, p := range endpointFields(&e) {
		*p = uint64(i + 1)
	}
	want := EndpointCounts{1, 2, 3, 4, 5, 6, 0}
	if e != want || reflect.TypeFor[EndpointCounts]().NumField() != len(endpointFields(&e))+1 {
		t.Errorf("unexpected endpointFields; got %+v; want %+v and Kind", e, want)
	}
}

// TestWindowFields lists Window's fields: one added must be added to the
// binary form, or here with the reason it need not be.
func TestWindowFields(t *testing.T) {
	var got []string
	for f := range reflect.TypeFor[Window]().Fields() {
		got = append(got, f.Name)
	}
	want := []string{
		"Start", "Counts", "codes", "Latency", "Endpoints",
		"Clients", "AuthFailureClients", "ExportUsers", "ExportClients", "Folded",
		"cfg",                     // given to Decode
		"byID",                    // a cache of the caller's ids: a restored window has a new caller
		"slabs", "slabAt", "used", // memory layout
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unexpected Window fields; diff (-want +got):\n%s", diff)
	}
}

// enc builds a binary form by hand: a byte as itself, a uint64 as a
// varint, an int64 as a zigzag varint, a string or []byte as is.
func enc(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch p := p.(type) {
		case byte:
			b = append(b, p)
		case uint64:
			b = binary.AppendUvarint(b, p)
		case int64:
			b = binary.AppendVarint(b, p)
		case string:
			b = append(b, p...)
		case []byte:
			b = append(b, p...)
		default:
			panic(fmt.Sprintf("BUG: enc of %T", p))
		}
	}
	return b
}

func TestDecodeFailure(t *testing.T) {
	cfg := Config{}.WithDefaults()
	f := func(name string, data []byte, want string) {
		t.Helper()
		w, err := Decode(data, &cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("unexpected error for %q; got %v; want one containing %q", name, err, want)
		}
		if w != nil {
			t.Errorf("unexpected window for %q with an error", name)
		}
	}
	const v = byte(codecVersion)
	zero, one := uint64(0), uint64(1)
	// An empty window at 0: the version, start, class counts, tallies and
	// Folded (1+1+2+numCountFields+1 bytes), then codes and endpoints.
	head := enc(v, int64(0), uint64(NumStatusClasses), uint64(NumUAClasses), make([]byte, numCountFields+1))
	h := len(head)
	tail := mustEncode(t, New(0, &cfg))[h+2:] // the sketches
	f("empty", nil, "window state: truncated at byte 0 reading version")
	f("version", []byte{7}, "window state: unknown version 7")
	f("no start", []byte{v}, "window state: truncated at byte 1 reading start")
	f("classes", enc(v, int64(0), uint64(NumStatusClasses), uint64(NumUAClasses+1)), fmt.Sprintf("cannot decode at byte 2: 10 status and %d user-agent classes, want 10 and %d", NumUAClasses+1, NumUAClasses))
	f("tallies", head[:10], "window state: truncated at byte 10 reading tallies")
	f("overlong varint", enc(head[:5], []byte{0x80, 0x80, 0x00}), "corrupt varint at byte 5 reading tallies")
	f("codes count", enc(head, uint64(3), uint64(200), one), fmt.Sprintf("truncated at byte %d: 3 status codes need at least 2 bytes each, 3 left", h))
	f("code out of range", enc(head, one, uint64(1000), one), "corrupt status code 1000 with count 1")
	f("code count 0", enc(head, one, uint64(200), zero), "corrupt status code 200 with count 0")
	f("codes order", enc(head, uint64(2), uint64(404), one, uint64(200), one, zero, tail), fmt.Sprintf("corrupt status code 200 with count 1 at byte %d", h+4))
	f("repeated code", enc(head, uint64(2), uint64(200), one, uint64(200), one, zero, tail), "corrupt status code 200")
	f("endpoints count", enc(head, zero, uint64(1<<40)), "1099511627776 endpoints need at least 8 bytes each")
	f("endpoint key", enc(head, zero, one, uint64(50), make([]byte, 7), "GET /"), fmt.Sprintf("truncated at byte %d: endpoint key 0 of 50 bytes, 12 left", h+2))
	f("endpoint keys", enc(head, zero, uint64(2), uint64(5), make([]byte, 7), uint64(5), make([]byte, 7), "GET /x"), fmt.Sprintf("truncated at byte %d: endpoint keys of 10 bytes, 6 left", h+18))
	f("endpoints order", enc(head, zero, uint64(2), uint64(2), make([]byte, 7), uint64(1), make([]byte, 7), "bca", tail), fmt.Sprintf("corrupt endpoint keys at byte %d: %q after %q, want ascending", h+18, "a", "bc"))
	f("repeated endpoint", enc(head, zero, uint64(2), uint64(1), make([]byte, 7), uint64(1), make([]byte, 7), "aa", tail), `"a" after "a"`)
	f("latency", enc(head, zero, zero, byte(9)), fmt.Sprintf("cannot decode latency at byte %d: quantile sketch: unknown version 9", h+2))
	f("latency truncated", enc(head, zero, zero, tail[:5]), fmt.Sprintf("cannot decode latency at byte %d: quantile sketch: truncated at byte 5", h+2))
	lat := tail[:len(tail)-4*len(mustTopK(t))]
	f("clients", enc(head, zero, zero, lat, byte(3)), fmt.Sprintf("cannot decode clients at byte %d: topk: unknown version 3", h+2+len(lat)))
	f("export clients", enc(head, zero, zero, lat, mustTopK(t), mustTopK(t), mustTopK(t)), fmt.Sprintf("cannot decode export clients at byte %d: topk: truncated at byte 0 reading version", h+2+len(lat)+3*len(mustTopK(t))))
	f("trailing bytes", enc(head, zero, zero, tail, "xy"), fmt.Sprintf("window state: 2 bytes after the end at byte %d", h+2+len(tail)))
	if w, err := Decode(enc(head, zero, zero, tail), nil); w != nil || err == nil || !strings.Contains(err.Error(), "without a Config") {
		t.Errorf("unexpected result without a Config; got %v, %v", w, err)
	}
	if _, err := Decode(enc(head, zero, zero, tail), &cfg); err != nil {
		t.Errorf("unexpected error for the hand-made empty window: %v", err)
	}
}

// mustTopK returns the form of an empty table of a new window.
func mustTopK(t *testing.T) []byte {
	b, err := topk.NewExactFirst(keyBudget, keyCapacity).AppendBinary(nil)
	if err != nil {
		t.Fatalf("unexpected error encoding a TopK: %v", err)
	}
	return b
}

// TestDecodeDamaged cuts and alters a real form byte by byte: every
// proper prefix is truncated, and every altered form either fails or is
// canonical (encodes back to itself).
func TestDecodeDamaged(t *testing.T) {
	cfg := Config{}.WithDefaults()
	for _, c := range windowCases() {
		if c.name != "small" && c.name != "tiny bounded tables" {
			continue
		}
		b := mustEncode(t, c.build(&cfg))
		for n := range len(b) {
			if _, err := Decode(b[:n], &cfg); err == nil || !strings.Contains(err.Error(), "truncated at byte") {
				t.Fatalf("unexpected error for %q cut to %d of %d bytes; got %v; want truncated", c.name, n, len(b), err)
			}
		}
		for i := range b {
			for _, delta := range []byte{1, 0x80, 0xff} {
				damaged := bytes.Clone(b)
				damaged[i] += delta
				if w, err := Decode(damaged, &cfg); err == nil {
					if again := mustEncode(t, w); !bytes.Equal(again, damaged) {
						t.Fatalf("unexpected re-encoding of %q with byte %d plus %d", c.name, i, delta)
					}
				}
			}
		}
	}
}

// FuzzDecode checks that Decode never panics, that what it accepts encodes
// back to the same bytes, and that an accepted window can be counted into,
// merged and closed. Seeds: the real forms in testdata/fuzz/FuzzDecode,
// written by TestSeedCorpus.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{codecVersion})
	cfg := Config{}.WithDefaults()
	rec := &parsers.Record{Status: 503, Duration: 2_500_000, Client: []byte("10.1.2.3"), User: []byte("u1")}
	line := &Line{Rec: rec, Endpoint: "GET /reports/export", Kind: Export, ID: 3, UAClass: useragent.Bot}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Decode(data, &cfg)
		if err != nil {
			if w != nil {
				t.Fatalf("unexpected window with error %v", err)
			}
			return
		}
		again, err := w.AppendBinary(nil)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("unexpected re-encoding; got %x, %v; want %x", again, err, data)
		}
		w.Add(line)
		w.AddApp(true)
		into := New(w.Start, &cfg)
		into.Add(line)
		into.Merge(w)
		into.Close()
	})
}

// TestSeedCorpus checks the seed corpus of FuzzDecode: each file holds
// the form of one window case that version codecVersion wrote, which must
// still decode and encode back to itself. A failure on a file that no
// longer matches its case means the cases or the counting changed
// (rewrite with -rewrite and review the diff) or the form did (then bump
// codecVersion, and keep decoding the old one if stored windows must
// survive the upgrade).
func TestSeedCorpus(t *testing.T) {
	cfg := Config{}.WithDefaults()
	for _, c := range windowCases() {
		if !c.seed {
			continue
		}
		path := filepath.Join("testdata", "fuzz", "FuzzDecode", strings.ReplaceAll(strings.ReplaceAll(c.name, " ", "_"), "µ", "u"))
		want := mustEncode(t, c.build(&cfg))
		if *rewrite {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, fmt.Appendf(nil, "go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(want))), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got := readSeed(t, path)
		if _, err := Decode(got, &cfg); err != nil {
			t.Errorf("unexpected error decoding %s: %v", path, err)
		} else if again := mustEncode(t, mustDecode(t, got, &cfg)); !bytes.Equal(again, got) {
			t.Errorf("unexpected re-encoding of %s", path)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("unexpected form of case %q: %s differs (see TestSeedCorpus)", c.name, path)
		}
	}
}

// readSeed reads the []byte value of a fuzz corpus file.
func readSeed(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read seed: %v (regenerate with -rewrite)", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	lit, ok := strings.CutPrefix(lines[len(lines)-1], "[]byte(")
	s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
	if len(lines) != 2 || lines[0] != "go test fuzz v1" || !ok || err != nil {
		t.Fatalf("cannot parse seed %s: %v", path, err)
	}
	return []byte(s)
}

// TestEncodedSize logs the size of each case's form, and checks that a
// typical minute stays compact: under 8 bytes a request.
func TestEncodedSize(t *testing.T) {
	cfg := Config{}.WithDefaults()
	for _, c := range windowCases() {
		if c.slow && testing.Short() {
			continue
		}
		w := c.build(&cfg)
		n := len(mustEncode(t, w))
		t.Logf("%-34s %8d bytes, %6d requests, %5d endpoints, %5d clients", c.name, n, w.Requests, len(w.Endpoints), w.Clients.Len())
		if c.name == "typical minute" && float64(n) > 8*float64(w.Requests) {
			t.Errorf("unexpected size of a typical minute; got %d bytes for %d requests; want under 8 a request", n, w.Requests)
		}
	}
}
