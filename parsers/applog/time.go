package applog

import "github.com/vigil-ops/vigil/parsers"

// stampKind is the shape of a leading timestamp.
type stampKind uint8

const (
	stampISO    stampKind = iota // 2006-01-02T15:04:05[.000][zone]
	stampSlash                   // 2006/01/02 15:04:05[.000]
	stampSyslog                  // Jan _2 15:04:05[.000]
	stampShort                   // 06/01/02 15:04:05[.000] (log4j's yy/MM/dd: Spark, Hadoop)
)

// stamp locates the parts of a leading timestamp; every offset is into the
// line. The clock is line[clock:fracEnd] (hh:mm:ss and its fraction).
type stamp struct {
	kind            stampKind
	start           int // the date
	clock, fracEnd  int
	zone, zoneEnd   int // zone == zoneEnd when there is none
	month, day, end int // syslog: the month (1-12) and the day's first digit
}

// scanStamp finds the shape of the timestamp that starts line, after an
// optional "[" or Rails's "X, [" prefix (see stampAt). It checks the
// shape only (digits where digits go, and a boundary after it);
// stampTime reads the values.
func scanStamp(line []byte) (stamp, bool) {
	i := 0
	switch {
	case len(line) >= 4 && isUpper(line[0]) && line[1] == ',' && line[2] == ' ' && line[3] == '[':
		i = 4
	case len(line) > 0 && line[0] == '[':
		i = 1
	}
	return stampAt(line, i)
}

// stampAt finds the shape of a timestamp that starts at line[i:]: ISO
// 8601, Go's log, syslog's or log4j's yy/MM/dd.
func stampAt(line []byte, i int) (stamp, bool) {
	st := stamp{start: i}
	s := line[i:]
	switch {
	case len(s) >= 17 && digitsAt(s, 0, 2) && s[2] == '/' && digitsAt(s, 3, 2) && s[5] == '/' && digitsAt(s, 6, 2) && s[8] == ' ':
		st.kind, st.clock = stampShort, i+9
	case len(s) >= 19 && digitsAt(s, 0, 4) && (s[4] == '-' || s[4] == '/') && digitsAt(s, 5, 2) && s[7] == s[4] && digitsAt(s, 8, 2):
		if s[4] == '-' {
			st.kind = stampISO
			if s[10] != 'T' && s[10] != 't' && s[10] != ' ' {
				return st, false
			}
		} else if st.kind = stampSlash; s[10] != ' ' {
			return st, false
		}
		st.clock = i + 11
	case len(s) >= 4 && isUpper(s[0]):
		m, exact := parsers.MonthNumber(s)
		if !exact || s[3] != ' ' {
			return st, false
		}
		st.kind, st.month = stampSyslog, m
		d := 4
		switch {
		case d+1 < len(s) && s[d] == ' ' && isDigit(s[d+1]):
			st.day, d = i+d+1, d+2
		case d+1 < len(s) && isDigit(s[d]) && isDigit(s[d+1]):
			st.day, d = i+d, d+2
		case d < len(s) && isDigit(s[d]):
			st.day, d = i+d, d+1
		default:
			return st, false
		}
		if d >= len(s) || s[d] != ' ' {
			return st, false
		}
		st.clock = i + d + 1
	default:
		return st, false
	}
	return st, clockShape(line, &st)
}

// clockShape checks hh:mm:ss at st.clock and what follows it: an optional
// fraction, for ISO an optional zone, then the end of the line or a byte
// that is not a letter or a digit (for ISO, not '+' or '-' either unless
// a zone precedes it). When a fraction is not followed by that, the
// timestamp ends before the fraction (a regexp would backtrack the same
// way).
func clockShape(line []byte, st *stamp) bool {
	c := st.clock
	if c+8 > len(line) || !digitsAt(line, c, 2) || line[c+2] != ':' || !digitsAt(line, c+3, 2) || line[c+5] != ':' || !digitsAt(line, c+6, 2) {
		return false
	}
	i := c + 8
	if i+1 < len(line) && (line[i] == '.' || line[i] == ',') && isDigit(line[i+1]) {
		j := i + 1
		for j < len(line) && isDigit(line[j]) {
			j++
		}
		if st.tail(line, j) {
			return true
		}
	}
	return st.tail(line, i)
}

