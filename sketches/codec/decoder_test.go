package codec

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// form is a valid form holding one of each field Decoder reads.
func form() []byte {
	b := []byte{7}
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendVarint(b, -5)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(1.5))
	b = binary.AppendUvarint(b, 2)
	return append(b, "abc"...)
}

// read reads form's fields, as a sketch's Decode would.
func read(d *Decoder) (b byte, u uint64, v int64, f float64, n int, key string) {
	b, u, v = d.Byte("b"), d.Uvarint("u"), d.Varint("v")
	f = math.Float64frombits(d.Uint64("f"))
	n = d.Count("items", 1)
	key = string(d.Bytes("key", 3))
	return b, u, v, f, n, key
}

func TestDecoderSuccess(t *testing.T) {
	data := append(form(), "rest"...)
	var d Decoder
	d.Reset("test", data)
	b, u, v, f, n, key := read(&d)
	if err := d.Err(); err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if b != 7 || u != 300 || v != -5 || f != 1.5 || n != 2 || key != "abc" {
		t.Errorf("unexpected fields; got %d, %d, %d, %g, %d, %q; want 7, 300, -5, 1.5, 2, \"abc\"", b, u, v, f, n, key)
	}
	if got, want := d.Offset(), len(data)-4; got != want {
		t.Errorf("unexpected offset; got %d; want %d", got, want)
	}
	if got := string(d.Rest()); got != "rest" || d.Left() != 4 {
		t.Errorf("unexpected rest; got %q, %d left; want \"rest\", 4", got, d.Left())
	}
	d.Skip(4)
	if d.Left() != 0 || d.Err() != nil {
		t.Errorf("unexpected state after Skip; got %d left, %v; want 0, nil", d.Left(), d.Err())
	}
	d.Reset("test", data)
	if got := d.Byte("b"); got != 7 || d.Offset() != 1 {
		t.Errorf("unexpected read after Reset; got %d at %d; want 7 at 1", got, d.Offset())
	}
}

func TestDecoderFailure(t *testing.T) {
	f := func(name string, data []byte, want string) {
		t.Helper()
		var d Decoder
		d.Reset("test", data)
		_, _, _, _, _, key := read(&d)
		if err := d.Err(); err == nil || err.Error() != want {
			t.Errorf("unexpected error for %q; got %v; want %q", name, err, want)
		}
		if key != "" { // the last read: at or after the failure
			t.Errorf("unexpected key for %q; got %q; want none", name, key)
		}
	}
	valid := form()
	f("empty", nil, "test: truncated at byte 0 reading b")
	f("varint", valid[:2], "test: truncated at byte 1 reading u")
	f("overlong varint", []byte{7, 0x80, 0x00}, "test: corrupt varint at byte 1 reading u")
	f("varint overflow", append([]byte{7}, strings.Repeat("\xff", 11)...), "test: corrupt varint at byte 1 reading u")
	f("uint64", valid[:10], "test: truncated at byte 4 reading f")
	f("count", append(valid[:12:12], 9, 'a', 'b'), "test: truncated at byte 12: 9 items need at least 1 bytes each, 2 left")
	f("huge count", binary.AppendUvarint(valid[:12:12], math.MaxUint64), "test: truncated at byte 12: 18446744073709551615 items need at least 1 bytes each, 0 left")
	f("bytes", valid[:len(valid)-1], "test: truncated at byte 13: key of 3 bytes, 2 left")
}

// TestDecoderFirstFailure checks that the first failure sticks.
func TestDecoderFirstFailure(t *testing.T) {
	var d Decoder
	d.Reset("test", []byte{1})
	d.Fail("first %d", 1)
	d.Fail("second")
	if got := d.Byte("b"); got != 0 || d.Offset() != 0 {
		t.Errorf("unexpected read after a failure; got %d at %d; want 0 at 0", got, d.Offset())
	}
	if err := d.Err(); err == nil || err.Error() != "test: first 1" {
		t.Errorf("unexpected error; got %v; want \"test: first 1\"", err)
	}
}

func TestDecoderSkipPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "BUG: ") {
			t.Errorf("unexpected recover for a Skip past the end; got %v; want a BUG panic", r)
		}
	}()
	var d Decoder
	d.Reset("test", []byte{1})
	d.Skip(2)
}

func TestDecoderAllocs(t *testing.T) {
	data := form()
	var d Decoder
	if n := testing.AllocsPerRun(100, func() {
		d.Reset("test", data)
		d.Byte("b")
		d.Uvarint("u")
		d.Varint("v")
		d.Uint64("f")
		d.Count("items", 1)
		d.Bytes("key", 3)
	}); n >= 1 || d.Err() != nil {
		t.Errorf("unexpected allocations; got %g, %v; want < 1, nil", n, d.Err())
	}
}
