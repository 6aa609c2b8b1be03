package parsers

// Years outside [MinYear, MaxYear] are rejected by the time parsers, so
// that every accepted time, whatever its offset, fits int64 Unix
// nanoseconds (1677-09-21 to 2262-04-11).
const (
	MinYear = 1678
	MaxYear = 2261
)

// ParseISO8601 parses an ISO 8601 / RFC 3339 date-time to Unix
// nanoseconds: YYYY-MM-DD('T'|'t'|' ')hh:mm:ss[(.|,)fraction][zone], the
// zone being 'Z', 'z', ±hh:mm, ±hhmm or ±hh, or absent for UTC when
// zoneless is set. Fractions are truncated to nanoseconds; leap seconds
// (ss = 60) are rejected, as time.Parse does. It allocates nothing.
func ParseISO8601(s []byte, zoneless bool) (int64, bool) {
	if len(s) < len("2006-01-02T15:04:05") || s[10] != 'T' && s[10] != 't' && s[10] != ' ' {
		return 0, false
	}
	days, ok := ParseDate(s[:10])
	if !ok {
		return 0, false
	}
	secs, nanos, rest, ok := ParseClock(s[11:])
	if !ok {
		return 0, false
	}
	var off int64
	if len(rest) > 0 || !zoneless {
		if off, ok = ParseZone(rest); !ok {
			return 0, false
		}
	}
	return (days*86400+secs-off)*1e9 + nanos, true
}

// ParseDate parses YYYY-MM-DD (all of s) to days since 1970-01-01.
func ParseDate(s []byte) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y := num2(s[0:2])*100 + num2(s[2:4])
	m, d := num2(s[5:7]), num2(s[8:10])
	if num2(s[0:2]) < 0 || num2(s[2:4]) < 0 || y < MinYear || y > MaxYear || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return 0, false
	}
	return DaysFromCivil(y, m, d), true
}

// ParseClock parses hh:mm:ss[(.|,)fraction] at the start of s and returns
// the seconds since midnight, the nanoseconds of the fraction (truncated)
// and what follows.
func ParseClock(s []byte) (secs, nanos int64, rest []byte, ok bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return 0, 0, nil, false
	}
	h, m, sec := num2(s[0:2]), num2(s[3:5]), num2(s[6:8])
	if h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 {
		return 0, 0, nil, false
	}
	s = s[8:]
	if len(s) > 0 && (s[0] == '.' || s[0] == ',') {
		n := 1
		for scale := int64(1e8); n < len(s) && isDigit(s[n]); n++ {
			nanos += int64(s[n]-'0') * scale
			scale /= 10
		}
		if n == 1 {
			return 0, 0, nil, false
		}
		s = s[n:]
	}
	return int64(h*3600 + m*60 + sec), nanos, s, true
}

// ParseZone parses a whole zone designator, 'Z', 'z', ±hh:mm, ±hhmm or
// ±hh, to seconds east of UTC.
func ParseZone(s []byte) (int64, bool) {
	if len(s) == 1 && (s[0] == 'Z' || s[0] == 'z') {
		return 0, true
	}
	if len(s) < 3 || s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	h, m := num2(s[1:3]), 0
	switch {
	case len(s) == 3:
	case len(s) == 5:
		m = num2(s[3:5])
	case len(s) == 6 && s[3] == ':':
		m = num2(s[4:6])
	default:
		return 0, false
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	off := int64(h*3600 + m*60)
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// num2 parses two ASCII digits, -1 if they are not.
func num2(s []byte) int {
	a, b := s[0]-'0', s[1]-'0' // a non-digit wraps to > 9
	if a > 9 || b > 9 {
		return -1
	}
	return int(a)*10 + int(b)
}