// tail checks what follows the clock (and fraction) ending at i and
// records the zone and end.
func (st *stamp) tail(line []byte, i int) bool {
	st.fracEnd, st.zone, st.zoneEnd, st.end = i, i, i, i
	if st.kind != stampISO {
		return i == len(line) || !isAlnum(line[i])
	}
	if i < len(line) && (line[i] == 'Z' || line[i] == 'z') {
		return st.zoned(line, i, i+1)
	}
	if i+2 < len(line) && (line[i] == '+' || line[i] == '-') && digitsAt(line, i+1, 2) {
		// ±hh:mm, ±hhmm, ±hh: the longest followed by a boundary.
		if i+5 < len(line) && line[i+3] == ':' && digitsAt(line, i+4, 2) && st.zoned(line, i, i+6) {
			return true
		}
		if i+4 < len(line) && digitsAt(line, i+3, 2) && st.zoned(line, i, i+5) {
			return true
		}
		return st.zoned(line, i, i+3)
	}
	return i == len(line) || !isAlnum(line[i]) && line[i] != '+' && line[i] != '-'
}

// zoned records line[zs:ze] as the zone when a boundary follows it.
func (st *stamp) zoned(line []byte, zs, ze int) bool {
	if ze < len(line) && isAlnum(line[ze]) {
		return false
	}
	st.zone, st.zoneEnd, st.end = zs, ze, ze
	return true
}

// stampTime returns the Unix nanoseconds of the timestamp st found, false
// when a value is out of range (month 13, 25:00, a zone of +25:00, a year
// outside [parsers.MinYear, parsers.MaxYear], 30 February).
func (p *Parser) stampTime(line []byte, st *stamp) (int64, bool) {
	secs, nanos, _, ok := parsers.ParseClock(line[st.clock:st.fracEnd])
	if !ok {
		return 0, false
	}
	var t int64
	switch st.kind {
	case stampSyslog:
		d := int(line[st.day] - '0')
		if isDigit(line[st.day+1]) {
			d = d*10 + int(line[st.day+1]-'0')
		}
		if d < 1 || d > 31 {
			return 0, false
		}
		if t, ok = p.yearless(st.month, d, secs); !ok {
			return 0, false
		}
	default:
		var date [10]byte
		if st.kind == stampShort {
			// yy/MM/dd: years 2000 to 2099.
			copy(date[:], "20")
			copy(date[2:], line[st.start:st.start+8])
		} else {
			copy(date[:], line[st.start:st.start+10])
		}
		date[4], date[7] = '-', '-'
		days, ok := parsers.ParseDate(date[:])
		if !ok {
			return 0, false
		}
		t = days*86400 + secs
		if st.zone < st.zoneEnd {
			off, ok := parsers.ParseZone(line[st.zone:st.zoneEnd])
			if !ok {
				return 0, false
			}
			t -= off
		}
	}
	return t*1e9 + nanos, true
}

// klogShape reports whether line starts with klog's (or glog's) header,
// "Lmmdd hh:mm:ss[.frac]" or "Lyyyymmdd hh:mm:ss[.frac]" with L one of
// I, W, E, F, followed by a boundary, and where the timestamp ends.
func klogShape(line []byte) (int, bool) {
	if len(line) == 0 || line[0] != 'I' && line[0] != 'W' && line[0] != 'E' && line[0] != 'F' {
		return 0, false
	}
	n := 1
	for n < len(line) && isDigit(line[n]) {
		n++
	}
	if n != 5 && n != 9 || n >= len(line) || line[n] != ' ' {
		return 0, false
	}
	st := stamp{kind: stampSlash, clock: n + 1}
	if !clockShape(line, &st) {
		return 0, false
	}
	return st.end, true
}

// klogTime reads the time of a line klogShape accepted, its timestamp
// ending at end.
func (p *Parser) klogTime(line []byte, end int) (int64, bool) {
	st := stamp{kind: stampSlash, clock: 6}
	if isDigit(line[5]) {
		st.clock = 10
	}
	if !clockShape(line, &st) || st.end != end {
		panic("BUG: applog: klogTime on a line klogShape rejects")
	}
	secs, nanos, _, ok := parsers.ParseClock(line[st.clock:st.fracEnd])
	if !ok {
		return 0, false
	}
	if st.clock == 10 {
		var date [10]byte
		copy(date[:4], line[1:5])
		date[4], date[7] = '-', '-'
		copy(date[5:7], line[5:7])
		copy(date[8:], line[7:9])
		days, ok := parsers.ParseDate(date[:])
		return (days*86400+secs)*1e9 + nanos, ok
	}
	m := int(line[1]-'0')*10 + int(line[2]-'0')
	d := int(line[3]-'0')*10 + int(line[4]-'0')
	if m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	t, ok := p.yearless(m, d, secs)
	return t*1e9 + nanos, ok
}

func digitsAt(s []byte, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for _, c := range s[i : i+n] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool  { return c-'0' <= 9 }
func isUpper(c byte) bool  { return c-'A' <= 'Z'-'A' }
func isLetter(c byte) bool { return (c|0x20)-'a' <= 'z'-'a' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
