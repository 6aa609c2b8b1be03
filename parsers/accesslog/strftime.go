package accesslog

import (
	"strings"

	"github.com/vigil-ops/vigil/parsers"
)

// Apache's %{format}t writes the time with strftime(3), in the C locale
// (mod_log_config,
// https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats). A
// format is expanded once into conversions that each read a fixed shape
// (expandStrftime), and a line's value is read by walking that layout
// (scanStrftime): the value ends where the layout does, so it may hold
// spaces. Several %{format}t fields make one time together, as in
// Apache's own example [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]: each
// fills some parts of timeParts, and the parser puts them together at the
// end of the line.

// strftimeComposites are the conversions that stand for others, in the C
// locale.
var strftimeComposites = map[byte]string{
	'T': "%H:%M:%S",
	'R': "%H:%M",
	'D': "%m/%d/%y",
	'F': "%Y-%m-%d",
	'r': "%I:%M:%S %p",
	'c': "%a %b %e %H:%M:%S %Y",
	'x': "%m/%d/%y",
	'X': "%H:%M:%S",
	'h': "%b",
}

// strftimeReads are the conversions scanStrftime reads: the letters of
// timeParts' fields, names (a A b B p Z), zone (z), epoch (s), weekday
// numbers (u w, not checked against the date) and %% (a percent sign).
const strftimeReads = "YymdejHkIlMSzZsaAbBpuw%"

// expandStrftime returns format with its composites and %t and %n
// expanded, or why it cannot be read: an unknown or locale-dependent
// conversion (%U, %G, %E..., %O...). The flags '-' (no padding) and '_'
// (space padding) are kept before a numeric conversion.
func expandStrftime(format string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i++; i == len(format) {
			return "", "a lone '%' ends the time format"
		}
		flag := byte(0)
		if format[i] == '-' || format[i] == '_' {
			flag = format[i]
			if i++; i == len(format) {
				return "", "a lone '%' ends the time format"
			}
		}
		c = format[i]
		switch {
		case c == 't':
			b.WriteByte('\t')
		case c == 'n':
			b.WriteByte('\n')
		case strftimeComposites[c] != "" && flag == 0:
			b.WriteString(strftimeComposites[c])
		case strings.IndexByte(strftimeReads, c) >= 0 && (flag == 0 || strings.IndexByte(strftimeNumbers, c) >= 0):
			b.WriteByte('%')
			if flag != 0 {
				b.WriteByte(flag)
			}
			b.WriteByte(c)
		default:
			return "", "unsupported conversion %" + format[i-boolInt(flag != 0):i+1] + " in the time format"
		}
	}
	return b.String(), ""
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// strftimeNumbers are the numeric conversions, which take a flag.
const strftimeNumbers = "YymdejHkIlMS"

// Which parts of a date and time a group of %{format}t fields gives.
const (
	partYear uint8 = 1 << iota
	partMonth
	partDay
	partYearDay
	partEpoch
	partOffset
	partPM
)

// timeParts is what the %{format}t fields of one line have read.
type timeParts struct {
	has                  uint8 // part... bits
	year, month, day     int
	yday                 int
	hour, minute, second int
	hour12               bool // hour is on a 12-hour clock (%I, %l)
	pm                   bool
	unknownZone          bool  // a %Z other than UTC or GMT
	offset               int64 // seconds east of UTC
	epoch                int64 // %s
	nanos                int64 // msec_frac, usec_frac
}

// groupParts returns the parts the layouts of the %{format}t fields
// give together.
func groupParts(layouts []string) uint8 {
	var has uint8
	for _, l := range layouts {
		for i := 0; i+1 < len(l); i++ {
			if l[i] != '%' {
				continue
			}
			i++
			if l[i] == '-' || l[i] == '_' {
				i++
			}
			switch l[i] {
			case 'Y', 'y':
				has |= partYear
			case 'm', 'b', 'B':
				has |= partMonth
			case 'd', 'e':
				has |= partDay
			case 'j':
				has |= partYearDay
			case 's':
				has |= partEpoch
			}
		}
	}
	return has
}

// hasDate reports whether parts make a date: %s, or a year with a month
// and a day or with a day of the year.
func hasDate(has uint8) bool {
	return has&partEpoch != 0 || has&partYear != 0 && (has&(partMonth|partDay) == partMonth|partDay || has&partYearDay != 0)
}

// scanStrftime reads the value at line[pos:] by layout into tp and
// returns where it ends, or false where it does not match.
func scanStrftime(line []byte, pos int, layout string, tp *timeParts) (int, bool) {
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if c != '%' {
			if pos >= len(line) || line[pos] != c {
				return pos, false
			}
			pos++
			continue
		}
		i++
		flag := byte(0)
		if layout[i] == '-' || layout[i] == '_' {
			flag = layout[i]
			i++
		}
		var ok bool
		if pos, ok = scanConversion(line, pos, layout[i], flag, tp); !ok {
			return pos, false
		}
	}
	return pos, true
}

