package parsertest

import (
	"bytes"
	"math/big"
	"os"
	"reflect"
	"regexp"
	"testing"
	"time"

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

// Decimal returns the non-negative decimal number s ("12", "0.250") times
// 10^exp, truncated toward zero, and false when that does not fit in an
// int64. It panics when s is not a number: callers check its shape first.
func Decimal(s string, exp int64) (int64, bool) {
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("BUG: parsertest.Decimal: not a number: " + s)
	}
	return Scale(x, exp)
}

// Scale returns x times 10^exp, truncated toward zero, and false when that
// does not fit in an int64. It does not modify x.
func Scale(x *big.Rat, exp int64) (int64, bool) {
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(max(exp, -exp)), nil))
	y := new(big.Rat)
	if exp >= 0 {
		y.Mul(x, p)
	} else {
		y.Quo(x, p)
	}
	n := new(big.Int).Quo(y.Num(), y.Denom())
	if !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

var isoShape = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:[.,]([0-9]+))?([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)$`)

// ISO8601 is the reference for [parsers.ParseISO8601] (zone required): it
// reads the shape with a regexp and the value with time.Parse, and returns
// Unix nanoseconds, false when s is not such a time or its year is outside
// [parsers.MinYear, parsers.MaxYear].
func ISO8601(s string) (int64, bool) {
	m := isoShape.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	frac, zone := m[3], m[4]
	if len(frac) > 9 {
		frac = frac[:9]
	}
	switch {
	case zone == "z" || zone == "Z":
		zone = "Z"
	case len(zone) == 3:
		zone += ":00"
	case len(zone) == 5:
		zone = zone[:3] + ":" + zone[3:]
	}
	if zone != "Z" && (zone[1:3] > "23" || zone[4:6] > "59") {
		return 0, false
	}
	v := m[1] + "T" + m[2]
	if frac != "" {
		v += "." + frac
	}
	t, err := time.Parse(time.RFC3339Nano, v+zone)
	if err != nil || t.Year() < parsers.MinYear || t.Year() > parsers.MaxYear {
		return 0, false
	}
	return t.UnixNano(), true
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
