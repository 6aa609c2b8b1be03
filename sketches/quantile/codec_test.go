package quantile

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/sketches/codec/codectest"
)

// observed is everything a caller can learn from a sketch.
type observed struct {
	Exact              bool
	Count              uint64
	Min, Max           int64
	Mean               float64
	Quantiles          []float64
	Values             []int64
	Counts             []uint64
	Budget, BucketBits int
}

func observe(s *Sketch) observed {
	o := observed{Exact: s.Exact(), Count: s.Count(), Min: s.Min(), Max: s.Max(), Mean: s.Mean(),
		Quantiles: s.AppendQuantiles(nil, qs...), Budget: s.budget, BucketBits: s.bucketBits}
	s.Each(func(v int64, n uint64) {
		o.Values = append(o.Values, v)
		o.Counts = append(o.Counts, n)
	})
	return o
}

// mustEncode returns the form of its argument (see [codectest.MustEncode]).
var mustEncode = codectest.MustEncode[*Sketch]

// addRandom adds n values from a fixed seed: an exponential spread of
// microseconds, as request durations.
func addRandom(s *Sketch, seed uint64, n int) *Sketch {
	r := rand.New(rand.NewPCG(seed, 9))
	for range n {
		s.Add(int64(r.ExpFloat64() * 80_000))
	}
	return s
}

func TestCodecRoundTrip(t *testing.T) {
	f := func(name string, s *Sketch) {
		t.Helper()
		enc := mustEncode(t, s)
		d, rest, err := Decode(append(enc, 0xAA))
		if err != nil {
			t.Fatalf("unexpected error decoding %q: %v", name, err)
		}
		if !bytes.Equal(rest, []byte{0xAA}) {
			t.Fatalf("unexpected rest for %q; got %x; want aa", name, rest)
		}
		if diff := cmp.Diff(observe(s), observe(d)); diff != "" {
			t.Fatalf("unexpected decoded sketch for %q; diff (-orig +decoded):\n%s", name, diff)
		}
		if again := mustEncode(t, d); !bytes.Equal(again, enc) {
			t.Fatalf("unexpected re-encoding for %q; got %x; want %x", name, again, enc)
		}
		// Merged into a fresh sketch, then fed on: past any budget.
		into, intoDecoded := New(0), New(0)
		into.Merge(s)
		intoDecoded.Merge(d)
		other := addRandom(New(50), 11, 3000)
		for _, x := range []*Sketch{s, d} {
			x.Merge(other)
			addRandom(x, 12, 6000)
			x.AddN(-5, 3)
		}
		if diff := cmp.Diff(observe(s), observe(d)); diff != "" {
			t.Fatalf("unexpected sketch for %q after more Adds and a Merge; diff (-orig +decoded):\n%s", name, diff)
		}
		if a, b := mustEncode(t, s), mustEncode(t, d); !bytes.Equal(a, b) {
			t.Fatalf("unexpected encoding for %q after more Adds and a Merge; got %x; want %x", name, b, a)
		}
		if diff := cmp.Diff(observe(into), observe(intoDecoded)); diff != "" {
			t.Fatalf("unexpected merge of %q into a fresh sketch; diff (-orig +decoded):\n%s", name, diff)
		}
	}
	f("empty exact", New(0))
	f("empty histogram", NewHistogram(DefaultBucketBits))
	one := New(0)
	one.Add(7)
	f("one value", one)
	extremes := New(0)
	for _, v := range []int64{math.MinInt64, -1, 0, 1, math.MaxInt64, math.MaxInt64 - 1} {
		extremes.Add(v)
	}
	f("int64 extremes", extremes)
	f("exact exponential", addRandom(New(0), 1, 2000))
	f("exact at budget", addRandom(New(1500), 2, 1000))
	f("spilled past budget", addRandom(New(100), 3, 100_000))
	f("histogram", addRandom(NewHistogram(4), 4, 100_000))
	wide := NewHistogram(maxBucketBits)
	wide.Add(math.MaxInt64)
	wide.Add(1 << 62)
	f("finest histogram", wide)
	coarse := addRandom(NewHistogram(2), 5, 1000)
	mixed := addRandom(NewHistogram(7), 6, 1000)
	mixed.Merge(coarse) // coarse buckets land below the finer sketch's min
	f("mixed resolutions", mixed)
	reset := addRandom(New(100), 7, 10_000)
	reset.Reset()
	reset.Add(42)
	f("reset after spilling", reset)
}

// TestCodecOrderIndependent checks that the form depends on the values
// only, not on the order of Adds.
func TestCodecOrderIndependent(t *testing.T) {
	a, b := New(0), New(0)
	for v := range int64(1000) {
		a.Add(v * 7 % 1000)
		b.Add(999 - v)
	}
	if ea, eb := mustEncode(t, a), mustEncode(t, b); !bytes.Equal(ea, eb) {
		t.Errorf("unexpected order dependence; got %x and %x", ea, eb)
	}
}

// TestDecodeStream checks that sketches appended one after another decode
// one at a time.
func TestDecodeStream(t *testing.T) {
	parts := []*Sketch{addRandom(New(0), 1, 100), addRandom(New(10), 2, 1000), New(0)}
	var buf []byte
	for _, p := range parts {
		buf = append(buf, mustEncode(t, p)...)
	}
	for i, p := range parts {
		s, rest, err := Decode(buf)
		if err != nil {
			t.Fatalf("unexpected error decoding part %d: %v", i, err)
		}
		if diff := cmp.Diff(observe(p), observe(s)); diff != "" {
			t.Fatalf("unexpected part %d; diff (-orig +decoded):\n%s", i, diff)
		}
		buf = rest
	}
	if len(buf) != 0 {
		t.Errorf("unexpected rest after the last part; got %d bytes", len(buf))
	}
}

