package parsers

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

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

// UnitNone is the unit of a number that is not read as a duration: its
// unit is unknown, and no duration is better than a wrong one.
const UnitNone Unit = math.MaxInt8

// BareUnitNames lists the names [ParseBareUnit] accepts, for messages.
const BareUnitNames = `"s", "ms", "us" (or "µs"), "ns", "none" or ""`

// ParseBareUnit parses the unit of a bare duration (see [JudgeBareUnit]):
// a name of [ParseUnit], or "none" for [UnitNone].
func ParseBareUnit(s string) (Unit, bool) {
	if s == "none" {
		return UnitNone, true
	}
	return ParseUnit(s)
}

// UnitName is the name of u that [ParseBareUnit] reads.
func UnitName(u Unit) string {
	switch u {
	case UnitS:
		return "s"
	case UnitMS:
		return "ms"
	case UnitUS:
		return "us"
	case UnitNS:
		return "ns"
	case UnitNone:
		return "none"
	}
	return ""
}

// A JSON or logfmt duration written as a bare number under a key whose
// name gives no unit ("duration", "elapsed"; not "duration_ms", not
// pino's "responseTime") is in whatever unit its logger writes: Go's
// log/slog JSON handler and logrus write a time.Duration as integer
// nanoseconds, zerolog as fractional milliseconds, zap (and Caddy) as
// seconds, Envoy's access log (%DURATION%) as integer milliseconds.
// JudgeBareUnit decides that unit from a sample of such numbers.

// Logger is a logger recognised from the keys of a JSON line.
type Logger uint8

const (
	// LoggerUnknown: the keys name no logger below.
	LoggerUnknown Logger = iota
	// LoggerGo: "time", "level" and "msg", the level one of Go's log/slog
	// (DEBUG, INFO, WARN, ERROR) or logrus names (lower case): a
	// time.Duration is integer nanoseconds.
	LoggerGo
	// LoggerZerolog: "time", "level" and "message": a time.Duration is
	// milliseconds, fractional (zerolog.DurationFieldUnit).
	LoggerZerolog
	// LoggerZap: "ts", "level" and "msg" (zap's production encoder, Caddy):
	// a time.Duration is seconds, fractional.
	LoggerZap
	// LoggerNode: "time", "msg" and a numeric "level" (pino, bunyan):
	// durations are milliseconds.
	LoggerNode
	// LoggerEnvoy: Envoy's access log, Istio's JSON encoding included,
	// told by its command operators' keys (response_flags,
	// upstream_cluster, ...; parsers/jsonlog says which): %DURATION% is
	// integer milliseconds.
	LoggerEnvoy
)

// loggerUnits says, per Logger, the unit it writes a duration in, whether
// it writes integers only, and its name for messages.
var loggerUnits = [...]struct {
	unit    Unit
	integer bool
	name    string
}{
	LoggerGo:      {UnitNS, true, "Go's log/slog or logrus (keys time, level, msg)"},
	LoggerZerolog: {UnitMS, false, "zerolog (keys time, level, message)"},
	LoggerZap:     {UnitS, false, "zap (keys ts, level, msg)"},
	LoggerNode:    {UnitMS, false, "pino or bunyan (a numeric level)"},
	LoggerEnvoy:   {UnitMS, true, "Envoy's access log (keys response_flags, upstream_cluster, ...)"},
}

// BareSample is one line's bare duration, for [JudgeBareUnit].
type BareSample struct {
	V float64
	// Int: written as an integer; Decimals: the digits after its '.'.
	Int      bool
	Decimals int
	Logger   Logger
}

// NewBareSample reads the text of a bare duration (a JSON number or a
// string holding one) from a line of logger l. ok is false when the text
// is not a non-negative number.
func NewBareSample(text []byte, l Logger) (s BareSample, ok bool) {
	v, err := strconv.ParseFloat(string(text), 64)
	if err != nil || v < 0 {
		return s, false
	}
	s = BareSample{V: v, Int: true, Logger: l}
	for i, c := range text {
		switch c {
		case '.':
			s.Int, s.Decimals = false, len(text)-i-1
		case 'e', 'E':
			s.Int, s.Decimals = false, -1
		}
	}
	return s, true
}

// BareVerdict is what [JudgeBareUnit] decides.
type BareVerdict struct {
	// Unit is the unit to read the numbers in: UnitNone when unknown,
	// UnitAuto when the sample had none to judge.
	Unit Unit
	// Sure: the logger, or the way the numbers are written, says the
	// unit; else Unit is assumed (or unknown) and Note is a warning.
	Sure bool
	// Note says what was decided and why, for the report.
	Note string
}

// MaxMedianMS is the largest median of integer durations of unknown unit
// that is taken as milliseconds (10 s): above, the values are
// microseconds or a count. JudgeBareUnit and the access logs' trailing
// integer (parsers/accesslog) judge by it.
const MaxMedianMS = 10_000

