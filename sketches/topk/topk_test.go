package topk

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var equateEmpty = cmpopts.EquateEmpty()

func TestExact(t *testing.T) {
	f := func(name string, keys [][]byte, weightOf func(int) uint64, parts int) {
		t.Helper()
		want := exactTop(exactCounts(keys, weightOf))
		tk := summarize(keys, weightOf, 0, parts)
		if got := tk.AppendTop(nil, -1); !cmp.Equal(got, want, equateEmpty) {
			t.Fatalf("unexpected AppendTop for %q in %d parts; diff (-got +want):\n%s", name, parts, cmp.Diff(got, want, equateEmpty))
		}
		var total uint64
		for _, it := range want {
			total += it.Count
		}
		if got := tk.Total(); got != total {
			t.Fatalf("unexpected Total for %q in %d parts; got %d; want %d", name, parts, got, total)
		}
		if got := tk.Len(); got != len(want) {
			t.Fatalf("unexpected Len for %q in %d parts; got %d; want %d", name, parts, got, len(want))
		}
	}
	keys := zipfKeys(1, 100_000, 1.1, 50_000)
	for _, parts := range []int{1, 8} {
		f("zipf 1.1 counts", keys, one, parts)
		f("zipf 1.1 bytes", keys, bytesWeight, parts)
	}
	f("empty", nil, one, 1)
}

func TestSpaceSaving(t *testing.T) {
	f := func(name string, keys [][]byte, weightOf func(int) uint64, capacity, parts int) {
		t.Helper()
		exact := exactCounts(keys, weightOf)
		tk := summarize(keys, weightOf, capacity, parts)
		var total uint64
		for _, c := range exact {
			total += c
		}
		if got := tk.Total(); got != total {
			t.Fatalf("unexpected Total for %q in %d parts; got %d; want %d", name, parts, got, total)
		}
		if got := tk.Len(); got != min(capacity, len(exact)) {
			t.Fatalf("unexpected Len for %q in %d parts; got %d; want %d", name, parts, got, min(capacity, len(exact)))
		}
		reported := map[string]bool{}
		for _, it := range tk.AppendTop(nil, -1) {
			reported[it.Key] = true
			if trueCount := exact[it.Key]; it.Count-it.Err > trueCount || trueCount > it.Count {
				t.Fatalf("unexpected bounds of %s for %q in %d parts; got [%d, %d]; want them to hold %d",
					it.Key, name, parts, it.Count-it.Err, it.Count, trueCount)
			}
			if it.Err > total/uint64(capacity) {
				t.Fatalf("unexpected Err of %s for %q in %d parts; got %d; want ≤ Total/capacity = %d",
					it.Key, name, parts, it.Err, total/uint64(capacity))
			}
		}
		for k, c := range exact {
			if c > total/uint64(capacity) && !reported[k] {
				t.Fatalf("unexpected absence of %s (count %d > Total/capacity = %d) for %q in %d parts",
					k, c, total/uint64(capacity), name, parts)
			}
		}
	}
	flat := zipfKeys(2, 200_000, 1.01, 100_000) // many evictions
	skewed := zipfKeys(3, 200_000, 1.3, 100_000)
	for _, capacity := range []int{64, 1024} {
		for _, parts := range []int{1, 8} {
			f(fmt.Sprint("flat zipf, capacity ", capacity), flat, one, capacity, parts)
			f(fmt.Sprint("skewed zipf, capacity ", capacity), skewed, one, capacity, parts)
			f(fmt.Sprint("skewed zipf by bytes, capacity ", capacity), skewed, bytesWeight, capacity, parts)
		}
	}
}

func TestTop10(t *testing.T) {
	f := func(name string, keys [][]byte, capacity, parts int) {
		t.Helper()
		want := exactTop(exactCounts(keys, one))[:10]
		var gotKeys, wantKeys []string
		for _, it := range summarize(keys, one, capacity, parts).AppendTop(nil, 10) {
			gotKeys = append(gotKeys, it.Key)
		}
		for _, it := range want {
			wantKeys = append(wantKeys, it.Key)
		}
		if !cmp.Equal(gotKeys, wantKeys) {
			t.Fatalf("unexpected top 10 for %q in %d parts; got %v; want %v", name, parts, gotKeys, wantKeys)
		}
	}
	skewed := zipfKeys(4, 200_000, 1.3, 100_000)
	for _, parts := range []int{1, 8} {
		f("skewed zipf, capacity 1024", skewed, 1024, parts)
		f("skewed zipf, capacity 64", skewed, 64, parts)
	}
}

func TestDeterministic(t *testing.T) {
	keys := zipfKeys(5, 50_000, 1.01, 20_000)
	f := func(capacity, parts int) {
		t.Helper()
		a := summarize(keys, one, capacity, parts).AppendTop(nil, -1)
		b := summarize(keys, one, capacity, parts).AppendTop(nil, -1)
		if !cmp.Equal(a, b) {
			t.Fatalf("unexpected difference between runs for capacity %d in %d parts:\n%s", capacity, parts, cmp.Diff(a, b))
		}
	}
	f(64, 1)
	f(64, 8)
	f(0, 8)
}

