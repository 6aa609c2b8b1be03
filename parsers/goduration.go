package parsers

import "math"

// ParseGoDuration parses s in the syntax of time.ParseDuration ("1h2m",
// "12.5ms", "850µs") to microseconds, truncated. It computes the same
// nanoseconds as time.ParseDuration, rounding of fractions included, but
// rejects a leading '-' and every sum beyond math.MaxInt64 ns
// (time.ParseDuration lets the sum of two 2^63 ns components wrap to 0).
func ParseGoDuration(s []byte) (int64, bool) {
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	if string(s) == "0" {
		return 0, true
	}
	if len(s) == 0 {
		return 0, false
	}
	var total uint64
	for len(s) > 0 {
		v, n, ok := durationComponent(s)
		if !ok || v > math.MaxInt64-total {
			return 0, false
		}
		total += v
		s = s[n:]
	}
	return int64(total / 1000), true
}

// durationComponent parses one "12.5ms" at the start of s and returns its
// nanoseconds and length.
func durationComponent(s []byte) (ns uint64, n int, ok bool) {
	if s[0] != '.' && !isDigit(s[0]) {
		return 0, 0, false
	}
	var v uint64
	for ; n < len(s) && isDigit(s[n]); n++ {
		if v > 1<<63/10 {
			return 0, 0, false
		}
		v = v*10 + uint64(s[n]-'0')
		if v > 1<<63 {
			return 0, 0, false
		}
	}
	pre := n > 0
	var (
		f     uint64
		scale = 1.0 // the fraction is f/scale
		post  bool
	)
	if n < len(s) && s[n] == '.' {
		n++
		start := n
		// Digits that would overflow f are ignored, as time.ParseDuration
		// does.
		full := false
		for ; n < len(s) && isDigit(s[n]); n++ {
			if full || f > (1<<63-1)/10 {
				full = true
				continue
			}
			f = f*10 + uint64(s[n]-'0')
			scale *= 10
		}
		post = n > start
	}
	if !pre && !post {
		return 0, 0, false
	}
	start := n
	for n < len(s) && s[n] != '.' && !isDigit(s[n]) {
		n++
	}
	u := unitNanos(s[start:n])
	if u == 0 || v > 1<<63/u {
		return 0, 0, false
	}
	v *= u
	if f > 0 {
		// The same float64 arithmetic as time.ParseDuration, so that both
		// round alike.
		v += uint64(float64(f) * (float64(u) / scale))
		if v > 1<<63 {
			return 0, 0, false
		}
	}
	return v, n, true
}

// unitNanos returns the nanoseconds in one duration unit, 0 for an unknown
// unit.
func unitNanos(u []byte) uint64 {
	switch string(u) {
	case "ns":
		return 1
	case "us", "µs", "μs": // U+00B5 micro sign, U+03BC Greek mu
		return 1e3
	case "ms":
		return 1e6
	case "s":
		return 1e9
	case "m":
		return 60e9
	case "h":
		return 3600e9
	}
	return 0
}
