package quantile

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/vigil-ops/vigil/sketches/codec"
)

// The binary form of a Sketch, version 1. Integers are unsigned varints
// (encoding/binary's Uvarint, minimal length) unless said otherwise:
//
//	version     1 byte: codecVersion
//	mode        1 byte: 0 exact, 1 histogram
//	budget      the exact budget (0 for a sketch made by NewHistogram)
//	bucket bits
//	min, max    histogram only, zigzag varints; an exact sketch's are its
//	            first and last values
//	sum         8 bytes, IEEE 754 binary64, little-endian
//	entries     their number, then per entry in ascending order the value
//	            (the first as a zigzag varint, each later one as its gap
//	            from the previous, ≥ 1) and its count (≥ 1)
//
// The count of values is the sum of the entries' counts. Every field is in
// one canonical form, so Decode accepts exactly what AppendBinary makes.
const codecVersion = 1

const (
	modeExact     = 0
	modeHistogram = 1
	// maxBucketBits is the finest resolution bucketLow can shift for:
	// 1<<(bits+1) must stay a positive int64.
	maxBucketBits = 61
)

// AppendBinary appends the binary form of s to dst and returns it (the
// shape of encoding.BinaryAppender). [Decode] gives back a sketch that
// answers every query and every later Add and Merge as s does. The form
// holds the mode, budget and resolution, so it is self-contained; it
// depends only on the values counted, not on the order of Add and Merge
// calls. It errors only for a sketch not made by New or NewHistogram.
// It sorts the table's keys if a new key came since the last query (as
// Quantile does), so it is not safe for concurrent use with anything.
// Cost: about two bytes per distinct value or bucket, no allocation but
// dst's growth.
func (s *Sketch) AppendBinary(dst []byte) ([]byte, error) {
	if err := s.encodable(); err != nil {
		return dst, err
	}
	mode := byte(modeExact)
	if s.hist {
		mode = modeHistogram
	}
	dst = append(dst, codecVersion, mode)
	dst = binary.AppendUvarint(dst, uint64(s.budget))
	dst = binary.AppendUvarint(dst, uint64(s.bucketBits))
	if s.hist {
		dst = binary.AppendVarint(dst, s.min)
		dst = binary.AppendVarint(dst, s.max)
	}
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(s.sum))
	keys := s.keys()
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for i, k := range keys {
		if i == 0 {
			dst = binary.AppendVarint(dst, k)
		} else {
			dst = binary.AppendUvarint(dst, uint64(k)-uint64(keys[i-1]))
		}
		dst = binary.AppendUvarint(dst, s.table[k])
	}
	return dst, nil
}

// encodable reports why s has no binary form: a nil or zero Sketch, or a
// resolution that bucketLow cannot use.
func (s *Sketch) encodable() error {
	switch {
	case s == nil:
		return fmt.Errorf("quantile sketch: cannot encode a nil Sketch")
	case s.table == nil || (!s.hist && s.budget <= 0) || s.budget < 0:
		return fmt.Errorf("quantile sketch: cannot encode a Sketch not made by New or NewHistogram")
	case s.bucketBits < 0 || s.bucketBits > maxBucketBits:
		return fmt.Errorf("quantile sketch: cannot encode bucket bits %d: want 0 to %d", s.bucketBits, maxBucketBits)
	}
	return nil
}

// Decode reads a sketch in the form [Sketch.AppendBinary] makes from the
// start of data and returns it and the bytes after it. The sketch does not
// alias data. An unknown version, truncated or corrupt input gives an
// error that says what and where (byte offsets count from data[0]); an
// entry count is checked against the bytes left before anything is
// allocated for it. Cost: one map of the entries and one slice of their
// keys (which also serves as the sorted-keys cache).
func Decode(data []byte) (*Sketch, []byte, error) {
	var d decoder
	d.Reset("quantile sketch", data)
	if v := d.Byte("version"); d.Err() == nil && v != codecVersion {
		return nil, nil, fmt.Errorf("quantile sketch: unknown version %d", v)
	}
	s := d.header()
	d.table(s)
	if err := d.Err(); err != nil {
		return nil, nil, err
	}
	return s, d.Rest(), nil
}

// header reads the fields before the entries into a new sketch.
func (d *decoder) header() *Sketch {
	s := &Sketch{}
	at := d.Offset()
	switch mode := d.Byte("mode"); {
	case d.Err() != nil:
	case mode > modeHistogram:
		d.Fail("corrupt mode %d at byte %d", mode, at)
	default:
		s.hist = mode == modeHistogram
	}
	at = d.Offset()
	budget := d.Uvarint("budget")
	if budget > math.MaxInt || (!s.hist && budget == 0) {
		d.Fail("corrupt budget %d at byte %d", budget, at)
	}
	at = d.Offset()
	bits := d.Uvarint("bucket bits")
	if bits > maxBucketBits {
		d.Fail("corrupt bucket bits %d at byte %d: want at most %d", bits, at, maxBucketBits)
	}
	s.budget, s.bucketBits = int(budget), int(bits)
	if s.hist {
		s.min, s.max = d.Varint("min"), d.Varint("max")
	}
	s.sum = math.Float64frombits(d.Uint64("sum"))
	return s
}

// table reads the entries into s and checks them against its mode and
// bounds.
func (d *decoder) table(s *Sketch) {
	at := d.Offset()
	n := d.Count("entries", 2)
	if d.Err() != nil {
		return
	}
	if !s.hist && n > s.budget {
		d.Fail("corrupt exact sketch at byte %d: %d entries over its budget of %d", at, n, s.budget)
		return
	}
	s.table, s.sorted = make(map[int64]uint64, n), make([]int64, 0, n)
	for i := range n {
		at = d.Offset()
		k := d.key(s.sorted, i)
		c := d.Uvarint("count")
		switch {
		case d.Err() != nil:
			return
		case c == 0:
			d.Fail("corrupt count 0 of entry %d at byte %d", i, at)
			return
		case s.hist && s.bucketLow(k) != k:
			d.Fail("corrupt histogram at byte %d: %d is not a bucket's lowest value", at, k)
			return
		}
		s.table[k] = c
		s.sorted = append(s.sorted, k)
		s.n += c
	}
	d.bounds(s)
}

// key reads the i-th key, given the keys before it.
func (d *decoder) key(prev []int64, i int) int64 {
	if i == 0 {
		return d.Varint("value")
	}
	at := d.Offset()
	last := prev[i-1]
	gap := d.Uvarint("value gap")
	if d.Err() == nil && (gap == 0 || gap > uint64(math.MaxInt64)-uint64(last)) {
		d.Fail("corrupt value gap %d at byte %d: values must ascend within int64", gap, at)
	}
	return int64(uint64(last) + gap)
}

// bounds sets an exact sketch's min and max from its values and checks a
// histogram's against its buckets.
func (d *decoder) bounds(s *Sketch) {
	keys := s.sorted
	switch {
	case d.Err() != nil:
	case len(keys) == 0:
		if s.min != 0 || s.max != 0 {
			d.Fail("corrupt empty sketch: min %d and max %d, want 0", s.min, s.max)
		}
	case !s.hist:
		s.min, s.max = keys[0], keys[len(keys)-1]
	case s.min > s.max || keys[0] > s.min || keys[len(keys)-1] > s.max:
		d.Fail("corrupt histogram: min %d and max %d do not hold its buckets %d to %d", s.min, s.max, keys[0], keys[len(keys)-1])
	}
}

// decoder reads the binary form: a [codec.Decoder] with this form's
// field readers.
type decoder struct{ codec.Decoder }
