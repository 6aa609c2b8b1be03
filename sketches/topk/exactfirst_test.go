package topk

import (
	"fmt"
	"testing"
)

func TestExactFirst(t *testing.T) {
	tk := NewExactFirst(100, 10)
	want := map[string]uint64{}
	for i := range 100 {
		k := fmt.Sprintf("k%03d", i)
		tk.Add([]byte(k), uint64(i+1))
		want[k] = uint64(i + 1)
	}
	if !tk.Exact() || tk.Len() != 100 {
		t.Fatalf("unexpected state at the budget; got exact %v, len %d; want exact, 100", tk.Exact(), tk.Len())
	}
	for _, it := range tk.AppendTop(nil, -1) {
		if it.Count != want[it.Key] || it.Err != 0 {
			t.Errorf("unexpected count for %q; got %d±%d; want %d", it.Key, it.Count, it.Err, want[it.Key])
		}
	}
	tk.Add([]byte("new"), 1)
	if tk.Exact() || tk.Len() != 10 {
		t.Fatalf("unexpected state over the budget; got exact %v, len %d; want bounded, 10", tk.Exact(), tk.Len())
	}
	top := tk.AppendTop(nil, 3)
	if top[0].Key != "k099" || top[0].Count != 100 || top[0].Err != 0 {
		t.Errorf("unexpected top over the budget; got %+v; want k099 100±0 first", top)
	}
	other := NewExactFirst(100, 10)
	other.Add([]byte("x"), 1)
	other.Merge(tk)
	if other.Exact() {
		t.Errorf("unexpected exact TopK after merging a bounded one")
	}
	tk.Reset()
	if !tk.Exact() || tk.Len() != 0 {
		t.Errorf("unexpected state after Reset; got exact %v, len %d", tk.Exact(), tk.Len())
	}
}
