package accesslog

import "github.com/vigil-ops/vigil/parsers"

// Times are parsed by hand, not with time.Parse, which costs several
// hundred nanoseconds per call; the day's calendar arithmetic is cached
// because consecutive lines are nearly always on the same day.

// timeLocalLen is the length of "10/Oct/2000:13:55:36 -0700".
const timeLocalLen = 26

// Years outside this range would overflow Unix nanoseconds: the range of
// every time parser in package parsers.
const minYear, maxYear = parsers.MinYear, parsers.MaxYear

// time parses the time field v of item it into Unix nanoseconds, UTC; "-"
// is 0, no time.
func (p *Parser) time(it *item, v []byte) (int64, bool) {
	if isDash(v) {
		return 0, true
	}
	switch it.kind {
	case kTimeLocal:
		return p.timeLocal(v)
	case kTimeISO:
		// The one ISO 8601 rule of every parser: 'T', 't' or ' ' before
		// the clock, '.' or ',' before the fraction (Envoy and nginx write
		// a dot; ISO 8601 allows both), a zone Z, z, ±hh:mm, ±hhmm or ±hh.
		return parsers.ParseISO8601(v, false)
	}
	// Epoch time in it.unit: nanoseconds are 1000 times microseconds.
	return parsers.ParseFixed(v, durationScale[it.unit]+3)
}

// timeLocal parses "dd/Mon/yyyy:hh:mm:ss ±hhmm", Apache's %t and nginx's
// $time_local. Month names are matched without regard to case. The shape
// is exact, as both servers write it: two digits for day, hour, minute and
// second and one space before the zone; "1:00:00" or two spaces are
// rejected, though time.Parse would take them (issue 12).
func (p *Parser) timeLocal(v []byte) (int64, bool) {
	if len(v) != timeLocalLen || v[2] != '/' || v[6] != '/' || v[11] != ':' || v[14] != ':' || v[17] != ':' || v[20] != ' ' {
		return 0, false
	}
	month, _ := parsers.MonthNumber(v[3:6])
	days, ok := p.days(digits(v[7:11]), month, digits(v[0:2]))
	if !ok {
		return 0, false
	}
	secs, ok := clock(digits(v[12:14]), digits(v[15:17]), digits(v[18:20]))
	if !ok {
		return 0, false
	}
	off, ok := zoneOffset(v[21], digits(v[22:24]), digits(v[24:26]))
	if !ok {
		return 0, false
	}
	return (days*86400 + secs - off) * 1e9, true
}

// days returns the days from 1970-01-01 to the date, which it checks.
func (p *Parser) days(year, month, day int) (int64, bool) {
	key := year<<9 | month<<5 | day
	if key == p.dayKey && key > 0 {
		return p.dayUnix, true
	}
	if year < minYear || year > maxYear || month < 1 || month > 12 || day < 1 || day > parsers.DaysIn(year, month) {
		return 0, false
	}
	p.dayKey, p.dayUnix = key, parsers.DaysFromCivil(year, month, day)
	return p.dayUnix, true
}

// clock returns the seconds since midnight.
func clock(h, m, s int) (int64, bool) {
	if h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 {
		return 0, false
	}
	return int64(h*3600 + m*60 + s), true
}

// zoneOffset returns the offset of zone "±hhmm" from UTC in seconds.
func zoneOffset(sign byte, h, m int) (int64, bool) {
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	off := int64(h*3600 + m*60)
	switch sign {
	case '+':
		return off, true
	case '-':
		return -off, true
	}
	return 0, false
}

// digits parses a short run of decimal digits; -1 if any byte is not one.
func digits(b []byte) int {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
