package topk

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFrontExact checks that counting through a Front and flushing gives
// the exact counts of a map, keys longer than the cache limit included.
func TestFrontExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(r, 1.2, 1, 5000)
	want := map[string]uint64{}
	tk := New(0)
	f := NewFront(tk, 64)
	long := strings.Repeat("x", maxFrontKey+1)
	for i := range 100_000 {
		key := fmt.Sprintf("10.0.%d.%d", z.Uint64()%256, i%3)
		if i%1000 == 0 {
			key = long
		}
		want[key]++
		f.Add([]byte(key))
	}
	f.Flush()
	got := map[string]uint64{}
	for _, it := range tk.AppendTop(nil, -1) {
		got[it.Key] = it.Count
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("unexpected counts through a Front (-want +got):\n%s", d)
	}
	f.Flush()
	if tk.Total() != 100_000 {
		t.Fatalf("unexpected total after a second flush; got %d; want 100000", tk.Total())
	}
}

// TestFrontBounded checks Space-Saving's guarantee through a Front: every
// reported count bounds the true count from above, within its error.
func TestFrontBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	z := rand.NewZipf(r, 1.1, 1, 50_000)
	want := map[string]uint64{}
	tk := New(256)
	f := NewFront(tk, 128)
	for range 200_000 {
		key := fmt.Sprint(z.Uint64())
		want[key]++
		f.Add([]byte(key))
	}
	f.Flush()
	for _, it := range tk.AppendTop(nil, 20) {
		if truth := want[it.Key]; truth > it.Count || truth < it.Count-it.Err {
			t.Errorf("unexpected count for %q; got %d ±%d; want %d", it.Key, it.Count, it.Err, truth)
		}
	}
}

func TestFrontValue(t *testing.T) {
	f := NewFront(New(0), 16)
	key := []byte("Mozilla/5.0")
	if _, hit := f.Add(key); hit {
		t.Fatalf("unexpected hit for a new key")
	}
	f.SetValue(key, 7)
	if v, hit := f.Add(key); !hit || v != 7 {
		t.Fatalf("unexpected value for %q; got %d, %v; want 7, true", key, v, hit)
	}
}

func TestFrontAllocs(t *testing.T) {
	f := NewFront(New(0), 16)
	key := []byte("192.0.2.1")
	f.Add(key)
	if n := testing.AllocsPerRun(100, func() { f.Add(key) }); n != 0 {
		t.Fatalf("unexpected allocations for a cached key; got %v; want 0", n)
	}
}
