package parsers

import "math"

// ParseFixed parses a non-negative decimal number, digits with at most one
// '.' between digits, and returns it times 10^scale, truncated toward zero;
// a negative scale divides. It fails on anything else and on overflow.
// Durations in seconds become microseconds with scale 6.
func ParseFixed(b []byte, scale int) (int64, bool) {
	if scale < 0 {
		v, ok := ParseFixed(b, 0)
		for ; scale < 0; scale++ {
			v /= 10
		}
		return v, ok
	}
	var v int64
	i := 0
	for ; i < len(b) && isDigit(b[i]); i++ {
		d := int64(b[i] - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if i == 0 {
		return 0, false
	}
	if i < len(b) {
		if b[i] != '.' || i+1 == len(b) {
			return 0, false
		}
		for i++; i < len(b); i++ {
			if !isDigit(b[i]) {
				return 0, false
			}
			if scale > 0 {
				d := int64(b[i] - '0')
				if v > (math.MaxInt64-d)/10 {
					return 0, false
				}
				v = v*10 + d
				scale--
			}
		}
	}
	for ; scale > 0; scale-- {
		if v > math.MaxInt64/10 {
			return 0, false
		}
		v *= 10
	}
	return v, true
}

// ParseStatus parses an HTTP status code: three digits, 100 to 999.
func ParseStatus(v []byte) (int, bool) {
	if len(v) != 3 || v[0] < '1' || v[0] > '9' || !isDigit(v[1]) || !isDigit(v[2]) {
		return 0, false
	}
	return int(v[0]-'0')*100 + int(v[1]-'0')*10 + int(v[2]-'0'), true
}

// ParseCount parses a non-negative integer of at most 18 digits.
func ParseCount(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func isDigit(c byte) bool { return c-'0' <= 9 }
