package window

// maxCachedID bounds the ids an IDCache holds: past it, lookups miss (the
// caller's table still answers), so a caller with many endpoints does not
// grow a huge slice.
const maxCachedID = 1 << 20

// IDCache maps a caller's small endpoint ids (Line.ID) to the values a
// table keeps for them, so that the hot path indexes a slice instead of
// hashing the key again. The zero IDCache is empty and ready to use. It is
// not safe for concurrent use.
type IDCache[T any] struct {
	byID []*T
}

// Get returns the value cached for id, or nil.
func (c *IDCache[T]) Get(id int32) *T {
	if id >= 0 && int(id) < len(c.byID) {
		return c.byID[id]
	}
	return nil
}

// Put caches v for id; ids that are negative or past maxCachedID are not
// cached.
func (c *IDCache[T]) Put(id int32, v *T) {
	if id < 0 || id >= maxCachedID {
		return
	}
	if int(id) >= len(c.byID) {
		c.byID = append(c.byID, make([]*T, int(id)+1-len(c.byID))...)
	}
	c.byID[id] = v
}

// Reset forgets every cached value (the table they point into changed),
// keeping the memory.
func (c *IDCache[T]) Reset() {
	clear(c.byID)
	c.byID = c.byID[:0]
}