// The thresholds of JudgeBareUnit's reading of values alone.
const (
	// minNSBare is the least value, on every line, of integers taken as
	// nanoseconds: above 100 s as milliseconds, 0.1 s as microseconds.
	minNSBare = 100_000
	// maxMedianSBare is the largest median of fractions taken as seconds:
	// a second.
	maxMedianSBare = 1
	// maxMedianLoggerUS is the largest median, in µs, of the durations of
	// a recognised logger in its unit (an hour): above, it was configured
	// otherwise (zap's NanosDurationEncoder), and the values decide.
	maxMedianLoggerUS = 3600e6
)

// JudgeBareUnit decides the unit of the bare durations of a sample, in
// this order:
//
//   - no sample: UnitAuto, nothing to judge;
//   - every line of one recognised logger and written as it writes them
//     (integers for LoggerGo), with a median of an hour or less in its
//     unit: its unit, sure;
//   - every number written as nginx's $request_time (three decimals,
//     "0.012"): seconds, sure;
//   - integers all above 100,000: nanoseconds, assumed;
//   - integers with a median of 10,000 or less: milliseconds, assumed;
//   - fractions with a median under 1: seconds, assumed;
//   - else: UnitNone, the unit unknown.
func JudgeBareUnit(samples []BareSample) BareVerdict {
	n := len(samples)
	if n == 0 {
		return BareVerdict{Unit: UnitAuto}
	}
	l := samples[0].Logger
	ints, reqTimes := 0, 0
	vs := make([]float64, 0, n)
	for _, s := range samples {
		if s.Logger != l {
			l = LoggerUnknown
		}
		if s.Int {
			ints++
		}
		if s.Decimals == 3 {
			reqTimes++
		}
		vs = append(vs, s.V)
	}
	slices.Sort(vs)
	med, least := vs[n/2], vs[0]
	values := fmt.Sprintf("over %d lines, median %s", n, strconv.FormatFloat(med, 'g', 6, 64))
	lu := loggerUnits[l]
	if l != LoggerUnknown && (!lu.integer || ints == n) && med*math.Pow10(int(lu.unit)) <= maxMedianLoggerUS {
		return BareVerdict{Unit: lu.unit, Sure: true, Note: fmt.Sprintf("bare durations in %s, as %s writes them", UnitName(lu.unit), lu.name)}
	}
	who := "the logger is not recognised"
	if l != LoggerUnknown {
		who = "the lines are of " + lu.name + ", which does not write such values"
	}
	const read = "durations written as bare numbers (their key gives no unit) are read as "
	const give = "; give --duration-unit if they are in another unit"
	switch {
	case reqTimes == n:
		return BareVerdict{Unit: UnitS, Sure: true, Note: "bare durations in s: written as nginx's $request_time (three decimals)"}
	case ints == n && least > minNSBare:
		return BareVerdict{Unit: UnitNS, Note: fmt.Sprintf("%snanoseconds, assumed: %s, and every one is above %d, too large for a request in ms or µs (%s)%s", read, who, minNSBare, values, give)}
	case ints == n && med <= MaxMedianMS:
		return BareVerdict{Unit: UnitMS, Note: fmt.Sprintf("%smilliseconds, assumed: %s, and integers of these values fit milliseconds (%s)%s", read, who, values, give)}
	case ints == 0 && med < maxMedianSBare:
		return BareVerdict{Unit: UnitS, Note: fmt.Sprintf("%sseconds, assumed: %s, and fractions below a second fit seconds (%s)%s", read, who, values, give)}
	}
	return BareVerdict{Unit: UnitNone, Note: fmt.Sprintf("durations written as bare numbers (their key gives no unit) are not read: their unit is unknown, %s and the values fit no unit for sure (%s); give --duration-unit, or --field duration=KEY with a key ending in _ms, _us, ...", who, values)}
}

// NumLoggers is the number of [Logger] values.
const NumLoggers = int(LoggerEnvoy) + 1

// JudgeBareUnits judges the bare durations of each logger's lines apart,
// with [JudgeBareUnit]: lines of several loggers in one input (docker
// compose's output) each get their own unit. A recognised logger without
// samples gets the unit it writes, sure, without a note.
func JudgeBareUnits(samples []BareSample) (v [NumLoggers]BareVerdict) {
	var by [NumLoggers][]BareSample
	for _, s := range samples {
		by[s.Logger] = append(by[s.Logger], s)
	}
	for l := range v {
		v[l] = JudgeBareUnit(by[l])
		if len(by[l]) == 0 && Logger(l) != LoggerUnknown {
			v[l] = BareVerdict{Unit: loggerUnits[l].unit, Sure: true}
		}
	}
	return v
}
