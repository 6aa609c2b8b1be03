package topk

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
)

// zipfKeys returns a stream of n IPv4 addresses whose ranks follow a Zipf
// distribution with exponent s over `distinct` addresses, from a fixed
// seed. Rank r maps to an address by a fixed bijection, so that the
// lexical order of addresses is unrelated to their frequency.
func zipfKeys(seed uint64, n int, s float64, distinct uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 7))
	z := rand.NewZipf(r, s, 1, distinct-1)
	keys := make([][]byte, n)
	for i := range keys {
		ip := uint32(z.Uint64()) * 2654435761 // odd: a bijection mod 2³²
		keys[i] = fmt.Appendf(nil, "%d.%d.%d.%d", ip>>24, ip>>16&0xff, ip>>8&0xff, ip&0xff)
	}
	return keys
}

// exactCounts counts keys with weight weightOf(i) for the i-th.
func exactCounts(keys [][]byte, weightOf func(int) uint64) map[string]uint64 {
	m := map[string]uint64{}
	for i, k := range keys {
		m[string(k)] += weightOf(i)
	}
	return m
}

// exactTop returns all keys of m ordered by count descending, then key.
func exactTop(m map[string]uint64) []Item {
	items := make([]Item, 0, len(m))
	for k, c := range m {
		items = append(items, Item{Key: k, Count: c})
	}
	slices.SortFunc(items, func(a, b Item) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return items
}

// summarize feeds keys into parts TopKs of the given capacity, in runs of
// 1000 dealt round-robin, and merges them into one in order.
func summarize(keys [][]byte, weightOf func(int) uint64, capacity, parts int) *TopK {
	ts := make([]*TopK, parts)
	for i := range ts {
		ts[i] = New(capacity)
	}
	for i, k := range keys {
		ts[i/1000%parts].Add(k, weightOf(i))
	}
	t := New(capacity)
	for _, p := range ts {
		t.Merge(p)
	}
	return t
}

func one(int) uint64 { return 1 }

// bytesWeight is a request size in bytes, as top-k by traffic would add.
func bytesWeight(i int) uint64 { return uint64(200 + i%1300) }
