package parsers

// An epoch number without a unit (JSON's "ts", logfmt's "t", a metric's
// "timestamp") is read in the unit its magnitude implies: below
// EpochMillis it is seconds (1e11 s is the year 5138), below EpochMicros
// milliseconds, below EpochNanos microseconds, and nanoseconds above. The
// ranges do not overlap for times after 1973 (1e11 ms) and before 5138.
const (
	EpochMillis = 1e11
	EpochMicros = 1e14
	EpochNanos  = 1e17
)

// EpochScale returns the power of ten that turns an epoch number whose
// whole part is whole into Unix nanoseconds: 9 for seconds, 6 for
// milliseconds, 3 for microseconds, 0 for nanoseconds (see EpochMillis).
func EpochScale(whole int64) int {
	switch {
	case whole < EpochMillis:
		return 9
	case whole < EpochMicros:
		return 6
	case whole < EpochNanos:
		return 3
	}
	return 0
}

// ParseEpoch converts a non-negative decimal epoch number, digits with at
// most one '.' between digits, to Unix nanoseconds in the unit its
// magnitude implies (see EpochScale), truncating below the nanosecond. It
// fails as [ParseFixed] does. It allocates nothing.
func ParseEpoch(b []byte) (int64, bool) {
	whole, ok := ParseFixed(b, 0)
	if !ok {
		return 0, false
	}
	return ParseFixed(b, EpochScale(whole))
}
