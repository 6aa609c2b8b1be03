package accesslog

import (
	"math"

	"github.com/vigil-ops/vigil/parsers"
)

// parseStatus parses a status code: 3 digits from 100 to 999, or "-" for
// none (0).
func parseStatus(v []byte) (int, bool) {
	if isDash(v) {
		return 0, true
	}
	return parsers.ParseStatus(v)
}

// parseBytes parses a byte count, or "-" for none (-1).
func parseBytes(v []byte) (int64, bool) {
	if isDash(v) {
		return -1, true
	}
	return parsers.ParseCount(v)
}

// duration parses the duration field v of item it into microseconds; "-"
// is -1.
func (p *Parser) duration(it *item, v []byte) (int64, bool) {
	if isDash(v) {
		return -1, true
	}
	scale := durationScale[p.unitOf(it, v)]
	if it.kind == kDuration {
		return parsers.ParseFixed(v, scale)
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
		if part := parsers.TrimSpaces(v[:i]); !isDash(part) {
			d, ok := parsers.ParseFixed(part, scale)
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

func isDigit(c byte) bool { return c-'0' <= 9 }
