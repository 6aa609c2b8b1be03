package codec

import (
	"encoding/binary"
	"fmt"
)

// Decoder reads a binary form from the start of a byte slice. The first
// failure sticks: later reads return zero values, so a caller checks
// [Decoder.Err] once after a group of reads. Errors start with the name
// given to [Decoder.Reset] and give the byte offset from the start of the
// data, such as "topk: truncated at byte 7 reading count". The zero
// Decoder reads empty data. Not safe for concurrent use. It does not
// allocate but for errors.
type Decoder struct {
	name string
	data []byte
	off  int
	err  error
}

// Reset makes d read data from its start, naming its errors name. d
// aliases data until the next Reset.
func (d *Decoder) Reset(name string, data []byte) {
	*d = Decoder{name: name, data: data}
}

// Err returns the first failure, or nil.
func (d *Decoder) Err() error { return d.err }

// Offset returns the number of bytes read: the offset of the next one.
func (d *Decoder) Offset() int { return d.off }

// Left returns the number of bytes not yet read.
func (d *Decoder) Left() int { return len(d.data) - d.off }

// Rest returns the bytes not yet read; it aliases the data.
func (d *Decoder) Rest() []byte { return d.data[d.off:] }

// Skip moves past n bytes of [Decoder.Rest] that a caller has read, such
// as a nested form that another package's Decode read.
func (d *Decoder) Skip(n int) {
	if n < 0 || n > d.Left() {
		panic(fmt.Sprintf("BUG: codec: skip of %d bytes with %d left", n, d.Left()))
	}
	d.off += n
}

// Fail records a failure, prefixed with the decoder's name, unless one is
// recorded already.
func (d *Decoder) Fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(d.name+": "+format, args...)
	}
}

// Byte reads one byte; what names it in the error.
func (d *Decoder) Byte(what string) byte {
	if d.err == nil && d.off >= len(d.data) {
		d.Fail("truncated at byte %d reading %s", d.off, what)
	}
	if d.err != nil {
		return 0
	}
	d.off++
	return d.data[d.off-1]
}

// Uvarint reads an unsigned varint, rejecting overlong forms (which would
// not encode back to the same bytes).
func (d *Decoder) Uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.off:])
	switch {
	case n == 0:
		d.Fail("truncated at byte %d reading %s", d.off, what)
		return 0
	case n < 0 || (n > 1 && d.data[d.off+n-1] == 0):
		d.Fail("corrupt varint at byte %d reading %s", d.off, what)
		return 0
	}
	d.off += n
	return v
}

// Varint reads a zigzag varint, as binary.AppendVarint writes it.
func (d *Decoder) Varint(what string) int64 {
	v := d.Uvarint(what)
	return int64(v>>1) ^ -int64(v&1)
}

// Uint64 reads 8 bytes, little-endian.
func (d *Decoder) Uint64(what string) uint64 {
	if d.err == nil && d.Left() < 8 {
		d.Fail("truncated at byte %d reading %s", d.off, what)
	}
	if d.err != nil {
		return 0
	}
	d.off += 8
	return binary.LittleEndian.Uint64(d.data[d.off-8:])
}

// Count reads the number of items that follow, each at least size bytes
// (size ≥ 1), and fails unless that many fit in the bytes left: a corrupt
// count never makes the caller allocate more than the input could fill.
func (d *Decoder) Count(what string, size int) int {
	at := d.off
	n := d.Uvarint(what)
	if left := d.Left(); d.err == nil && n > uint64(left/size) {
		d.Fail("truncated at byte %d: %d %s need at least %d bytes each, %d left", at, n, what, size, left)
	}
	if d.err != nil {
		return 0
	}
	return int(n)
}

// Bytes reads the next n bytes, failing unless that many are left; the
// result aliases the data.
func (d *Decoder) Bytes(what string, n uint64) []byte {
	if left := d.Left(); d.err == nil && n > uint64(left) {
		d.Fail("truncated at byte %d: %s of %d bytes, %d left", d.off, what, n, left)
	}
	if d.err != nil {
		return nil
	}
	d.off += int(n)
	return d.data[d.off-int(n) : d.off]
}
