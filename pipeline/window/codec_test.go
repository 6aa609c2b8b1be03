package window

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/sketches/codec/codectest"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the seed corpus in testdata/fuzz/FuzzDecode")

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

// mustEncode returns the form of its argument (see [codectest.MustEncode]).
var mustEncode = codectest.MustEncode[*Window]

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
		"Metrics", "MetricsDropped",
		"cfg",                     // given to Decode
		"byID",                    // a cache of the caller's ids: a restored window has a new caller
		"slabs", "slabAt", "used", // memory layout
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unexpected Window fields; diff (-want +got):\n%s", diff)
	}
}

// enc builds a binary form by hand (see [codectest.Form]).
var enc = codectest.Form

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
	lat := tail[:len(tail)-2-4*len(mustTopK(t))]
	f("clients", enc(head, zero, zero, lat, byte(3)), fmt.Sprintf("cannot decode clients at byte %d: topk: unknown version 3", h+2+len(lat)))
	f("export clients", enc(head, zero, zero, lat, mustTopK(t), mustTopK(t), mustTopK(t)), fmt.Sprintf("cannot decode export clients at byte %d: topk: truncated at byte 0 reading version", h+2+len(lat)+3*len(mustTopK(t))))
	f("trailing bytes", enc(head, zero, zero, tail, "xy"), fmt.Sprintf("window state: 2 bytes after the end at byte %d", h+2+len(tail)))
	// Metrics: after the tables, dropped points and the series.
	tables := tail[:len(tail)-2]
	m := func(args ...any) []byte { return enc(append([]any{head, zero, zero, tables, zero}, args...)...) }
	at := h + 2 + len(tables) + 1
	val := codectest.MustEncode(t, func() *quantile.Sketch { s := quantile.New(4); s.Add(87500); return s }())
	empty := codectest.MustEncode(t, quantile.New(4))
	f("metric series count", m(uint64(1<<30)), "metric series need at least 5 bytes each")
	f("metric kind", m(one, uint64(20), "memory"), fmt.Sprintf("truncated at byte %d: metric kind of 20 bytes, 6 left", at+1))
	f("metric detail", m(one, uint64(1), "m", uint64(1), "h", int64(5), uint64(4), "ab"), "metric detail of 4 bytes, 2 left")
	f("metric order", m(uint64(2), uint64(1), "m", uint64(1), "h", int64(5), zero, zero, val, uint64(1), "m", uint64(1), "a", int64(5), zero, zero, val), `corrupt metric series at byte`)
	f("metric values", m(one, uint64(1), "m", uint64(1), "h", int64(5), zero, zero, byte(9)), "cannot decode metric m \"h\"")
	f("metric no values", m(one, uint64(1), "m", uint64(1), "h", int64(5), zero, zero, empty), `corrupt metric m "h"`)
	if _, err := Decode(m(one, uint64(1), "m", uint64(1), "h", int64(5), zero, zero, val), &cfg); err != nil {
		t.Errorf("unexpected error for a hand-made window with a metric: %v", err)
	}
	if w, err := Decode(enc(head, zero, zero, tail), nil); w != nil || err == nil || !strings.Contains(err.Error(), "without a Config") {
		t.Errorf("unexpected result without a Config; got %v, %v", w, err)
	}
	if _, err := Decode(enc(head, zero, zero, tail), &cfg); err != nil {
		t.Errorf("unexpected error for the hand-made empty window: %v", err)
	}
}

// mustTopK returns the form of an empty table of a new window.
func mustTopK(t *testing.T) []byte {
	t.Helper()
	return codectest.MustEncode(t, topk.NewExactFirst(keyBudget, keyCapacity))
}

// TestDecodeDamaged cuts and alters a real form byte by byte: every
// proper prefix is truncated, and every altered form either fails or is
// canonical (encodes back to itself).
func TestDecodeDamaged(t *testing.T) {
	cfg := Config{}.WithDefaults()
	for _, c := range windowCases() {
		if c.name != "small" && c.name != "tiny bounded tables" && c.name != "metrics" && c.name != "tcp connections" && c.name != "status 0" {
			continue
		}
		b := mustEncode(t, c.build(&cfg))
		codectest.CheckTruncated(t, strconv.Quote(c.name), b, func(cut []byte) error { _, err := Decode(cut, &cfg); return err })
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
		if err != nil || !bytes.Equal(again, upgraded(data)) {
			t.Fatalf("unexpected re-encoding; got %x, %v; want %x", again, err, upgraded(data))
		}
		w.Add(line)
		w.AddApp(true)
		w.AddTCP()
		into := New(w.Start, &cfg)
		into.Add(line)
		into.Merge(w)
		into.Close()
	})
}

// upgraded returns the current form of a form Decode accepted: a version
// 2 form is version 3's without the TCP tally (0, the last tally), and a
// version 1 form version 2's without the metrics (no points dropped, no
// series).
func upgraded(data []byte) []byte {
	if data[0] == codecVersion {
		return data
	}
	// The tallies end after the version, the start, the two class counts
	// and all but the last two of countFields (TCP and ZeroStatus).
	at := 1
	for i := range 3 + numCountFields - 2 {
		_, n := binary.Uvarint(data[at:])
		if n <= 0 {
			panic(fmt.Sprintf("BUG: upgraded: no varint %d at byte %d of an accepted form", i, at))
		}
		at += n
	}
	out := append(append(append([]byte{codecVersion}, data[1:at]...), 0, 0), data[at:]...)
	if data[0] == codecVersionNoMetrics {
		out = append(out, 0, 0)
	}
	return out
}

// TestDecodeOldVersions decodes the forms versions 1 and 2 wrote of the
// seed cases (testdata/fuzz/FuzzDecode/v1_* and v2_*, kept as they
// were): the same windows, without TCP connections or status 0 (and, from version 1,
// without metrics), encoding as version 3.
func TestDecodeOldVersions(t *testing.T) {
	cfg := Config{}.WithDefaults()
	f := func(version byte, want int) {
		t.Helper()
		n := 0
		for _, c := range windowCases() {
			path := filepath.Join("testdata", "fuzz", "FuzzDecode", fmt.Sprintf("v%d_%s", version, strings.ReplaceAll(c.name, " ", "_")))
			if _, err := os.Stat(path); err != nil {
				continue
			}
			n++
			old := readSeed(t, path)
			if old[0] != version {
				t.Fatalf("unexpected version %d of %s; want %d", old[0], path, version)
			}
			w := mustDecode(t, old, &cfg)
			if got, want := mustEncode(t, w), mustEncode(t, c.build(&cfg)); !bytes.Equal(got, want) || !bytes.Equal(got, upgraded(old)) {
				t.Errorf("unexpected version %d form of %s; got %x; want %x", codecVersion, path, got, want)
			}
			if w.TCP != 0 || w.ZeroStatus != 0 || (version == codecVersionNoMetrics && (len(w.Metrics) != 0 || w.MetricsDropped != 0)) {
				t.Errorf("unexpected TCP connections or metrics in %s", path)
			}
		}
		if n != want {
			t.Fatalf("unexpected number of version %d forms; got %d; want %d", version, n, want)
		}
	}
	f(codecVersionNoMetrics, 6)
	f(codecVersionNoTCP, 7)
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
