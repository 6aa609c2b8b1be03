package tdigest

import "slices"

const (
	// minTableSlots is the size of the pre-aggregation table when the first
	// sample arrives. A digest that sees few distinct values stays small.
	minTableSlots = 16
	// maxTableSlots bounds the pre-aggregation table (16 bytes per slot). It
	// holds more distinct values than a millisecond-quantized latency
	// distribution usually has, so such input rarely reaches the digest
	// before a read.
	maxTableSlots = 1024
)

// slot is one (value, count) pair of the pre-aggregation table; n == 0 marks
// an empty slot.
type slot struct {
	v int64
	n uint64
}

// table counts repeated values before they reach the digest: an
// open-addressing hash table with linear probing and Fibonacci hashing,
// kept at most 3/4 full. It grows by doubling from minTableSlots to
// maxTableSlots and is allocated on the first insert.
type table struct {
	slots []slot
	used  int
	shift uint // 64 - log2(len(slots))
}

// add counts n more samples equal to v and reports whether the table is now
// too full to take another distinct value. Cost: one hash and usually one
// probe; it allocates only when the table has no memory yet.
func (t *table) add(v int64, n uint64) (full bool) {
	if t.slots == nil {
		t.resize(minTableSlots)
	}
	mask := uint64(len(t.slots) - 1)
	for i := hash(v) >> t.shift; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.v == v && s.n != 0 {
			s.n += n
			return false
		}
		if s.n == 0 {
			s.v, s.n = v, n
			t.used++
			return t.used*4 > len(t.slots)*3
		}
	}
}

// hash spreads quantized values (multiples of 1000 for milliseconds held in
// microseconds) over the high bits: Knuth's multiplicative hashing.
func hash(v int64) uint64 {
	return uint64(v) * 0x9e3779b97f4a7c15
}

// grow doubles the table and reports whether it could; at maxTableSlots
// the caller must drain it instead.
func (t *table) grow() bool {
	if len(t.slots) >= maxTableSlots {
		return false
	}
	t.resize(2 * len(t.slots))
	return true
}

func (t *table) resize(size int) {
	old := t.slots
	t.slots = make([]slot, size)
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	mask := uint64(size - 1)
	for _, s := range old {
		if s.n == 0 {
			continue
		}
		i := hash(s.v) >> t.shift
		for t.slots[i].n != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// drain appends the pending values to dst as one-value centroids sorted
// by value, using tmp as scratch, and returns dst and tmp grown. The
// caller must call clear or release afterwards.
func (t *table) drain(dst []centroid, tmp []slot) ([]centroid, []slot) {
	k := 0
	for _, s := range t.slots {
		if s.n != 0 {
			t.slots[k] = s
			k++
		}
	}
	sorted, tmp := sortSlots(t.slots[:k], tmp)
	dst = slices.Grow(dst, k)
	for _, s := range sorted {
		dst = append(dst, centroid{})
		// Field by field: a composite literal of this five-field struct
		// goes through a temporary and costs several times more.
		c := &dst[len(dst)-1]
		c.mean, c.n, c.lo, c.hi, c.nlo = float64(s.v), s.n, s.v, s.v, s.n
	}
	return dst, tmp
}

// clear empties the table and keeps its memory.
func (t *table) clear() {
	clear(t.slots)
	t.used = 0
}

// release empties the table and drops its memory.
func (t *table) release() {
	t.slots = nil
	t.used = 0
}
