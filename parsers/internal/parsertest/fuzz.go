package parsertest

import (
	"bytes"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// SeedLines adds every line of the top-level testdata files names to the
// seed corpus of a fuzz target whose only argument is the line.
func SeedLines(f *testing.F, names ...string) {
	f.Helper()
	for _, name := range names {
		for _, line := range ReadLines(f, name) {
			f.Add(line)
		}
	}
}

// SyntaxError returns err as the *parsers.SyntaxError a parser returns for
// line. It fails t when err is anything else, when its position is outside
// the line, or, when known is not nil, when its reason is not in known.
func SyntaxError(t testing.TB, line []byte, err error, known map[string]bool) *parsers.SyntaxError {
	t.Helper()
	se, ok := err.(*parsers.SyntaxError)
	if !ok || se.Pos < 0 || se.Pos > len(line) || known != nil && !known[se.Reason] {
		t.Fatalf("unexpected error for %q; got %#v; want a *parsers.SyntaxError with a known reason within the line", line, err)
	}
	return se
}

// Within reports whether s is a sub-slice of line: the same memory, not
// only the same bytes. An empty s is within any line.
func Within(line, s []byte) bool {
	if len(s) == 0 {
		return true
	}
	off := cap(line) - cap(s)
	return off >= 0 && off+len(s) <= len(line) && &line[off] == &s[0] && bytes.Equal(line[off:off+len(s)], s)
}
