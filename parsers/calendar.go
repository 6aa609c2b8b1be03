package parsers

// DaysIn returns the number of days of month (1–12) of year in the
// proleptic Gregorian calendar. Parsers validate dates with it.
func DaysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// DaysFromCivil returns the number of days from 1970-01-01 to the given
// valid date of the proleptic Gregorian calendar, for year >= 1: Howard
// Hinnant's days_from_civil,
// https://howardhinnant.github.io/date_algorithms.html#days_from_civil.
// Parsers turn timestamps into Unix time with it, without time.Parse.
func DaysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400                     // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d - 1    // [0, 365], from March 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return int64(era*146097 + doe - 719468)
}

// MonthNames are the English month names, January first: the one table
// of month names; their first three letters are the abbreviations that
// [MonthNumber] reads.
var MonthNames = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// MonthNumber returns 1 for "Jan" to 12 for "Dec": the month whose
// English abbreviation b starts with, matched without regard to case, or
// 0 when b does not start with one. exact reports whether it is written
// as syslog, HAProxy and strftime's C locale write it ("Jan"), for the
// parsers that take only that. It allocates nothing and is inlined: the
// three bytes folded to lower case index a perfect hash of the
// abbreviations.
func MonthNumber(b []byte) (month int, exact bool) {
	if len(b) < 3 {
		return 0, false
	}
	key := uint32(b[0]|0x20)<<16 | uint32(b[1]|0x20)<<8 | uint32(b[2]|0x20)
	s := monthSlots[key*monthHash>>28]
	if s.key != key {
		return 0, false
	}
	// A byte that folds onto a letter is that letter in either case
	// (bit 0x20 set: lower case): exact when only the first is upper.
	return int(s.month), b[0]&0x20 == 0 && b[1]&b[2]&0x20 != 0
}

// monthHash spreads the folded abbreviations of MonthNames over the 16
// slots of monthSlots without collision (found by search).
const monthHash = 0x1d21d7

// monthSlots holds each month's folded abbreviation at its slot; the key
// of an empty slot, 0, is no folded text.
var monthSlots = func() (t [16]struct {
	key   uint32
	month uint8
}) {
	for i, name := range MonthNames {
		key := uint32(name[0]|0x20)<<16 | uint32(name[1]|0x20)<<8 | uint32(name[2]|0x20)
		s := &t[key*monthHash>>28]
		if s.key != 0 {
			panic("BUG: month abbreviations collide in monthSlots")
		}
		s.key, s.month = key, uint8(i+1)
	}
	return t
}()
