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
