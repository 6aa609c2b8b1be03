package useragent

// The rule index: every rule is filed under the bigram of its token's first
// two bytes (a one-byte token under every bigram it can start), so that
// Classify tries at each position only the few rules that can match there.

// bigram hashes two bytes into [0, 4096). Lower-case letters, digits and
// most punctuation keep their low six bits distinct enough; collisions only
// cost a comparison.
func bigram(a, b byte) int {
	return int(a&63)<<6 | int(b&63)
}

// index maps a bigram to its bucket in buckets, which hold rule indices in
// ascending order; bucket 0 is empty.
var index, buckets = buildIndex()

func buildIndex() (idx *[4096]uint8, bs [][]uint8) {
	if len(rules) > 255 {
		panic("BUG: too many user-agent rules for uint8 indices")
	}
	idx = new([4096]uint8)
	bs = [][]uint8{nil}
	add := func(k, ri int) {
		if idx[k] == 0 {
			if len(bs) > 255 {
				panic("BUG: too many user-agent rule buckets")
			}
			idx[k] = uint8(len(bs))
			bs = append(bs, nil)
		}
		bs[idx[k]] = append(bs[idx[k]], uint8(ri))
	}
	for ri := range rules {
		t := rules[ri].token
		if len(t) > 1 {
			add(bigram(t[0], t[1]), ri)
			continue
		}
		for b := range 64 {
			add(bigram(t[0], byte(b)), ri)
		}
	}
	return idx, bs
}
