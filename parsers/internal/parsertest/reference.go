package parsertest

import (
	"math/big"
	"regexp"
	"time"

	"github.com/vigil-ops/vigil/parsers"
)

// The references of the parsers' tests: slow, independent readings, with
// regexp, time.Parse and math/big, of what package parsers shares.

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

// EpochExp is the reference for [parsers.EpochScale]: the power of ten
// that turns the epoch number x into Unix nanoseconds, by the magnitude
// of its whole part (below 1e11 seconds, 1e14 ms, 1e17 µs, else ns).
func EpochExp(x *big.Rat) int64 {
	whole := new(big.Int).Quo(x.Num(), x.Denom())
	switch {
	case whole.Cmp(big.NewInt(1e11)) < 0:
		return 9
	case whole.Cmp(big.NewInt(1e14)) < 0:
		return 6
	case whole.Cmp(big.NewInt(1e17)) < 0:
		return 3
	}
	return 0
}

// Epoch is the reference for [parsers.ParseEpoch]: the non-negative
// decimal number s in Unix nanoseconds, its unit by EpochExp, truncated,
// and false when that does not fit in an int64. It panics when s is not a
// number: callers check its shape first.
func Epoch(s string) (int64, bool) {
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("BUG: parsertest.Epoch: not a number: " + s)
	}
	return Scale(x, EpochExp(x))
}

var clfShape = regexp.MustCompile(`^[0-9]{2}/[A-Za-z]{3}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-]([0-9]{2})([0-9]{2})$`)

// CLFTime is the reference for [parsers.ParseCLFTime]: the exact shape by
// regexp, the value by time.Parse, and by hand the ranges time.Parse does
// not check (a zone of +2400, the years); Unix nanoseconds, false when s
// is not such a time.
func CLFTime(s string) (int64, bool) {
	m := clfShape.FindStringSubmatch(s)
	if m == nil || m[1] > "23" || m[2] > "59" {
		return 0, false
	}
	t, err := time.Parse("02/Jan/2006:15:04:05 -0700", s)
	if err != nil || t.Year() < parsers.MinYear || t.Year() > parsers.MaxYear {
		return 0, false
	}
	return t.UnixNano(), true
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

// Dash is the reference for [parsers.Dash]: nil for "" and "-", else b.
func Dash(b []byte) []byte {
	if len(b) == 0 || string(b) == "-" {
		return nil
	}
	return b
}

var (
	request3 = regexp.MustCompile(`(?s)^ *([^ ]+)(?: +(.*[^ ]))?? +(HTTP/[^ ]*) *$`)
	request2 = regexp.MustCompile(`(?s)^ *([^ ]+) +(.*[^ ]) *$`)
	request1 = regexp.MustCompile(`(?s)^ *([^ ]*) *$`)
)

// Request is the reference for [parsers.SplitRequest]: the method, target
// and protocol of a request line, "-" and "" being nil.
func Request(v []byte) (method, target, proto []byte) {
	if m := request3.FindSubmatch(v); m != nil {
		return Dash(m[1]), Dash(m[2]), m[3]
	} else if m := request2.FindSubmatch(v); m != nil {
		return Dash(m[1]), Dash(m[2]), nil
	} else if m := request1.FindSubmatch(v); m != nil {
		return nil, Dash(m[1]), nil
	}
	return nil, nil, nil
}

var addr = regexp.MustCompile(`(?s)^(?:\[(.+)\]|(.+)):[0-9]{1,18}$`)

// HostOfAddr is the reference for [parsers.HostOfAddr]: the host of
// "host:port" or "[host]:port", and false when v is not such an address.
func HostOfAddr(v []byte) ([]byte, bool) {
	m := addr.FindSubmatch(v)
	if m == nil {
		return nil, false
	}
	if m[1] == nil {
		return m[2], true
	}
	return m[1], true
}
