// Package codectest holds what the tests of the binary forms share (it is
// imported by tests only): hand-made forms, encoding that fails the test
// on error, and the check that every cut of a valid form is rejected as
// truncated. Its functions are safe for
// concurrent use.
package codectest

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"
)

// Form builds a binary form by hand: a byte as itself, a uint64 as a
// varint, an int64 as a zigzag varint, a float64 in 8 bytes
// (little-endian), a string or []byte as is. It panics for any other type.
func Form(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch p := p.(type) {
		case byte:
			b = append(b, p)
		case uint64:
			b = binary.AppendUvarint(b, p)
		case int64:
			b = binary.AppendVarint(b, p)
		case float64:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p))
		case string:
			b = append(b, p...)
		case []byte:
			b = append(b, p...)
		default:
			panic(fmt.Sprintf("BUG: codectest.Form of %T", p))
		}
	}
	return b
}

// CheckTruncated checks that decode rejects every proper prefix of form,
// a valid form named name, as truncated.
func CheckTruncated(t testing.TB, name string, form []byte, decode func([]byte) error) {
	t.Helper()
	for n := range len(form) {
		if err := decode(form[:n]); err == nil || !strings.Contains(err.Error(), "truncated at byte") {
			t.Fatalf("unexpected error for %s cut to %d of %d bytes; got %v; want truncated", name, n, len(form), err)
		}
	}
}

// Encoder is what [MustEncode] encodes: a sketch, a table, a window.
type Encoder interface {
	AppendBinary(dst []byte) ([]byte, error)
}

// MustEncode returns the binary form of v, or fails the test.
func MustEncode[T Encoder](t testing.TB, v T) []byte {
	t.Helper()
	b, err := v.AppendBinary(nil)
	if err != nil {
		t.Fatalf("unexpected error encoding: %v", err)
	}
	return b
}
