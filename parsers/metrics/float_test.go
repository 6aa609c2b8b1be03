package metrics

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestParseFloat compares parseFloat with strconv.ParseFloat on the
// numbers both accept, and checks what it rejects.
func TestParseFloat(t *testing.T) {
	f := func(s string, specials, ok bool) {
		t.Helper()
		got, gotOK := parseFloat([]byte(s), specials)
		if gotOK != ok {
			t.Fatalf("unexpected ok for %q (specials %v); got %v; want %v", s, specials, gotOK, ok)
		}
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("unexpected value for %q; got %v; want %v (%v)", s, got, want, err)
		}
	}
	for _, s := range []string{
		"0", "-0", "+0", "1", "-1", "0.1", ".5", "5.", "00012.5000", "1e3", "1E-3", "-1.5e+10",
		"87.5", "61.13", "8.151785472e+09", "2.3184e-05", "0.000981313", "83.91959798994975",
		"12.060301507537687", "9007199254740993", "123456789012345678901234567890",
		"0.1000000000000000055511151231257827", "1e22", "1e23", "4.9e-324", "1.7976931348623157e308",
		"0.000000000000000000000000000000000000001", "1e-400",
	} {
		f(s, false, true)
	}
	for _, s := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "inf", "-infinity", "INFINITY"} {
		f(s, true, true)
		f(s, false, false)
	}
	for _, s := range []string{
		"", "+", "-", ".", "e3", "1e", "1e+", "1.2.3", "1..2", "--1", "0x10", "0x1p3", "1_000",
		"+NaN", "-nan", "infin", "in", "1e400", "-1e400", "1 ", " 1", "1,5", "١",
	} {
		f(s, true, false)
	}
	// A very long exponent does not overflow.
	f("1e"+strings.Repeat("9", 30), true, false)
	f("1e-"+strings.Repeat("9", 30), true, true)
}

func TestParseInt(t *testing.T) {
	f := func(s string, want int64, ok bool) {
		t.Helper()
		got, gotOK := parseInt([]byte(s))
		if gotOK != ok || ok && got != want {
			t.Fatalf("unexpected result for %q; got %d, %v; want %d, %v", s, got, gotOK, want, ok)
		}
	}
	f("0", 0, true)
	f("-12", -12, true)
	f("+12", 12, true)
	f("9223372036854775807", math.MaxInt64, true)
	f("-9223372036854775808", math.MinInt64, true)
	f("9223372036854775808", 0, false)
	f("-9223372036854775809", 0, false)
	f("", 0, false)
	f("-", 0, false)
	f("1a", 0, false)
}
