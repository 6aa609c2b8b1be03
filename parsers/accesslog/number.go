package accesslog

import "math"

// parseStatus parses a status code: 3 digits from 100 to 999, or "-" for
// none (0).
func parseStatus(v []byte) (int, bool) {
	if isDash(v) {
		return 0, true
	}
	if len(v) != 3 || v[0] < '1' || v[0] > '9' || !isDigit(v[1]) || !isDigit(v[2]) {
		return 0, false
	}
	return int(v[0]-'0')*100 + int(v[1]-'0')*10 + int(v[2]-'0'), true
}

// parseBytes parses a byte count, or "-" for none (-1).
func parseBytes(v []byte) (int64, bool) {
	if isDash(v) {
		return -1, true
	}
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

// duration parses the duration field v of item it into microseconds; "-"
// is -1.
func (p *Parser) duration(it *item, v []byte) (int64, bool) {
	if isDash(v) {
		return -1, true
	}
	scale := durationScale[p.unitOf(it, v)]
	if it.kind == kDuration {
		return parseFixed(v, scale)
	}
	return sumDurations(v, scale)
}

// unitOf returns the unit of duration v of item it: the caller's override,
// else the item's own, else seconds when v has a decimal point and
// milliseconds when it has not.
func (p *Parser) unitOf(it *item, v []byte) unit {
	u := it.unit
	if p.unit != unitAuto {
		u = p.unit
	}
	if u != unitAuto {
		return u
	}
	for _, c := range v {
		if c == '.' {
			return unitS
		}
	}
	return unitMS
}

// sumDurations parses a list of durations like nginx's
// $upstream_response_time: one per upstream tried, separated by ", ", and
// by " : " across internal redirects, each "-" when the upstream gave no
// response. It returns the sum, the whole time spent waiting for
// upstreams, times 10^scale; -1 when every one is "-".
func sumDurations(v []byte, scale int) (int64, bool) {
	sum := int64(-1)
	for {
		i := 0
		for i < len(v) && v[i] != ',' && v[i] != ':' {
			i++
		}
		if part := trimSpaces(v[:i]); !isDash(part) {
			d, ok := parseFixed(part, scale)
			sum = max(sum, 0)
			if !ok || d > math.MaxInt64-sum {
				return 0, false
			}
			sum += d
		}
		if i == len(v) {
			return sum, true
		}
		v = v[i+1:]
	}
}

// parseFixed parses a non-negative decimal number, digits with at most one
// '.' between digits, and returns it times 10^scale, truncated toward zero.
// It fails on anything else and on overflow. A negative scale divides
// (nanoseconds to microseconds), truncating.
func parseFixed(b []byte, scale int) (int64, bool) {
	if scale < 0 {
		v, ok := parseFixed(b, 0)
		for ; scale < 0; scale++ {
			v /= 10
		}
		return v, ok
	}
	const limit = (math.MaxInt64 - 9) / 10
	var v int64
	i := 0
	for ; i < len(b) && isDigit(b[i]); i++ {
		if v > limit {
			return 0, false
		}
		v = v*10 + int64(b[i]-'0')
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
				if v > limit {
					return 0, false
				}
				v = v*10 + int64(b[i]-'0')
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

func isDigit(c byte) bool { return c-'0' <= 9 }
