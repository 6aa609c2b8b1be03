package topk

import (
	"bytes"

	"github.com/vigil-ops/vigil/sketches/xxhash"
)

// maxFrontKey is the longest key a Front caches; longer keys go straight
// to the TopK.
const maxFrontKey = 256

// Front is a small direct-mapped cache of pending counts in front of a
// TopK. In a skewed stream (client IPs, user agents) the heavy keys hit it
// on almost every Add, which then costs one hash and one compare of a small,
// cache-resident slot instead of a lookup in a large map; a key that takes
// a slot from another flushes the other's pending count into the TopK.
//
// Counts reach the TopK in batches, which Space-Saving accepts as weighted
// updates with the same guarantees; the order of flushes depends only on
// the input, so results stay deterministic. Call Flush before reading or
// merging the TopK. A Front is not safe for concurrent use.
type Front struct {
	t     *TopK
	slots []frontSlot
	mask  uint64
}

type frontSlot struct {
	key []byte
	n   uint64
	// Value is the caller's value for the key (see Front.Add).
	value uint32
}

// NewFront returns a Front with slots slots (rounded up to a power of two)
// in front of t. Memory: about 40 bytes per slot plus the cached keys.
func NewFront(t *TopK, slots int) *Front {
	n := 1
	for n < slots {
		n <<= 1
	}
	return &Front{t: t, slots: make([]frontSlot, n), mask: uint64(n - 1)}
}

// Add counts one occurrence of key and returns the value cached with it and
// whether there was one. A caller that derives an expensive value from the
// key (a user agent's class) stores it with SetValue after a miss. It does
// not allocate once the slot's buffer has grown to the key's length.
func (f *Front) Add(key []byte) (value uint32, hit bool) {
	if len(key) > maxFrontKey {
		f.t.Add(key, 1)
		return 0, false
	}
	s := &f.slots[xxhash.Sum64(key)&f.mask]
	if s.n > 0 && bytes.Equal(s.key, key) {
		s.n++
		return s.value, true
	}
	if s.n > 0 {
		f.t.Add(s.key, s.n)
	}
	s.key = append(s.key[:0], key...)
	s.n, s.value = 1, 0
	return 0, false
}

// SetValue caches value with key if key holds a slot (it does right after
// its Add).
func (f *Front) SetValue(key []byte, value uint32) {
	if len(key) > maxFrontKey {
		return
	}
	if s := &f.slots[xxhash.Sum64(key)&f.mask]; s.n > 0 && bytes.Equal(s.key, key) {
		s.value = value
	}
}

// Flush moves every pending count into the TopK.
func (f *Front) Flush() {
	for i := range f.slots {
		if s := &f.slots[i]; s.n > 0 {
			f.t.Add(s.key, s.n)
			s.n = 0
		}
	}
}