func TestAppendTop(t *testing.T) {
	tk := New(0)
	for _, k := range []string{"b", "a", "c", "a", "c", "d"} {
		tk.Add([]byte(k), 1)
	}
	f := func(n int, want []Item) {
		t.Helper()
		prefix := []Item{{Key: "kept"}}
		got := tk.AppendTop(prefix, n)
		if !cmp.Equal(got, append(prefix, want...)) {
			t.Fatalf("unexpected AppendTop for n=%d; got %v; want %v", n, got[1:], want)
		}
	}
	all := []Item{{"a", 2, 0}, {"c", 2, 0}, {"b", 1, 0}, {"d", 1, 0}}
	f(0, []Item{})
	f(1, all[:1])
	f(3, all[:3])
	f(4, all)
	f(5, all)
	f(-1, all)
}

func TestAddZero(t *testing.T) {
	tk := New(2)
	tk.Add([]byte("a"), 0)
	if tk.Len() != 0 || tk.Total() != 0 {
		t.Fatalf("unexpected Len, Total for %q; got %d, %d; want 0, 0", "Add(a, 0)", tk.Len(), tk.Total())
	}
}

func TestEviction(t *testing.T) {
	// The new key takes over the least counter and inherits its count as Err.
	tk := New(2)
	for _, k := range []string{"a", "a", "a", "b", "c"} {
		tk.Add([]byte(k), 1)
	}
	want := []Item{{"a", 3, 0}, {"c", 2, 1}}
	if got := tk.AppendTop(nil, -1); !cmp.Equal(got, want) {
		t.Fatalf("unexpected AppendTop for %q; got %v; want %v", "aaabc", got, want)
	}
}

func TestMergeCases(t *testing.T) {
	build := func(capacity int, keys string) *TopK {
		tk := New(capacity)
		for _, k := range keys {
			tk.Add([]byte{byte(k)}, 1)
		}
		return tk
	}
	f := func(name string, t1, t2 *TopK, want []Item) {
		t.Helper()
		t1.Merge(t2)
		if got := t1.AppendTop(nil, -1); !cmp.Equal(got, want, equateEmpty) {
			t.Fatalf("unexpected AppendTop for %q; got %v; want %v", name, got, want)
		}
	}
	f("empty into empty", build(2, ""), build(2, ""), []Item{})
	f("empty into bounded", build(2, "aab"), build(2, ""), []Item{{"a", 2, 0}, {"b", 1, 0}})
	f("bounded into empty", build(2, ""), build(2, "aab"), []Item{{"a", 2, 0}, {"b", 1, 0}})
	// o's least count (1) may hide keys: t's keys that o lacks get it.
	f("disjoint full", build(2, "aaab"), build(2, "cccd"), []Item{{"a", 4, 1}, {"c", 4, 1}})
	f("same keys", build(2, "aab"), build(2, "abb"), []Item{{"a", 3, 0}, {"b", 3, 0}})
	f("bounded into exact", build(0, "aaxyz"), build(2, "aab"),
		[]Item{{"a", 4, 0}, {"x", 2, 1}, {"y", 2, 1}, {"z", 2, 1}, {"b", 1, 0}})
	f("exact into bounded", build(3, "aab"), build(0, "cdd"), []Item{{"a", 2, 0}, {"d", 2, 0}, {"b", 1, 0}})
}

func TestReset(t *testing.T) {
	tk := summarize(zipfKeys(6, 10_000, 1.1, 1000), one, 64, 1)
	tk.Reset()
	if tk.Len() != 0 || tk.Total() != 0 {
		t.Fatalf("unexpected Len, Total after Reset; got %d, %d; want 0, 0", tk.Len(), tk.Total())
	}
	tk.Add([]byte("x"), 3)
	if got, want := tk.AppendTop(nil, -1), []Item{{"x", 3, 0}}; !cmp.Equal(got, want) {
		t.Fatalf("unexpected AppendTop after Reset; got %v; want %v", got, want)
	}
}

func TestAddAllocs(t *testing.T) {
	f := func(capacity int) {
		t.Helper()
		keys := zipfKeys(7, 10_000, 1.1, 1000)
		tk := summarize(keys, one, capacity, 1)
		monitored := []byte(tk.AppendTop(nil, 1)[0].Key)
		if allocs := testing.AllocsPerRun(1000, func() { tk.Add(monitored, 1) }); allocs != 0 {
			t.Fatalf("unexpected allocations per Add of a monitored key for capacity %d; got %v; want 0", capacity, allocs)
		}
	}
	f(64)
	f(0)
}
