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