// enc builds a binary form by hand (see [codectest.Form]).
var enc = codectest.Form

func TestDecodeFailure(t *testing.T) {
	f := func(name string, data []byte, want string) {
		t.Helper()
		s, _, err := Decode(data)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("unexpected error for %q; got %v; want one containing %q", name, err, want)
		}
		if s != nil {
			t.Errorf("unexpected sketch for %q with an error", name)
		}
	}
	const v, ex, hi = byte(codecVersion), byte(modeExact), byte(modeHistogram)
	f("empty", nil, "quantile sketch: truncated at byte 0 reading version")
	f("version", []byte{7}, "unknown version 7")
	f("mode", enc(v, byte(2)), "corrupt mode 2 at byte 1")
	f("no budget", enc(v, ex), "truncated at byte 2 reading budget")
	f("exact budget 0", enc(v, ex, uint64(0), uint64(7), 0.0, uint64(0)), "corrupt budget 0 at byte 2")
	f("bucket bits", enc(v, hi, uint64(0), uint64(62), int64(0), int64(0), 0.0, uint64(0)), "corrupt bucket bits 62 at byte 3")
	f("overlong varint", enc(v, ex, []byte{0x80, 0x00}), "corrupt varint at byte 2 reading budget")
	f("varint overflow", enc(v, ex, bytes.Repeat([]byte{0xff}, 11)), "corrupt varint at byte 2")
	f("short sum", enc(v, ex, uint64(10), uint64(7), []byte{1, 2, 3}), "truncated at byte 4 reading sum")
	f("entry count", enc(v, ex, uint64(10), uint64(7), 0.0, uint64(3), int64(5), uint64(1)), "truncated at byte 12: 3 entries need at least 2 bytes each, 2 left")
	f("huge entry count", enc(v, ex, uint64(10), uint64(7), 0.0, uint64(math.MaxUint64)), "18446744073709551615 entries")
	f("over budget", enc(v, ex, uint64(1), uint64(7), 0.0, uint64(2), int64(5), uint64(1), uint64(1), uint64(1)), "2 entries over its budget of 1")
	f("repeated value", enc(v, ex, uint64(10), uint64(7), 0.0, uint64(2), int64(5), uint64(1), uint64(0), uint64(1)), "corrupt value gap 0 at byte 15")
	f("gap past int64", enc(v, ex, uint64(10), uint64(7), 0.0, uint64(2), int64(math.MaxInt64-1), uint64(1), uint64(2), uint64(1)), "values must ascend within int64")
	f("count 0", enc(v, ex, uint64(10), uint64(7), 0.0, uint64(1), int64(5), uint64(0)), "corrupt count 0 of entry 0")
	f("truncated entry", enc(v, ex, uint64(10), uint64(7), 0.0, uint64(1), int64(5000)), "truncated at byte 15 reading count")
	f("unaligned bucket", enc(v, hi, uint64(0), uint64(1), int64(4), int64(5), 0.0, uint64(1), int64(5), uint64(1)), "5 is not a bucket's lowest value")
	f("min below buckets", enc(v, hi, uint64(0), uint64(1), int64(3), int64(4), 0.0, uint64(1), int64(4), uint64(1)), "min 3 and max 4 do not hold its buckets 4 to 4")
	f("empty with a max", enc(v, hi, uint64(0), uint64(1), int64(0), int64(9), 0.0, uint64(0)), "corrupt empty sketch: min 0 and max 9")
}

// TestDecodeTruncated checks that every proper prefix of a valid form is
// rejected as truncated.
func TestDecodeTruncated(t *testing.T) {
	decode := func(b []byte) error { _, _, err := Decode(b); return err }
	codectest.CheckTruncated(t, "an exact sketch", mustEncode(t, addRandom(New(0), 1, 300)), decode)
	codectest.CheckTruncated(t, "a sketch past its exact budget", mustEncode(t, addRandom(New(20), 2, 300)), decode)
}

func TestAppendBinaryFailure(t *testing.T) {
	f := func(name string, s *Sketch, want string) {
		t.Helper()
		dst := []byte("keep")
		got, err := s.AppendBinary(dst)
		if err == nil || !strings.Contains(err.Error(), want) || string(got) != "keep" {
			t.Errorf("unexpected result for %q; got %q, %v; want dst and an error containing %q", name, got, err, want)
		}
	}
	f("nil", nil, "cannot encode a nil Sketch")
	f("zero", &Sketch{}, "not made by New")
	f("bucket bits", NewHistogram(62), "cannot encode bucket bits 62")
	f("negative bucket bits", NewHistogram(-1), "cannot encode bucket bits -1")
}

// FuzzDecode checks that Decode never panics, that what it accepts
// encodes back to the bytes it read, and that an accepted sketch answers
// queries, takes Adds and merges. Seeds: forms of sketches in each mode.
func FuzzDecode(f *testing.F) {
	for _, s := range []*Sketch{New(0), addRandom(New(0), 1, 50), addRandom(New(8), 2, 200), addRandom(NewHistogram(3), 3, 200)} {
		f.Add(mustEncode(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, rest, err := Decode(data)
		if err != nil {
			return
		}
		read := data[:len(data)-len(rest)]
		if again := mustEncode(t, s); !bytes.Equal(again, read) {
			t.Fatalf("unexpected re-encoding; got %x; want %x", again, read)
		}
		s.AppendQuantiles(nil, qs...)
		into := New(4)
		into.Merge(s)
		s.Add(12345)
		s.Merge(into)
		s.AppendQuantiles(nil, qs...)
	})
}
