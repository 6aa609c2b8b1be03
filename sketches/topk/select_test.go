package topk

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAppendTopSelect checks that the selection AppendTop uses for a small
// n gives the prefix of a full sort, ties by key included.
func TestAppendTopSelect(t *testing.T) {
	keys := zipfKeys(5, 20_000, 1.1, 5_000)
	for _, capacity := range []int{0, 512} {
		tk := summarize(keys, one, capacity, 1)
		all := tk.AppendTop(nil, -1)
		if !slices.IsSortedFunc(all, compareItems) {
			t.Fatalf("unexpected order of all items for capacity %d", capacity)
		}
		f := func(n int) {
			t.Helper()
			prefix := []Item{{Key: "kept"}}
			got := tk.AppendTop(prefix, n)
			if want := append(prefix, all[:n]...); !cmp.Equal(got, want) {
				t.Fatalf("unexpected AppendTop for capacity %d, n=%d; got %v; want %v", capacity, n, got[1:], all[:n])
			}
		}
		for _, n := range []int{0, 1, 2, 10, 32, 100, tk.Len()/4 - 1, tk.Len() / 4, tk.Len() - 1} {
			f(n)
		}
	}
}

// TestAddKeyAddString checks that AddKey returns t's own key and whether it
// was new, and that AddString with it counts like Add without allocating.
func TestAddKeyAddString(t *testing.T) {
	a, b := New(0), New(0)
	k, isNew := a.AddKey([]byte("192.0.2.1"), 1)
	if k != "192.0.2.1" || !isNew {
		t.Fatalf("unexpected AddKey of a new key; got %q, %v", k, isNew)
	}
	if k2, isNew := a.AddKey([]byte("192.0.2.1"), 2); k2 != k || isNew {
		t.Fatalf("unexpected AddKey of a known key; got %q, %v", k2, isNew)
	}
	if _, isNew := a.AddKey([]byte("x"), 0); isNew {
		t.Fatalf("unexpected AddKey with n=0")
	}
	b.AddString(k, 1)
	if n := testing.AllocsPerRun(100, func() { b.AddString(k, 1) }); n != 0 {
		t.Fatalf("unexpected allocations of AddString; got %v; want 0", n)
	}
	if got := b.AppendTop(nil, 1); got[0].Key != k || got[0].Count != 102 {
		t.Fatalf("unexpected AddString counts; got %v", got)
	}
	if got := a.AppendTop(nil, 1); got[0].Count != 3 || a.Total() != 3 {
		t.Fatalf("unexpected AddKey counts; got %v", got)
	}
}
