package parsertest

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
)

// ReadLines returns the lines, without '\n', of the file name in the
// repository's top-level testdata, read from a test of a package two levels
// below the root (parsers/<format>). It fails t when the file cannot be read.
func ReadLines(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile("../../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

// RecordDiff returns cmp.Diff(want, got), "" when the records are equal;
// it is fast in that case, the common one.
func RecordDiff(want, got parsers.Record) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return cmp.Diff(want, got)
}

// NoAllocs checks the zero-allocation claim of p: parsing all of lines in
// turn, valid and invalid alike, allocates nothing (testing.AllocsPerRun
// over 20 runs). what names the lines in the failure message.
func NoAllocs(t testing.TB, p Parser, lines [][]byte, what string) {
	t.Helper()
	var r parsers.Record
	if n := testing.AllocsPerRun(20, func() {
		for _, line := range lines {
			_ = p.Parse(line, &r)
		}
	}); n >= 1 {
		t.Fatalf("unexpected allocations for %s; got %v per run; want 0", what, n)
	}
}
