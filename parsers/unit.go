package parsers

import "math"

// Unit is a duration unit as the power of ten that turns a count of it
// into microseconds, the unit of [Record].Duration: seconds are 6, ns -3.
type Unit int8

// The units a user may name. UnitAuto means "no unit given": each parser
// then uses its format's own unit or its documented guess.
const (
	UnitS    Unit = 6
	UnitMS   Unit = 3
	UnitUS   Unit = 0
	UnitNS   Unit = -3
	UnitAuto Unit = math.MinInt8
)

// UnitNames lists the names [ParseUnit] accepts, for messages.
const UnitNames = `"s", "ms", "us" (or "µs"), "ns" or ""`

// ParseUnit parses a duration unit name: "s", "ms", "us" (also "µs"), "ns",
// or "" for [UnitAuto]. It is the one table of unit names: every parser's
// DurationUnit option and the --duration-unit flag go through it.
func ParseUnit(s string) (Unit, bool) {
	switch s {
	case "":
		return UnitAuto, true
	case "s":
		return UnitS, true
	case "ms":
		return UnitMS, true
	case "us", "µs":
		return UnitUS, true
	case "ns":
		return UnitNS, true
	}
	return UnitAuto, false
}

// DurationNames are the keys of a duration in key=value and JSON logs,
// best first: the one list for logfmt and jsonlog.
var DurationNames = [...]string{"response_time", "duration", "latency", "elapsed", "request_time", "took"}

// DurationSuffixes are the suffixes a duration name may carry
// ("duration_ms"), ranked in this order after the bare name, and the unit
// each gives its value: the one table for logfmt and jsonlog.
var DurationSuffixes = [...]struct {
	Suffix string
	Unit   Unit
}{
	{"_s", UnitS}, {"_sec", UnitS}, {"_secs", UnitS}, {"_seconds", UnitS},
	{"_ms", UnitMS}, {"_msec", UnitMS}, {"_millis", UnitMS}, {"_milliseconds", UnitMS},
	{"_us", UnitUS}, {"_usec", UnitUS}, {"_micros", UnitUS}, {"_microseconds", UnitUS},
	{"_ns", UnitNS}, {"_nsec", UnitNS}, {"_nanos", UnitNS}, {"_nanoseconds", UnitNS},
}
