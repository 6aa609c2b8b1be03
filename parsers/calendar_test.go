package parsers

import (
	"strings"
	"testing"
	"time"
)

// TestCalendar compares with the time package on every day of the years
// around the edges parsers accept and of a few ordinary ones.
func TestCalendar(t *testing.T) {
	for _, year := range []int{1700, 1900, 1970, 1999, 2000, 2024, 2100, 2261} {
		for month := 1; month <= 12; month++ {
			want := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := DaysIn(year, month); got != want {
				t.Fatalf("unexpected DaysIn(%d, %d); got %d; want %d", year, month, got, want)
			}
			for day := 1; day <= want; day++ {
				wantDays := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Unix() / 86400
				if got := DaysFromCivil(year, month, day); got != wantDays {
					t.Fatalf("unexpected DaysFromCivil(%d, %d, %d); got %d; want %d", year, month, day, got, wantDays)
				}
			}
		}
	}
}

func TestMonthNumber(t *testing.T) {
	f := func(s string, month int, exact bool) {
		t.Helper()
		if m, e := MonthNumber([]byte(s)); m != month || e != exact {
			t.Fatalf("unexpected month for %q; got %d, %v; want %d, %v", s, m, e, month, exact)
		}
	}
	for i, name := range MonthNames {
		f(name[:3], i+1, true)
		f(name, i+1, true)
		f(strings.ToLower(name[:3]), i+1, false)
		f(strings.ToUpper(name[:3])+"/2026", i+1, false)
		if time.Month(i+1).String() != name {
			t.Fatalf("unexpected name of month %d; got %q; want %q", i+1, name, time.Month(i+1))
		}
	}
	f("jAn", 1, false)
	f("Ja", 0, false)
	f("", 0, false)
	f("Jab", 0, false)
	// Bytes that fold onto letters are not letters: '@'|0x20 is '`'.
	f("J@N", 0, false)
	f("\x0aan", 0, false)
	f("Ja\x0e", 0, false)
	if n := testing.AllocsPerRun(100, func() { MonthNumber([]byte("Dec")) }); n != 0 {
		t.Fatalf("unexpected allocations; got %v; want 0", n)
	}
}
