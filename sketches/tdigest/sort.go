package tdigest

import "slices"

// sortSlots sorts slots by value and returns them sorted, in s or in tmp,
// along with tmp grown to len(s) for reuse.
//
// It is an LSD radix sort that skips the bytes in which all values agree:
// microsecond latencies below 16 s differ only in their low three bytes, so
// sorting the 768 values of a full table takes three linear passes, several
// times faster than a comparison sort.
func sortSlots(s, tmp []slot) (sorted, grown []slot) {
	tmp = slices.Grow(tmp[:0], len(s))[:len(s)]
	and, or := ^uint64(0), uint64(0)
	for _, x := range s {
		and &= radixKey(x.v)
		or |= radixKey(x.v)
	}
	src, dst := s, tmp
	for shift := uint(0); shift < 64; shift += 8 {
		if (and^or)>>shift&0xff == 0 {
			continue
		}
		var start [256]int
		for _, x := range src {
			start[radixKey(x.v)>>shift&0xff]++
		}
		pos := 0
		for b, n := range start {
			start[b] = pos
			pos += n
		}
		for _, x := range src {
			b := radixKey(x.v) >> shift & 0xff
			dst[start[b]] = x
			start[b]++
		}
		src, dst = dst, src
	}
	return src, tmp
}

// radixKey maps a value to an unsigned key with the same order.
func radixKey(v int64) uint64 {
	return uint64(v) ^ 1<<63
}
