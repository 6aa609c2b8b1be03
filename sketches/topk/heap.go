package topk

// minHeap orders counters by count, least first, and remembers where each
// counter sits in the heap so that a counter whose count grew can be moved
// down in O(log n) without searching for it. The methods take the counts,
// indexed by counter.
type minHeap struct {
	items []int32 // heap of counters
	at    []int32 // at[i] is the index in items of counter i
}

func (h *minHeap) min() int32 { return h.items[0] }

func (h *minHeap) push(counts []uint64, i int32) {
	h.at = append(h.at, int32(len(h.items)))
	h.items = append(h.items, i)
	h.up(counts, len(h.items)-1)
}

// increased restores the order after the count of counters[i] grew.
func (h *minHeap) increased(counts []uint64, i int32) {
	h.down(counts, int(h.at[i]))
}

// rebuild orders all counters.
func (h *minHeap) rebuild(counts []uint64) {
	h.reset()
	for i := range counts {
		h.at = append(h.at, int32(i))
		h.items = append(h.items, int32(i))
	}
	for j := len(h.items)/2 - 1; j >= 0; j-- {
		h.down(counts, j)
	}
}

func (h *minHeap) reset() {
	h.items = h.items[:0]
	h.at = h.at[:0]
}

func (h *minHeap) up(counts []uint64, j int) {
	for j > 0 {
		parent := (j - 1) / 2
		if counts[h.items[parent]] <= counts[h.items[j]] {
			return
		}
		h.swap(parent, j)
		j = parent
	}
}

func (h *minHeap) down(counts []uint64, j int) {
	n := len(h.items)
	for {
		least := j
		if l := 2*j + 1; l < n && counts[h.items[l]] < counts[h.items[least]] {
			least = l
		}
		if r := 2*j + 2; r < n && counts[h.items[r]] < counts[h.items[least]] {
			least = r
		}
		if least == j {
			return
		}
		h.swap(j, least)
		j = least
	}
}

func (h *minHeap) swap(a, b int) {
	h.items[a], h.items[b] = h.items[b], h.items[a]
	h.at[h.items[a]] = int32(a)
	h.at[h.items[b]] = int32(b)
}
