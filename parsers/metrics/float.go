package metrics

import (
	"math"
	"strconv"
)

// parseFloat parses a decimal floating-point number, all of b:
// [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?, and, when
// specials is set, NaN, Inf and Infinity (any case; the infinities with an
// optional sign). Hex floats and underscores, which strconv accepts, are
// rejected, as are numbers beyond float64's range. The result is
// strconv.ParseFloat's: correctly rounded.
//
// It allocates nothing unless the number is longer than 32 bytes and
// misses the exact fast path.
func parseFloat(b []byte, specials bool) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	i, neg := 0, false
	if b[0] == '+' || b[0] == '-' {
		neg, i = b[0] == '-', 1
	}
	if i < len(b) && b[i]|0x20 >= 'a' && b[i]|0x20 <= 'z' {
		return special(b, i, neg, specials)
	}
	// Fast path (Clinger): at most 19 significant digits, a mantissa
	// below 2^53 and a power of ten below 10^23 are exact in float64,
	// so one multiplication or division rounds correctly.
	var mant uint64
	digits, exp, sawDigit, sawDot := 0, 0, false, false
scan:
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == '.' && !sawDot:
			sawDot = true
		case !isDigit(c):
			break scan
		case mant == 0 && c == '0':
			// A leading zero: not significant, but it shifts a fraction.
			sawDigit = true
			if sawDot {
				exp--
			}
		default:
			sawDigit = true
			if digits++; digits <= 19 {
				mant = mant*10 + uint64(c-'0')
				if sawDot {
					exp--
				}
			}
			// Past 19 digits only the slow path is exact; it rereads b.
		}
	}
	if !sawDigit {
		return 0, false
	}
	if i < len(b) {
		e, ok := exponent(b[i:])
		if !ok {
			return 0, false
		}
		exp += e
	}
	if mant == 0 {
		return signed(0, neg), true
	}
	if digits <= 19 && mant < 1<<53 && exp >= -22 && exp <= 22 {
		f := float64(mant)
		if exp < 0 {
			f /= pow10[-exp]
		} else {
			f *= pow10[exp]
		}
		return signed(f, neg), true
	}
	// Slow path. b has been checked: only a range error remains.
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// exponent parses [eE][+-]?digits, all of b, clamped to ±100000 (well past
// float64's range, so a longer exponent cannot overflow an int).
func exponent(b []byte) (int, bool) {
	if len(b) < 2 || b[0]|0x20 != 'e' {
		return 0, false
	}
	i, neg := 1, false
	if b[1] == '+' || b[1] == '-' {
		neg, i = b[1] == '-', 2
	}
	if i == len(b) {
		return 0, false
	}
	e := 0
	for ; i < len(b); i++ {
		if !isDigit(b[i]) {
			return 0, false
		}
		if e < 100000 {
			e = e*10 + int(b[i]-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

// special parses NaN, Inf or Infinity (any case) at b[i:], the end of b.
func special(b []byte, i int, neg, specials bool) (float64, bool) {
	if !specials {
		return 0, false
	}
	w := b[i:]
	switch {
	case equalFold(w, "inf") || equalFold(w, "infinity"):
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case i == 0 && equalFold(w, "nan"):
		return math.NaN(), true
	}
	return 0, false
}

// equalFold reports whether b is lower, ignoring ASCII case; lower is
// lower-case letters.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

func signed(f float64, neg bool) float64 {
	if neg {
		return -f
	}
	return f
}

func isDigit(c byte) bool { return c-'0' <= 9 }

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseInt parses [+-]?digits, all of b, to an int64, false on overflow.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		b = b[1:]
	}
	u, ok := parseUint(b)
	switch {
	case !ok:
		return 0, false
	case neg && u <= 1<<63:
		return int64(-u), true // -u wraps to MinInt64 for 1<<63
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// parseUint parses digits, all of b, to a uint64, false on overflow.
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	return u, true
}
