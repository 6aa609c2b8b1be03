package topk

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-ops/vigil/sketches/codec/codectest"
)

// sameState compares every field of two TopKs, heap layout included: the
// state that decides later evictions.
var sameState = []cmp.Option{cmp.AllowUnexported(TopK{}, minHeap{}), cmpopts.EquateEmpty()}

// mustEncode returns the form of its argument (see [codectest.MustEncode]).
var mustEncode = codectest.MustEncode[*TopK]

func fed(tk *TopK, keys [][]byte, weightOf func(int) uint64) *TopK {
	for i, k := range keys {
		tk.Add(k, weightOf(i))
	}
	return tk
}

func TestCodecRoundTrip(t *testing.T) {
	more := zipfKeys(21, 20_000, 1.05, 30_000)
	other := fed(New(64), zipfKeys(22, 10_000, 1.1, 30_000), one)
	f := func(name string, tk *TopK) {
		t.Helper()
		enc := mustEncode(t, tk)
		d, rest, err := Decode(append(enc, 0xAA))
		if err != nil {
			t.Fatalf("unexpected error decoding %q: %v", name, err)
		}
		if !bytes.Equal(rest, []byte{0xAA}) {
			t.Fatalf("unexpected rest for %q; got %x; want aa", name, rest)
		}
		if diff := cmp.Diff(tk, d, sameState...); diff != "" {
			t.Fatalf("unexpected decoded TopK for %q; diff (-orig +decoded):\n%s", name, diff)
		}
		if again := mustEncode(t, d); !bytes.Equal(again, enc) {
			t.Fatalf("unexpected re-encoding for %q", name)
		}
		// Merged into fresh TopKs both ways, then fed on: new keys evict
		// counters with tied counts, which the heap layout decides.
		into, intoDecoded := New(64), New(64)
		into.Merge(tk)
		intoDecoded.Merge(d)
		steps := []struct {
			what string
			do   func(x *TopK)
		}{
			{"more Adds", func(x *TopK) { fed(x, more[:10_000], one) }},
			{"a Merge", func(x *TopK) { x.Merge(other) }},
			{"weighted Adds", func(x *TopK) { fed(x, more[10_000:], bytesWeight) }},
		}
		for _, step := range steps {
			step.do(tk)
			step.do(d)
			if got, want := d.AppendTop(nil, -1), tk.AppendTop(nil, -1); !cmp.Equal(got, want, equateEmpty) {
				t.Fatalf("unexpected AppendTop for %q after %s; diff (-got +want):\n%s", name, step.what, cmp.Diff(got, want, equateEmpty))
			}
			if diff := cmp.Diff(tk, d, sameState...); diff != "" {
				t.Fatalf("unexpected state for %q after %s; diff (-orig +decoded):\n%s", name, step.what, diff)
			}
		}
		if diff := cmp.Diff(into, intoDecoded, sameState...); diff != "" {
			t.Fatalf("unexpected merge of %q into a fresh TopK; diff (-orig +decoded):\n%s", name, diff)
		}
	}
	keys := zipfKeys(1, 20_000, 1.1, 5_000)
	f("empty exact", New(0))
	f("empty bounded", New(64))
	f("exact", fed(New(0), keys, one))
	f("bounded, not full", fed(New(64), keys[:40], one))
	f("bounded with evictions", fed(New(64), keys, one))
	f("bounded by bytes", fed(New(64), keys, bytesWeight))
	f("exact-first within budget", fed(NewExactFirst(10_000, 64), keys, one))
	f("exact-first past budget", fed(NewExactFirst(500, 64), keys, one))
	f("merged parts", summarize(keys, one, 64, 4))
	lossy := fed(New(0), keys[:100], one)
	lossy.Merge(fed(New(16), keys[100:5000], one))
	f("exact with a bounded part", lossy)
	odd := New(0)
	for _, k := range []string{"", "\x00", "\xff\xfe", strings.Repeat("long/", 200), "日本"} {
		odd.Add([]byte(k), 3)
	}
	f("odd keys", odd)
	reset := fed(NewExactFirst(100, 16), keys, one)
	reset.Reset()
	reset.Add([]byte("10.0.0.1"), 1)
	f("reset past budget", reset)
}

// TestCodecDeterministic checks that the same sequence of Adds gives the
// same bytes, whatever the maps' iteration order.
func TestCodecDeterministic(t *testing.T) {
	keys := zipfKeys(3, 5_000, 1.1, 2_000)
	a, b := mustEncode(t, fed(New(32), keys, one)), mustEncode(t, fed(New(32), keys, one))
	if !bytes.Equal(a, b) {
		t.Errorf("unexpected difference between encodings of the same stream")
	}
}

// TestDecodeCopies checks that a decoded TopK does not alias its input.
func TestDecodeCopies(t *testing.T) {
	b := mustEncode(t, fed(New(0), zipfKeys(4, 100, 1.1, 50), one))
	d, _, err := Decode(b)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	want := d.AppendTop(nil, -1)
	clear(b)
	if got := d.AppendTop(nil, -1); !cmp.Equal(got, want) {
		t.Errorf("unexpected change after clearing the input; diff (-got +want):\n%s", cmp.Diff(got, want))
	}
}

// enc builds a binary form by hand (see [codectest.Form]).
var enc = codectest.Form

