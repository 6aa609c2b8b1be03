package uniq

// hashSet is a set of 64-bit hashes: open addressing with linear probing,
// kept at most 3/4 full, grown by doubling from 16 slots. Hashes are
// already uniformly random, so their low bits index the table directly.
// Slot value 0 marks an empty slot; the hash 0 is kept in hasZero.
type hashSet struct {
	slots   []uint64
	used    int // occupied slots
	hasZero bool
}

const minSetSlots = 16

func (s *hashSet) len() int {
	if s.hasZero {
		return s.used + 1
	}
	return s.used
}

// add inserts h and reports true, unless h is new and the set already
// holds limit hashes: then it leaves the set alone and reports false.
// Cost: usually one probe; it allocates only to grow.
func (s *hashSet) add(h uint64, limit int) bool {
	if h == 0 {
		if !s.hasZero && s.len() >= limit {
			return false
		}
		s.hasZero = true
		return true
	}
	if s.slots == nil {
		s.resize(minSetSlots)
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			switch {
			case s.len() >= limit:
				return false
			case (s.used+1)*4 > len(s.slots)*3:
				s.resize(2 * len(s.slots))
				return s.add(h, limit)
			}
			s.slots[i] = h
			s.used++
			return true
		}
	}
}

func (s *hashSet) resize(size int) {
	old := s.slots
	s.slots = make([]uint64, size)
	mask := uint64(size - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = h
	}
}

// each calls fn for every hash in the set.
func (s *hashSet) each(fn func(h uint64)) {
	if s.hasZero {
		fn(0)
	}
	for _, h := range s.slots {
		if h != 0 {
			fn(h)
		}
	}
}
