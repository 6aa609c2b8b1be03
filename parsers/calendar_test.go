package parsers

import (
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