func TestDecodeFailure(t *testing.T) {
	f := func(name string, data []byte, want string) {
		t.Helper()
		tk, _, err := Decode(data)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("unexpected error for %q; got %v; want one containing %q", name, err, want)
		}
		if tk != nil {
			t.Errorf("unexpected TopK for %q with an error", name)
		}
	}
	const v = byte(codecVersion)
	var zero, one, two, three = uint64(0), uint64(1), uint64(2), uint64(3)
	// header: capacity 2, no budget, not lossy, total 5.
	bounded := enc(v, two, zero, zero, byte(0), uint64(5))
	exact := enc(v, zero, zero, zero, byte(0), uint64(5))
	f("empty", nil, "topk: truncated at byte 0 reading version")
	f("version", []byte{2}, "topk: unknown version 2")
	f("capacity", enc(v, uint64(math.MaxInt32+1)), "corrupt capacity 2147483648 at byte 1")
	f("bound", enc(v, zero, zero, uint64(1<<40)), "corrupt bound 1099511627776 at byte 3")
	f("overlong varint", enc(v, []byte{0x81, 0x00}), "corrupt varint at byte 1 reading capacity")
	f("lossy flag", enc(v, zero, zero, zero, byte(2)), "corrupt lossy flag 2 at byte 4")
	f("no total", enc(v, zero, zero, zero, byte(1)), "truncated at byte 5 reading total")
	f("huge counter count", enc(exact, uint64(math.MaxUint64)), "18446744073709551615 counters need at least 3 bytes each")
	f("over capacity", enc(bounded, three, one, one, zero, one, one, zero, one, one, zero, "abc", zero, one, two), "3 counters over its capacity of 2")
	f("count 0", enc(exact, one, one, zero, zero, "a"), "corrupt counter 0 at byte 7: count 0, err 0")
	f("err over count", enc(exact, one, one, two, three, "a"), "corrupt counter 0 at byte 7: count 2, err 3")
	f("key past the end", enc(exact, one, uint64(100), two, zero, "abc"), "truncated at byte 7: key 0 of 100 bytes, 3 left")
	f("keys past the end", enc(exact, two, two, one, zero, two, two, zero, "abc"), "truncated at byte 13: keys of 4 bytes, 3 left")
	f("repeated key", enc(exact, two, one, one, zero, one, one, zero, "aa"), `key "a" repeated at counter 1`)
	f("no heap", enc(bounded, two, one, one, zero, one, two, zero, "ab"), "truncated at byte 15 reading heap")
	f("heap out of range", enc(bounded, two, one, one, zero, one, two, zero, "ab", two, zero), "corrupt heap at byte 15: counter 2 of 2 repeated or out of range")
	f("heap repeated", enc(bounded, two, one, one, zero, one, two, zero, "ab", zero, zero), "corrupt heap at byte 16: counter 0 of 2 repeated")
	f("heap order", enc(bounded, two, one, one, zero, one, two, zero, "ab", one, zero), "corrupt heap at byte 16: counter 0 out of heap order")
	if _, _, err := Decode(enc(bounded, two, one, one, zero, one, two, zero, "ab", zero, one)); err != nil {
		t.Errorf("unexpected error for a valid hand-made form: %v", err)
	}
}

// TestDecodeTruncated checks that every proper prefix of a valid form is
// rejected as truncated.
func TestDecodeTruncated(t *testing.T) {
	keys := zipfKeys(5, 300, 1.1, 100)
	decode := func(b []byte) error { _, _, err := Decode(b); return err }
	codectest.CheckTruncated(t, "an exact TopK", mustEncode(t, fed(New(0), keys, one)), decode)
	codectest.CheckTruncated(t, "a bounded TopK", mustEncode(t, fed(New(16), keys, one)), decode)
}

func TestAppendBinaryFailure(t *testing.T) {
	f := func(name string, tk *TopK, want string) {
		t.Helper()
		got, err := tk.AppendBinary([]byte("keep"))
		if err == nil || !strings.Contains(err.Error(), want) || string(got) != "keep" {
			t.Errorf("unexpected result for %q; got %q, %v; want dst and an error containing %q", name, got, err, want)
		}
	}
	f("nil", nil, "cannot encode a nil TopK")
	f("zero", &TopK{}, "not made by New")
	f("huge capacity", New(math.MaxInt32+1), "cannot encode capacity 2147483648")
}

// FuzzDecode checks that Decode never panics, that what it accepts
// encodes back to the bytes it read, and that an accepted TopK takes Adds,
// merges and answers. Seeds: forms of TopKs in each mode.
func FuzzDecode(f *testing.F) {
	keys := zipfKeys(6, 60, 1.1, 30)
	for _, tk := range []*TopK{New(0), fed(New(0), keys, one), fed(New(4), keys, one), fed(NewExactFirst(5, 3), keys, one)} {
		f.Add(mustEncode(f, tk))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, rest, err := Decode(data)
		if err != nil {
			return
		}
		read := data[:len(data)-len(rest)]
		if again := mustEncode(t, tk); !bytes.Equal(again, read) {
			t.Fatalf("unexpected re-encoding; got %x; want %x", again, read)
		}
		into := NewExactFirst(2, 2)
		into.Merge(tk)
		fed(tk, keys[:10], one)
		tk.Merge(into)
		tk.AppendTop(nil, 3)
		tk.AppendTop(nil, -1)
	})
}
