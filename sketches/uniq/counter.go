package uniq

import (
	"math"

	"github.com/vigil-ops/vigil/sketches/xxhash"
)

// exactLimit is the number of distinct keys a Counter counts exactly before
// it turns into a HyperLogLog, unless it was made with exact = true. The
// set then takes 32 KiB (4096 slots), twice the HyperLogLog.
const exactLimit = 3072

// Counter counts distinct keys: exactly, as a set of their 64-bit hashes,
// up to exactLimit keys, then as a HyperLogLog of precision 14 (16 KiB,
// about 0.8 % standard error). With exact = true it keeps the set forever.
//
// The zero Counter is empty and not kept exact, like New(false). A Counter
// is not safe for concurrent use.
type Counter struct {
	keepExact bool
	set       hashSet // while regs == nil
	regs      *hll    // nil while the count is exact
}

// New returns an empty Counter. With exact = true it never turns into a
// HyperLogLog, and its memory grows with the number of distinct keys
// (about 11–21 bytes each). New allocates only the Counter.
func New(exact bool) *Counter {
	return &Counter{keepExact: exact}
}

// Add counts key. It does not allocate once the set has grown to hold the
// keys seen or the Counter is a HyperLogLog. key may be reused by the caller
// as soon as Add returns. Cost: one XXH64 of key plus one set probe or one
// register update.
func (c *Counter) Add(key []byte) {
	c.addHash(xxhash.Sum64(key))
}

func (c *Counter) addHash(h uint64) {
	if c.regs == nil && c.set.add(h, c.limit()) {
		return
	}
	if c.regs == nil {
		c.toHLL()
	}
	c.regs.add(h)
}

// limit returns how many hashes the set may hold.
func (c *Counter) limit() int {
	if c.keepExact {
		return math.MaxInt
	}
	return exactLimit
}

// toHLL turns the exact set into a HyperLogLog of the same hashes.
func (c *Counter) toHLL() {
	c.regs = new(hll)
	c.set.each(c.regs.add)
	c.set = hashSet{}
}

// Merge adds o's keys to c, as if c had also seen o's stream: the result is
// the one a single Counter fed both streams would hold, exactly, because a
// set union and the register-wise maximum of two HyperLogLogs both are.
// If o is no longer exact, c turns into a HyperLogLog even if it was made
// with exact = true. o is not modified.
func (c *Counter) Merge(o *Counter) {
	if o.regs == nil {
		o.set.each(c.addHash)
		return
	}
	if c.regs == nil {
		c.toHLL()
	}
	c.regs.merge(o.regs)
}

// Count returns the number of distinct keys: exact (up to collisions of
// 64-bit hashes, about n²/2⁶⁵ for n keys) while [Counter.Exact] holds, else
// the HyperLogLog estimate. Cost: O(1) when exact; about 16,384 register
// reads otherwise.
func (c *Counter) Count() uint64 {
	if c.regs == nil {
		return uint64(c.set.len())
	}
	return uint64(c.regs.estimate() + 0.5)
}

// Exact reports whether Count is exact.
func (c *Counter) Exact() bool { return c.regs == nil }