// scanConversion reads one conversion c with flag at line[pos:].
func scanConversion(line []byte, pos int, c, flag byte, tp *timeParts) (int, bool) {
	start := pos
	var n int
	var ok bool
	switch c {
	case 'Y':
		pos, n, ok = scanNumber(line, pos, 4, flag, '0')
		tp.year, tp.has = n, tp.has|partYear
	case 'y':
		pos, n, ok = scanNumber(line, pos, 2, flag, '0')
		// POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068.
		tp.year, tp.has = 1900+n, tp.has|partYear
		if n < 69 {
			tp.year += 100
		}
	case 'm':
		pos, tp.month, ok = scanNumber(line, pos, 2, flag, '0')
	case 'd', 'e':
		pos, tp.day, ok = scanNumber(line, pos, 2, flag, padOf(c == 'e'))
	case 'j':
		pos, tp.yday, ok = scanNumber(line, pos, 3, flag, '0')
		tp.has |= partYearDay
		if ok && tp.yday < 1 {
			return start, false
		}
	case 'H', 'k':
		pos, tp.hour, ok = scanNumber(line, pos, 2, flag, padOf(c == 'k'))
		tp.hour12 = false
	case 'I', 'l':
		pos, tp.hour, ok = scanNumber(line, pos, 2, flag, padOf(c == 'l'))
		tp.hour12 = true
		if ok && (tp.hour < 1 || tp.hour > 12) {
			return start, false
		}
	case 'M':
		pos, tp.minute, ok = scanNumber(line, pos, 2, flag, '0')
	case 'S':
		pos, tp.second, ok = scanNumber(line, pos, 2, flag, '0')
	case 'u', 'w':
		if ok = pos < len(line) && line[pos]-'0' <= 7; ok {
			pos++
		}
	case 's':
		for pos < len(line) && isDigit(line[pos]) && pos-start < 11 {
			tp.epoch = tp.epoch*10 + int64(line[pos]-'0')
			pos++
		}
		ok, tp.has = pos > start, tp.has|partEpoch
	case 'z':
		ok = pos+5 <= len(line)
		if ok {
			if tp.offset, ok = zoneOffset(line[pos], digits(line[pos+1:pos+3]), digits(line[pos+3:pos+5])); ok {
				pos += 5
				tp.has |= partOffset
			}
		}
	case 'Z':
		for pos < len(line) && (line[pos]|0x20)-'a' <= 'z'-'a' {
			pos++
		}
		zone := string(line[start:pos])
		tp.unknownZone = zone != "UTC" && zone != "GMT" && zone != "UT" && zone != "Z"
		ok = pos > start
	case 'b':
		ok = pos+3 <= len(line)
		if ok {
			tp.month, _ = parsers.MonthNumber(line[pos : pos+3])
			if ok = tp.month > 0; ok {
				pos += 3
			}
		}
	case 'B':
		pos, tp.month, ok = scanName(line, pos, parsers.MonthNames[:])
	case 'a':
		pos, _, ok = scanName(line, pos, dayAbbrevs[:])
	case 'A':
		pos, _, ok = scanName(line, pos, dayNames[:])
	case 'p':
		var i int
		pos, i, ok = scanName(line, pos, meridiems[:])
		tp.pm, tp.has = i == 2, tp.has|partPM
	case '%':
		if ok = pos < len(line) && line[pos] == '%'; ok {
			pos++
		}
	}
	return pos, ok
}

func padOf(space bool) byte {
	if space {
		return ' '
	}
	return '0'
}

// scanNumber reads a number of width digits as strftime writes it: padded
// with pad (zeros or spaces) by default, with spaces for the flag '_', not
// padded (1 to width digits) for '-'.
func scanNumber(line []byte, pos, width int, flag, pad byte) (int, int, bool) {
	switch flag {
	case '_':
		pad = ' '
	case '-':
		pad = 0
	}
	start, n := pos, 0
	for pos < len(line) && pos-start < width {
		c := line[pos]
		switch {
		case isDigit(c):
			n = n*10 + int(c-'0')
		case c == ' ' && pad == ' ' && n == 0 && pos-start < width-1:
		default:
			return pos, n, pad == 0 && pos > start
		}
		pos++
	}
	return pos, n, pos-start == width || pad == 0 && pos > start
}

var (
	dayNames   = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	dayAbbrevs = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	meridiems  = [2]string{"AM", "PM"}
)

// scanName reads one of names (in any case) at line[pos:] and returns its
// number, from 1.
func scanName(line []byte, pos int, names []string) (int, int, bool) {
	for i, name := range names {
		if pos+len(name) <= len(line) && equalFold(line[pos:pos+len(name)], name) {
			return pos + len(name), i + 1, true
		}
	}
	return pos, 0, false
}

// equalFold is ASCII case folding of b against the letters s.
func equalFold(b []byte, s string) bool {
	for i := range len(s) {
		if b[i]|0x20 != s[i]|0x20 {
			return false
		}
	}
	return true
}

// unix returns the time tp holds, or false when it is out of range or
// its zone unknown. A time of %s is that, plus a fraction; else the date
// and clock, at the offset of %z (UTC without one). An hour of %I or %l
// without %p is before noon.
func (p *Parser) unix(tp *timeParts) (int64, bool) {
	if tp.has&partEpoch != 0 {
		// The last second of year maxYear.
		return tp.epoch*1e9 + tp.nanos, tp.epoch < (parsers.DaysFromCivil(maxYear+1, 1, 1))*86400
	}
	if tp.unknownZone && tp.has&partOffset == 0 {
		return 0, false
	}
	hour := tp.hour
	if tp.hour12 {
		hour %= 12
		if tp.pm {
			hour += 12
		}
	}
	secs, ok := clock(hour, tp.minute, tp.second)
	if !ok {
		return 0, false
	}
	var days int64
	if tp.has&partYearDay != 0 && (tp.month == 0 || tp.day == 0) {
		if days, ok = p.days(tp.year, 1, 1); !ok || tp.yday > daysInYear(tp.year) {
			return 0, false
		}
		days += int64(tp.yday - 1)
	} else if days, ok = p.days(tp.year, tp.month, tp.day); !ok {
		return 0, false
	}
	return (days*86400+secs-tp.offset)*1e9 + tp.nanos, true
}

func daysInYear(y int) int {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}
