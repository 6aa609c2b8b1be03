package metricline

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers/metrics"
)

// TestAppend reads lines back with the metrics package's JSON parser, the
// reader they are written for.
func TestAppend(t *testing.T) {
	p, err := metrics.NewJSONParser(metrics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 3, 1, 10, 0, 0, 500, time.FixedZone("CET", 3600))
	f := func(name string, value float64, labels []string, wantLabels []string) {
		t.Helper()
		line := Append(nil, ts, name, value, labels...)
		if line[len(line)-1] != '\n' {
			t.Fatalf("unexpected end of line %q; want a newline", line)
		}
		var s metrics.Sample
		if err := p.Parse(line[:len(line)-1], &s); err != nil {
			t.Fatalf("cannot parse %q: %v", line, err)
		}
		if string(s.Name) != name || s.Time != ts.UnixNano() {
			t.Fatalf("unexpected name/time for %q; got %q/%d; want %q/%d", line, s.Name, s.Time, name, ts.UnixNano())
		}
		if s.Value != value && !(math.IsNaN(value) && math.IsNaN(s.Value)) {
			t.Fatalf("unexpected value for %q; got %v; want %v", line, s.Value, value)
		}
		var got []string
		for _, l := range s.Labels {
			got = append(got, string(l.Name), string(l.Value))
		}
		if diff := cmp.Diff(wantLabels, got); diff != "" {
			t.Fatalf("unexpected labels for %q (-want +got):\n%s", line, diff)
		}
	}
	f("db_connections", 91, []string{"host", "127.0.0.1:5432"}, []string{"host", "127.0.0.1:5432"})
	f("x", 0.001, nil, nil)
	f("x", 1e300, nil, nil)
	f("x", -2.5, nil, nil)
	f("x", math.NaN(), nil, nil)
	f("x", math.Inf(1), nil, nil)
	f("x", math.Inf(-1), nil, nil)
	f("pg_long_query_seconds", 12.25, []string{"pid", "42", "query", "SELECT \"a\\b\"\n\tFROM t\x1b[31m\x00"},
		[]string{"pid", "42", "query", "SELECT \"a\\b\"\n\tFROM t\x1b[31m\x00"})
	f("x", 1, []string{"q", "caf\xc3\xa9 \xff\xfe end"}, []string{"q", "café \uFFFD\uFFFD end"})
}

// TestAppendStringReference checks random strings against encoding/json:
// what a decoder reads back is what encoding/json would have written.
func TestAppendStringReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "\"", "\\", "\n", "\x00", "\x1f", "\x7f", "é", "\xe2\x82", "\xff", "\u2028", "😀", " ", "/", "<"}
	for range 5000 {
		var s string
		for range r.IntN(12) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		var got string
		if err := json.Unmarshal(AppendString(nil, s), &got); err != nil {
			t.Fatalf("cannot decode the string written for %q: %v", s, err)
		}
		ref, _ := json.Marshal(s)
		var want string
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("unexpected string read back for %q; got %q; want %q", s, got, want)
		}
	}
}

func TestAppendOddLabels(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an odd number of label strings")
		}
	}()
	Append(nil, time.Now(), "x", 1, "host")
}

// TestAppendAllocs: appending to a buffer that has grown allocates
// nothing, as the package doc says.
func TestAppendAllocs(t *testing.T) {
	ts := time.Date(2026, 3, 1, 10, 0, 0, 500, time.UTC)
	query := "SELECT pg_sleep(60) -- caf\xc3\xa9 \x1b\xff"
	buf := make([]byte, 0, 1024)
	n := testing.AllocsPerRun(100, func() {
		buf = Append(buf[:0], ts, "pg_long_query_seconds", 12.25, "host", "127.0.0.1:5432", "pid", "4242", "query", query)
	})
	if n != 0 {
		t.Fatalf("unexpected allocations per Append; got %v; want 0", n)
	}
}
