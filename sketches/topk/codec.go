package topk

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/vigil-ops/vigil/sketches/codec"
)

// The binary form of a TopK, version 1. Integers are unsigned varints
// (encoding/binary's Uvarint, minimal length):
//
//	version     1 byte: codecVersion
//	capacity    0 while exact
//	budget      an exact-first TopK's budget, else 0
//	bound       an exact-first TopK's capacity past the budget, else 0
//	lossy       1 byte: 1 once a count may over-estimate, else 0
//	total
//	counters    their number, then per counter in counter order its key's
//	            length, count (≥ 1) and err (≤ count), then every key's
//	            bytes, concatenated in the same order
//	heap        bounded mode only: the counters in heap order
//
// Counter and heap order are kept as they are, not sorted: they decide
// which counter a later Add evicts and how a later Merge rebuilds the heap,
// so a decoded TopK goes on exactly as the original would.
const codecVersion = 1

// maxCounters bounds capacity, budget and bound: counters are int32s.
const maxCounters = math.MaxInt32

// AppendBinary appends the binary form of t to dst and returns it (the
// shape of encoding.BinaryAppender). [Decode] gives back a TopK that
// answers every query and every later Add and Merge as t does. The bytes
// depend on the sequence of Adds and Merges that made t (as its later
// evictions do), not on map order. It errors only for a TopK not made by
// New or NewExactFirst. It does not modify t; not safe for concurrent use
// with writers. Cost: the key bytes plus about 3 bytes a counter (5 in
// bounded mode), no allocation but dst's growth.
func (t *TopK) AppendBinary(dst []byte) ([]byte, error) {
	if err := t.encodable(); err != nil {
		return dst, err
	}
	lossy := byte(0)
	if t.lossy {
		lossy = 1
	}
	dst = append(dst, codecVersion)
	dst = binary.AppendUvarint(dst, uint64(t.capacity))
	dst = binary.AppendUvarint(dst, uint64(t.budget))
	dst = binary.AppendUvarint(dst, uint64(t.bound))
	dst = append(dst, lossy)
	dst = binary.AppendUvarint(dst, t.total)
	dst = binary.AppendUvarint(dst, uint64(len(t.keys)))
	for i, k := range t.keys {
		dst = binary.AppendUvarint(dst, uint64(len(k)))
		dst = binary.AppendUvarint(dst, t.counts[i])
		dst = binary.AppendUvarint(dst, t.errs[i])
	}
	for _, k := range t.keys {
		dst = append(dst, k...)
	}
	if t.capacity > 0 {
		for _, i := range t.heap.items {
			dst = binary.AppendUvarint(dst, uint64(i))
		}
	}
	return dst, nil
}

// encodable reports why t has no binary form: nil, the zero TopK, or
// sizes out of range.
func (t *TopK) encodable() error {
	switch {
	case t == nil:
		return fmt.Errorf("topk: cannot encode a nil TopK")
	case t.index == nil:
		return fmt.Errorf("topk: cannot encode a TopK not made by New")
	case t.capacity > maxCounters || t.budget > maxCounters || t.bound > maxCounters:
		return fmt.Errorf("topk: cannot encode capacity %d, budget %d, bound %d: want at most %d", t.capacity, t.budget, t.bound, maxCounters)
	case t.capacity > 0 && len(t.heap.items) != len(t.keys):
		panic(fmt.Sprintf("BUG: topk heap of %d counters for %d keys", len(t.heap.items), len(t.keys)))
	}
	return nil
}

// Decode reads a TopK in the form [TopK.AppendBinary] makes from the
// start of data and returns it and the bytes after it. The TopK does not
// alias data: its keys are substrings of one string copied from data, so
// that string stays in memory while any of them does (a Merge shares keys,
// an eviction drops one). An unknown version, truncated or corrupt input
// gives an error that says what and where (byte offsets count from
// data[0]); a counter count is checked against the bytes left before
// anything is allocated for it. Cost: the key string, the map and the
// counter slices.
func Decode(data []byte) (*TopK, []byte, error) {
	var d decoder
	d.Reset("topk", data)
	if v := d.Byte("version"); d.Err() == nil && v != codecVersion {
		return nil, nil, fmt.Errorf("topk: unknown version %d", v)
	}
	t := d.header()
	d.counters(t)
	d.heap(t)
	if err := d.Err(); err != nil {
		return nil, nil, err
	}
	return t, d.Rest(), nil
}

