package jsonlog

import (
	"math"
	"math/bits"
)

// decimal is a non-negative number mant × 10^exp read exactly from the text
// of a JSON number, so that 1716723772.6014807 s is 1716723772601480700 ns
// and not the nearest float64.
type decimal struct {
	// mant holds the first 19 significant digits; later digits are
	// dropped, which truncates the value and never changes the integer
	// part of any scaling of it that fits an int64.
	mant uint64
	exp  int
}

// maxExp caps the exponent read from the text. The digits of a line shift
// the exponent by less than its length, far less than maxExp, so a capped
// exponent still gives 0 or an overflow, as the true one would.
const maxExp = 1 << 40

// parseDecimal reads s, which must be an unsigned JSON number (see
// [scanNumber]).
func parseDecimal(s []byte) decimal {
	var d decimal
	i := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		d.push(s[i], false)
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isDigit(s[i]); i++ {
			d.push(s[i], true)
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		neg := s[i] == '-'
		if s[i] == '-' || s[i] == '+' {
			i++
		}
		e := 0
		for ; i < len(s); i++ {
			e = min(e*10+int(s[i]-'0'), maxExp)
		}
		if neg {
			e = -e
		}
		d.exp += e
	}
	return d
}

// push appends digit c, of the fraction when frac is set.
func (d *decimal) push(c byte, frac bool) {
	if d.mant >= 1e18 {
		// The digit does not fit: drop it, keeping the magnitude.
		if !frac {
			d.exp++
		}
		return
	}
	d.mant = d.mant*10 + uint64(c-'0')
	if frac {
		d.exp--
	}
}

var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// scale returns d × 10^p truncated to an integer, and false when that does
// not fit an int64.
func (d decimal) scale(p int) (int64, bool) {
	e := d.exp + p
	switch {
	case d.mant == 0:
		return 0, true
	case e < -19:
		return 0, true
	case e < 0:
		return int64(d.mant / pow10[-e]), true
	case e > 19:
		return 0, false
	}
	hi, lo := bits.Mul64(d.mant, pow10[e])
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}
