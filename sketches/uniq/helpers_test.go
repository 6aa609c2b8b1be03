package uniq

import "strconv"

// keys returns n distinct keys, client-IP-like strings numbered from start.
// Fixed data: the same arguments give the same keys in every run.
func keys(start, n int) [][]byte {
	ks := make([][]byte, n)
	for i := range ks {
		v := uint32(start + i)
		b := strconv.AppendUint(nil, uint64(v>>24), 10)
		for shift := 16; shift >= 0; shift -= 8 {
			b = append(b, '.')
			b = strconv.AppendUint(b, uint64(v>>shift&0xff), 10)
		}
		ks[i] = b
	}
	return ks
}

// countOf feeds ks, in runs of 1000 dealt round-robin, into parts Counters
// and merges them in order into one.
func countOf(ks [][]byte, exact bool, parts int) *Counter {
	cs := make([]*Counter, parts)
	for i := range cs {
		cs[i] = New(exact)
	}
	for i, k := range ks {
		cs[i/1000%parts].Add(k)
	}
	c := New(exact)
	for _, p := range cs {
		c.Merge(p)
	}
	return c
}
