package topk

import (
	"cmp"
	"slices"
)

// TopK counts keys. With a capacity it is a Space-Saving summary of that
// many counters: memory is bounded and each count over-estimates the true
// count by at most its Err. With capacity 0 it counts every key exactly in
// a map, and Err is always 0 unless a bounded TopK was merged into it.
//
// The zero TopK is not usable; call New. A TopK is not safe for concurrent
// use.
type TopK struct {
	capacity int              // 0: exact
	budget   int              // exact-first: keys kept exactly before bounding
	bound    int              // the capacity taken once over budget
	index    map[string]int32 // key → counter, a position in the slices below
	// Counter i: the true count of keys[i] lies in [counts[i]-errs[i],
	// counts[i]]. The counts are a dense slice of their own (8 KiB for
	// 1024 counters), which is all that the heap's comparisons read.
	keys   []string
	counts []uint64
	errs   []uint64
	heap   minHeap // counters by count, least first; bounded mode only
	total  uint64
	lossy  bool // a bounded summary was merged in or the budget overflowed
}

// NewExactFirst returns an empty TopK that counts exactly while it holds
// at most budget keys, then keeps the capacity keys with the highest
// counts (ties by key) and continues as a Space-Saving summary of that
// capacity: exact answers while the keys fit the budget, bounded memory
// beyond it. [TopK.Exact] tells which.
func NewExactFirst(budget, capacity int) *TopK {
	t := New(0)
	t.budget, t.bound = max(budget, 1), max(capacity, 1)
	return t
}

// Exact reports whether every count is exact (every Err is 0 and no key
// was ever evicted).
func (t *TopK) Exact() bool { return t.capacity == 0 && !t.lossy }

// overBudget switches an exact-first TopK past its budget to bounded mode.
func (t *TopK) overBudget() {
	if t.budget == 0 || t.capacity != 0 || len(t.keys) <= t.budget {
		return
	}
	t.capacity, t.lossy = t.bound, true
	t.keepHighest()
	t.heap.rebuild(t.counts)
}

// Item is one key and its estimated count: the true count lies in
// [Count-Err, Count].
type Item struct {
	Key   string
	Count uint64
	Err   uint64
}

// New returns an empty TopK. capacity > 0 bounds it to that many counters
// (about 100 bytes each with the key and the index); capacity 0 makes it
// exact (up to 2³¹−1 keys); a negative capacity is treated as 0. New
// allocates only the TopK and an empty map; counters are allocated as keys
// arrive.
func New(capacity int) *TopK {
	return &TopK{capacity: max(capacity, 0), index: map[string]int32{}}
}

// Add counts n more occurrences of key; n = 0 is ignored. It does not
// allocate when key is already monitored; otherwise it copies key into a
// new string, and in bounded mode, once all counters are in use, that key
// replaces the one with the least count (Space-Saving), inheriting its count
// as Err. key may be reused by the caller as soon as Add returns.
// Cost: one map lookup, plus O(log capacity) in bounded mode.
func (t *TopK) Add(key []byte, n uint64) {
	if n == 0 {
		return
	}
	t.total += n
	if i, ok := t.index[string(key)]; ok {
		t.counts[i] += n
		if t.capacity > 0 {
			t.heap.increased(t.counts, i)
		}
		return
	}
	t.addNew(string(key), n)
}

// AddKey is Add that also returns t's copy of key, an immutable string
// the caller may keep and pass to [TopK.AddString] of other TopKs (it
// stays valid after t evicts or drops key), and whether key was new to t
// (not monitored before this call). n = 0 counts nothing and returns "",
// false. Allocates like Add.
func (t *TopK) AddKey(key []byte, n uint64) (string, bool) {
	if n == 0 {
		return "", false
	}
	t.total += n
	if i, ok := t.index[string(key)]; ok {
		t.counts[i] += n
		if t.capacity > 0 {
			t.heap.increased(t.counts, i)
		}
		return t.keys[i], false
	}
	k := string(key)
	t.addNew(k, n)
	return k, true
}

// AddString is Add for a key the caller holds as an immutable string (one
// from [TopK.AddKey]): a new key is kept as is, without a copy, so it never
// allocates in exact mode but for table growth.
func (t *TopK) AddString(key string, n uint64) {
	if n == 0 {
		return
	}
	t.total += n
	if i, ok := t.index[key]; ok {
		t.counts[i] += n
		if t.capacity > 0 {
			t.heap.increased(t.counts, i)
		}
		return
	}
	t.addNew(key, n)
}

