package filesrc

import (
	"errors"
	"io"
	"strconv"
)

// DamagedError reports a compressed input that ends early or is corrupt.
// Read returns it after emitting every whole line decompressed before the
// damage, so a caller can report what was read and tell damage from other
// failures with errors.As.
type DamagedError struct {
	// Path is the input's path, "-" for standard input.
	Path string
	// Compression is "gzip" or "zstd".
	Compression string
	// Bytes counts the decompressed bytes read before the damage,
	// including those of a partial line that was dropped.
	Bytes uint64
	// Line is the number of the last whole line read: lines 1 to Line
	// were emitted (or counted as too long), later ones are lost.
	Line uint64
	// Partial says that the input ended inside a line, which was dropped.
	Partial bool
	// Err is the decoder's error (io.ErrUnexpectedEOF for a cut file).
	Err error
}

// Error says what went wrong, where, and how far reading got, e.g.
// "x.gz: unexpected end of gzip data after 1,234,567 decompressed bytes
// (line 4,321); the partial line at the end is dropped".
func (e *DamagedError) Error() string {
	s := displayName(e.Path) + ": "
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		s += "unexpected end of " + e.Compression + " data"
	} else {
		s += "damaged " + e.Compression + " data (" + e.Err.Error() + ")"
	}
	s += " after " + commas(e.Bytes) + " decompressed bytes (line " + commas(e.Line) + ")"
	if e.Partial {
		s += "; the partial line at the end is dropped"
	}
	return s
}

// Unwrap returns Err.
func (e *DamagedError) Unwrap() error { return e.Err }

// damage marks a decoder's error, as opposed to an error reading the
// underlying file; the cutter turns it into a DamagedError.
type damage struct{ err error }

func (d *damage) Error() string { return d.err.Error() }

// displayName is how messages name an input.
func displayName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// commas formats n with thousands separators: 1,234,567.
func commas(n uint64) string {
	s := strconv.FormatUint(n, 10)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
