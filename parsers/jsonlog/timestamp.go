package jsonlog

import "github.com/vigil-ops/vigil/parsers"

// parseTime converts the text of a time value, a JSON number or the
// contents of a string, to Unix nanoseconds. num tells which it is. A
// string is an epoch number, an RFC 3339 time, or a Common Log Format
// time (AWS API Gateway's requestTime).
func parseTime(s []byte, num bool) (int64, bool) {
	if num || isNumber(s) {
		return parseEpoch(s)
	}
	if t, ok := parseRFC3339(s); ok {
		return t, true
	}
	return parsers.ParseCLFTime(s)
}

// parseEpoch converts an epoch number (JSON number text) to Unix
// nanoseconds in the unit its magnitude implies (parsers.EpochScale),
// truncating below the nanosecond. Negative numbers are rejected.
func parseEpoch(s []byte) (int64, bool) {
	if s[0] == '-' {
		return 0, false
	}
	d := parseDecimal(s)
	n, ok := d.scale(0)
	if !ok {
		return 0, false
	}
	return d.scale(parsers.EpochScale(n))
}

// Years outside [minYear, maxYear] are rejected so that every accepted
// time, whatever its offset, fits int64 Unix nanoseconds (1677-09-21 to
// 2262-04-11).
const (
	minYear = 1678
	maxYear = 2261
)

// parseRFC3339 parses an RFC 3339 date-time,
// YYYY-MM-DD('T'|'t'|' ')hh:mm:ss[.fraction]('Z'|'z'|±hh:mm|±hhmm|±hh), by
// hand: time.Parse would allocate for the string and is slower. Fractions
// beyond nanoseconds are truncated. Leap seconds (ss = 60) are rejected, as
// time.Parse does.
func parseRFC3339(s []byte) (int64, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") ||
		s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
		s[10] != 'T' && s[10] != 't' && s[10] != ' ' {
		return 0, false
	}
	century, year := num2(s[0:2]), num2(s[2:4])
	month, day := num2(s[5:7]), num2(s[8:10])
	hour, minute, sec := num2(s[11:13]), num2(s[14:16]), num2(s[17:19])
	// num2 is negative for a non-digit, which every range check rejects.
	if century < 0 || year < 0 {
		return 0, false
	}
	year += century * 100
	if year < minYear || year > maxYear || month < 1 || month > 12 ||
		day < 1 || day > int64(parsers.DaysIn(int(year), int(month))) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return 0, false
	}
	nsec, rest, ok := fraction(s[19:])
	if !ok {
		return 0, false
	}
	off, ok := zoneOffset(rest)
	if !ok {
		return 0, false
	}
	secs := parsers.DaysFromCivil(int(year), int(month), int(day))*86400 + hour*3600 + minute*60 + sec - off
	return secs*1e9 + nsec, true
}

// fraction reads an optional ".digits" at the start of s as nanoseconds.
func fraction(s []byte) (nsec int64, rest []byte, ok bool) {
	if len(s) == 0 || s[0] != '.' {
		return 0, s, true
	}
	n := skipDigits(s, 1)
	if n == 1 {
		return 0, s, false
	}
	digits := min(n-1, 9)
	for _, c := range s[1 : 1+digits] {
		nsec = nsec*10 + int64(c-'0')
	}
	return nsec * int64(pow10[9-digits]), s[n:], true
}

// zoneOffset reads a zone designator (all of s): "Z", "z", ±hh:mm, or
// ±hhmm and ±hh as zap's ISO 8601 encoder and Java write them; see
// [parsers.ParseZone].
func zoneOffset(s []byte) (int64, bool) { return parsers.ParseZone(s) }

// num2 parses two ASCII digits, -1 if they are not.
func num2(s []byte) int64 {
	a, b := s[0]-'0', s[1]-'0' // a non-digit wraps to > 9
	if a > 9 || b > 9 {
		return -1
	}
	return int64(a)*10 + int64(b)
}
