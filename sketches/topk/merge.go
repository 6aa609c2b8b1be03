package topk

import "slices"

// Merge adds o's counts to t, as if t had also seen o's stream. o is not
// modified; t shares o's key strings, which are immutable.
//
// Bounded summaries merge as in Agarwal et al., "Mergeable Summaries"
// (PODS 2012, https://doi.org/10.1145/2213556.2213562), §3, stated for
// Space-Saving counters: a key that only one side monitors gets the other
// side's least count added to its Count and Err (it may have had that much
// there), counts of keys on both sides add up, and then the capacity keys
// with the highest counts stay. When t and o have the same capacity k, the
// result keeps the guarantees of a single summary of both streams: every
// true count lies in [Count-Err, Count], Err ≤ Total/k, and every key whose
// true count exceeds Total/k is monitored. Merging into an exact TopK keeps
// every key, with Err from o.
//
// Cost: O(n·log n) for n = t.Len()+o.Len(), and map growth for keys new
// to t.
func (t *TopK) Merge(o *TopK) {
	if o.total == 0 {
		return
	}
	if len(t.keys) == 0 {
		// Into an empty TopK (the run's totals): size it once.
		t.keys = slices.Grow(t.keys, len(o.keys))
		t.counts = slices.Grow(t.counts, len(o.keys))
		t.errs = slices.Grow(t.errs, len(o.keys))
		t.index = make(map[string]int32, len(o.keys))
	}
	tFloor, oFloor := t.floor(), o.floor()
	t.total += o.total
	if oFloor != 0 {
		for i, k := range t.keys {
			if _, ok := o.index[k]; !ok {
				t.counts[i] += oFloor
				t.errs[i] += oFloor
			}
		}
	}
	for j, k := range o.keys {
		if i, ok := t.index[k]; ok {
			t.counts[i] += o.counts[j]
			t.errs[i] += o.errs[j]
			continue
		}
		t.keys = append(t.keys, k)
		t.counts = append(t.counts, o.counts[j]+tFloor)
		t.errs = append(t.errs, o.errs[j]+tFloor)
		t.index[k] = int32(len(t.keys) - 1)
	}
	if o.capacity != 0 || o.lossy {
		t.lossy = true
	}
	if t.capacity == 0 {
		t.overBudget()
		return
	}
	if len(t.keys) > t.capacity {
		t.keepHighest()
	}
	t.heap.rebuild(t.counts)
}

// keepHighest drops all but the capacity counters with the highest counts,
// ties broken by key so that the result is deterministic.
func (t *TopK) keepHighest() {
	items := t.AppendTop(nil, t.capacity)
	clear(t.keys) // drop the key strings
	t.keys, t.counts, t.errs = t.keys[:0], t.counts[:0], t.errs[:0]
	clear(t.index)
	for _, it := range items {
		t.index[it.Key] = int32(len(t.keys))
		t.keys = append(t.keys, it.Key)
		t.counts = append(t.counts, it.Count)
		t.errs = append(t.errs, it.Err)
	}
}