// addNew counts a key that t does not monitor; t keeps key.
func (t *TopK) addNew(key string, n uint64) {
	if t.capacity == 0 || len(t.keys) < t.capacity {
		t.monitor(key, n)
		t.overBudget()
		return
	}
	// Space-Saving: the new key takes over the least counter. Its true count
	// so far is at most that counter's count, which becomes its error.
	i := t.heap.min()
	delete(t.index, t.keys[i])
	t.keys[i] = key
	t.index[key] = i
	t.errs[i] = t.counts[i]
	t.counts[i] += n
	t.heap.increased(t.counts, i)
}

// monitor adds a counter for key.
func (t *TopK) monitor(key string, count uint64) {
	i := int32(len(t.keys))
	t.keys = append(t.keys, key)
	t.counts = append(t.counts, count)
	t.errs = append(t.errs, 0)
	t.index[key] = i
	if t.capacity > 0 {
		t.heap.push(t.counts, i)
	}
}

// floor returns an upper bound of the true count of any key that t does not
// monitor: the least count once all counters are in use (evictions may have
// dropped keys that had up to that much), else 0.
func (t *TopK) floor() uint64 {
	if t.capacity == 0 || len(t.keys) < t.capacity {
		return 0
	}
	return t.counts[t.heap.min()]
}

// AppendTop appends the n keys with the highest counts to dst, ordered by
// Count descending and then by Key ascending, and returns it. n < 0 or
// n > Len means all keys. The result is deterministic for a given sequence
// of Add and Merge calls. Cost: O(Len·log n) and n items for a small n
// (a selection), else O(Len·log Len) and Len items appended to dst before
// truncating to n.
func (t *TopK) AppendTop(dst []Item, n int) []Item {
	if n < 0 || n > len(t.keys) {
		n = len(t.keys)
	}
	if n < len(t.keys)/4 {
		return t.appendSelected(dst, n)
	}
	start := len(dst)
	for i, k := range t.keys {
		dst = append(dst, Item{Key: k, Count: t.counts[i], Err: t.errs[i]})
	}
	slices.SortFunc(dst[start:], compareItems)
	return dst[:start+n]
}

// appendSelected is AppendTop for n well below Len: it keeps the best n
// items seen so far in a heap whose root is the worst of them, then sorts
// them. Keys are distinct, so compareItems is a total order and the result
// is the one a full sort gives.
func (t *TopK) appendSelected(dst []Item, n int) []Item {
	start := len(dst)
	if n == 0 {
		return dst
	}
	for i, k := range t.keys[:n] {
		dst = append(dst, Item{Key: k, Count: t.counts[i], Err: t.errs[i]})
	}
	h := dst[start:]
	for j := n/2 - 1; j >= 0; j-- {
		worstDown(h, j)
	}
	for i := n; i < len(t.keys); i++ {
		// Fast path: a lower count never enters.
		if c := t.counts[i]; c < h[0].Count || (c == h[0].Count && t.keys[i] > h[0].Key) {
			continue
		}
		h[0] = Item{Key: t.keys[i], Count: t.counts[i], Err: t.errs[i]}
		worstDown(h, 0)
	}
	slices.SortFunc(h, compareItems)
	return dst
}

// worstDown restores the heap of h below j, the worst item (last in
// compareItems order) at the root.
func worstDown(h []Item, j int) {
	for {
		worst := j
		if l := 2*j + 1; l < len(h) && compareItems(h[l], h[worst]) > 0 {
			worst = l
		}
		if r := 2*j + 2; r < len(h) && compareItems(h[r], h[worst]) > 0 {
			worst = r
		}
		if worst == j {
			return
		}
		h[j], h[worst] = h[worst], h[j]
		j = worst
	}
}

// compareItems orders by Count descending, then Key ascending.
func compareItems(a, b Item) int {
	if c := cmp.Compare(b.Count, a.Count); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// Total returns the sum of all n added, merged ones included. It is exact.
func (t *TopK) Total() uint64 { return t.total }

// Len returns the number of keys monitored: at most the capacity in bounded
// mode.
func (t *TopK) Len() int { return len(t.keys) }

// Reset empties t and keeps its memory for reuse.
func (t *TopK) Reset() {
	clear(t.index)
	clear(t.keys) // drop the key strings
	t.keys, t.counts, t.errs = t.keys[:0], t.counts[:0], t.errs[:0]
	t.heap.reset()
	t.total = 0
	t.lossy = false
	if t.budget > 0 {
		t.capacity = 0
	}
}