// header reads the fields before the counters into a new TopK.
func (d *decoder) header() *TopK {
	t := &TopK{
		capacity: d.size("capacity"),
		budget:   d.size("budget"),
		bound:    d.size("bound"),
	}
	at := d.Offset()
	switch lossy := d.Byte("lossy flag"); {
	case d.Err() != nil:
	case lossy > 1:
		d.Fail("corrupt lossy flag %d at byte %d", lossy, at)
	default:
		t.lossy = lossy == 1
	}
	t.total = d.Uvarint("total")
	return t
}

// size reads a capacity, budget or bound.
func (d *decoder) size(what string) int {
	at := d.Offset()
	n := d.Uvarint(what)
	if n > maxCounters {
		d.Fail("corrupt %s %d at byte %d: want at most %d", what, n, at, maxCounters)
		return 0
	}
	return int(n)
}

// counters reads the counters into t.
func (d *decoder) counters(t *TopK) {
	at := d.Offset()
	n := d.Count("counters", 3)
	if d.Err() == nil && t.capacity > 0 && n > t.capacity {
		d.Fail("corrupt TopK at byte %d: %d counters over its capacity of %d", at, n, t.capacity)
	}
	if d.Err() != nil {
		return
	}
	lens := make([]int, n)
	t.counts, t.errs = make([]uint64, n), make([]uint64, n)
	var sum uint64
	for i := range n {
		at = d.Offset()
		l, c, e := d.Uvarint("key length"), d.Uvarint("count"), d.Uvarint("err")
		switch {
		case d.Err() != nil:
			return
		case l > uint64(d.Left()):
			d.Fail("truncated at byte %d: key %d of %d bytes, %d left", at, i, l, d.Left())
			return
		case c == 0 || e > c:
			d.Fail("corrupt counter %d at byte %d: count %d, err %d", i, at, c, e)
			return
		}
		lens[i], t.counts[i], t.errs[i] = int(l), c, e
		sum += l // at most n·len(data): no overflow
	}
	d.keys(t, lens, sum)
}

// keys reads the concatenated keys of lengths lens, sum bytes in all, into
// t's keys and index.
func (d *decoder) keys(t *TopK, lens []int, sum uint64) {
	b := d.Bytes("keys", sum)
	if d.Err() != nil {
		return
	}
	all := string(b)
	t.keys, t.index = make([]string, len(lens)), make(map[string]int32, len(lens))
	for i, l := range lens {
		k := all[:l]
		all = all[l:]
		if _, dup := t.index[k]; dup {
			d.Fail("corrupt TopK: key %q repeated at counter %d", k, i)
			return
		}
		t.keys[i], t.index[k] = k, int32(i)
	}
}

// heap reads a bounded TopK's heap: a permutation of its counters that is
// in heap order.
func (d *decoder) heap(t *TopK) {
	if d.Err() != nil || t.capacity == 0 {
		return
	}
	n := len(t.keys)
	h := minHeap{items: make([]int32, n), at: make([]int32, n)}
	for i := range h.at {
		h.at[i] = -1
	}
	for j := range h.items {
		at := d.Offset()
		i := d.Uvarint("heap")
		switch {
		case d.Err() != nil:
			return
		case i >= uint64(n) || h.at[i] >= 0:
			d.Fail("corrupt heap at byte %d: counter %d of %d repeated or out of range", at, i, n)
			return
		case j > 0 && t.counts[h.items[(j-1)/2]] > t.counts[i]:
			d.Fail("corrupt heap at byte %d: counter %d out of heap order", at, i)
			return
		}
		h.items[j], h.at[i] = int32(i), int32(j)
	}
	t.heap = h
}

// decoder reads the binary form: a [codec.Decoder] with this form's
// field readers.
type decoder struct{ codec.Decoder }
