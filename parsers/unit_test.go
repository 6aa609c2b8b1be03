package parsers

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseBareUnit(t *testing.T) {
	f := func(s string, want Unit, wantOK bool) {
		t.Helper()
		u, ok := ParseBareUnit(s)
		if u != want || ok != wantOK {
			t.Fatalf("unexpected unit for %q; got %d, %v; want %d, %v", s, u, ok, want, wantOK)
		}
		if ok && UnitName(u) != s && s != "µs" {
			t.Fatalf("unexpected name of %q's unit; got %q", s, UnitName(u))
		}
	}
	f("", UnitAuto, true)
	f("none", UnitNone, true)
	f("ns", UnitNS, true)
	f("µs", UnitUS, true)
	f("s", UnitS, true)
	f("min", UnitAuto, false)
}

// TestJudgeBareUnit holds the edges of each rule.
func TestJudgeBareUnit(t *testing.T) {
	f := func(l Logger, values string, want Unit, wantSure bool, wantNote string) {
		t.Helper()
		var ss []BareSample
		for _, v := range strings.Fields(values) {
			s, ok := NewBareSample([]byte(v), l)
			if !ok {
				t.Fatalf("unexpected failure for %q", v)
			}
			ss = append(ss, s)
		}
		got := JudgeBareUnit(ss)
		if got.Unit != want || got.Sure != wantSure || !strings.Contains(got.Note, wantNote) {
			t.Fatalf("unexpected verdict for %v %q; got %+v; want unit %d, sure %v, a note with %q", l, values, got, want, wantSure, wantNote)
		}
	}
	f(LoggerGo, "", UnitAuto, false, "")
	// Recognised loggers, written as they write durations.
	f(LoggerGo, "12500000 830000 41000000", UnitNS, true, "in ns, as Go's log/slog")
	f(LoggerZerolog, "12.5 0.83 41", UnitMS, true, "in ms, as zerolog")
	f(LoggerZap, "0.0175 0.2 1", UnitS, true, "in s, as zap")
	f(LoggerNode, "7.5 31", UnitMS, true, "in ms, as pino or bunyan")
	// Envoy's %DURATION%: integer ms (Istio's sidecar: 0 to 2500).
	f(LoggerEnvoy, "13 104 31 0 2500", UnitMS, true, "in ms, as Envoy's access log")
	// Not as Envoy writes it: a fraction, or a median above an hour.
	f(LoggerEnvoy, "13.5 104 31", UnitNone, false, "the lines are of Envoy's access log")
	f(LoggerEnvoy, "3600001 3600001 1", UnitNone, false, "median 3.6e+06")
	// Not as they write them: the values decide. Go with a fraction,
	// zap with integers too large for seconds (NanosDurationEncoder).
	f(LoggerGo, "12.5 0.83 41", UnitNone, false, "unit is unknown")
	f(LoggerZap, "12500000 830000 41000000", UnitNS, false, "nanoseconds, assumed")
	// zap: a median of an hour is seconds, of more, not.
	f(LoggerZap, "3600 3600 1", UnitS, true, "")
	f(LoggerZap, "3601 3601 1", UnitMS, false, "milliseconds, assumed")
	// Two loggers: the values decide.
	mixed := []BareSample{{V: 0.25, Logger: LoggerZerolog}, {V: 0.5, Logger: LoggerZap}}
	if v := JudgeBareUnit(mixed); v.Unit != UnitS || v.Sure {
		t.Fatalf("unexpected verdict for two loggers; got %+v; want seconds, assumed", v)
	}
	// nginx's $request_time: three decimals on every line.
	f(LoggerUnknown, "0.012 1.500 0.000", UnitS, true, "$request_time")
	f(LoggerUnknown, "0.012 1.5 0.000", UnitS, false, "seconds, assumed")
	// Integers: all above 100,000 are ns; a median up to 10,000 ms.
	f(LoggerUnknown, "100001 5000000 900000", UnitNS, false, "nanoseconds, assumed")
	f(LoggerUnknown, "100000 5000000 900000", UnitNone, false, "unit is unknown")
	f(LoggerUnknown, "1 10000 20000", UnitMS, false, "milliseconds, assumed")
	f(LoggerUnknown, "1 10001 20000", UnitNone, false, "median 10001")
	// Fractions: a median under 1 is seconds; else unknown.
	f(LoggerUnknown, "0.5 0.99 7.25", UnitS, false, "seconds, assumed")
	f(LoggerUnknown, "0.5 1.0 7.25", UnitNone, false, "unit is unknown")
	// Integers and fractions mixed: unknown.
	f(LoggerUnknown, "5 0.5 0.25", UnitNone, false, "over 3 lines")
	f(LoggerUnknown, "1e3 2e3 3e3", UnitNone, false, "")
}

func TestNewBareSample(t *testing.T) {
	f := func(text string, want BareSample, wantOK bool) {
		t.Helper()
		got, ok := NewBareSample([]byte(text), LoggerZap)
		want.Logger = LoggerZap
		if ok != wantOK || ok && got != want {
			t.Fatalf("unexpected sample of %q; got %+v, %v; want %+v, %v", text, got, ok, want, wantOK)
		}
	}
	f("12", BareSample{V: 12, Int: true}, true)
	f("0.012", BareSample{V: 0.012, Decimals: 3}, true)
	f("1.5e-3", BareSample{V: 0.0015, Decimals: -1}, true)
	f("-1", BareSample{}, false)
	f("12ms", BareSample{}, false)
	f(strconv.Itoa(1<<40), BareSample{V: 1 << 40, Int: true}, true)
}

// TestJudgeBareUnits: each logger's lines are judged apart; a recognised
// logger without lines gets its unit.
func TestJudgeBareUnits(t *testing.T) {
	var samples []BareSample
	add := func(l Logger, values ...string) {
		for _, v := range values {
			s, _ := NewBareSample([]byte(v), l)
			samples = append(samples, s)
		}
	}
	add(LoggerZap, "0.0175", "2.5")
	add(LoggerUnknown, "1004", "12")
	add(LoggerZerolog, "12500000", "3") // integers too, a median of 12500 s: not as zerolog writes
	add(LoggerEnvoy, "13", "104", "0")
	v := JudgeBareUnits(samples)
	f := func(l Logger, want Unit, wantSure bool, wantNote string) {
		t.Helper()
		if v[l].Unit != want || v[l].Sure != wantSure || !strings.Contains(v[l].Note, wantNote) || (wantNote == "") != (v[l].Note == "") {
			t.Fatalf("unexpected verdict for logger %d; got %+v; want unit %d, sure %v, note with %q", l, v[l], want, wantSure, wantNote)
		}
	}
	f(LoggerZap, UnitS, true, "as zap")
	f(LoggerUnknown, UnitMS, false, "milliseconds, assumed: the logger is not recognised")
	f(LoggerZerolog, UnitNone, false, "the lines are of zerolog (keys time, level, message), which does not write such values")
	f(LoggerGo, UnitNS, true, "")
	f(LoggerNode, UnitMS, true, "")
	f(LoggerEnvoy, UnitMS, true, "as Envoy's access log")
}
