package parsers

// ParseCLFTime parses the Common Log Format's time, "dd/Mon/yyyy:hh:mm:ss
// ±hhmm" (Apache's %t, nginx's $time_local, AWS API Gateway's
// $context.requestTime), to Unix nanoseconds. The month name is matched
// without regard to case; the shape is exact: two digits for day, hour,
// minute and second, one space before the zone. Years outside MinYear to
// MaxYear are rejected. It allocates nothing.
func ParseCLFTime(v []byte) (int64, bool) {
	if len(v) != len("10/Oct/2000:13:55:36 -0700") || v[2] != '/' || v[6] != '/' || v[11] != ':' || v[20] != ' ' {
		return 0, false
	}
	month, _ := MonthNumber(v[3:6])
	if month == 0 {
		return 0, false
	}
	var date [10]byte
	copy(date[:4], v[7:11])
	date[4], date[5], date[6], date[7] = '-', byte('0'+month/10), byte('0'+month%10), '-'
	copy(date[8:], v[0:2])
	days, ok := ParseDate(date[:])
	if !ok {
		return 0, false
	}
	secs, _, rest, ok := ParseClock(v[12:20])
	if !ok || len(rest) != 0 || v[21] != '+' && v[21] != '-' {
		return 0, false
	}
	off, ok := ParseZone(v[21:])
	if !ok {
		return 0, false
	}
	return (days*86400 + secs - off) * 1e9, true
}
