package logfmt

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseBareUnit: Options.BareUnit is the unit of a number under a
// duration key that gives none, and of no other; "none" reads no such
// number; Bare gives its text.
func TestParseBareUnit(t *testing.T) {
	f := func(bare, line string, want int64, wantBare string) {
		t.Helper()
		p := NewParser(Options{BareUnit: bare})
		var r parsers.Record
		if err := p.Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q: %v", line, err)
		}
		text, l := p.Bare()
		if r.Duration != want || string(text) != wantBare || (text == nil) != (wantBare == "") || l != parsers.LoggerUnknown {
			t.Fatalf("unexpected duration for %q with bare unit %q; got %d µs, bare %q, logger %d; want %d, %q", line, bare, r.Duration, text, l, want, wantBare)
		}
	}
	f("ns", `level=info msg=done path=/ duration=12500000`, 12500, "12500000")
	f("s", `level=info msg=done path=/ elapsed=0.5`, 500000, "0.5")
	f("none", `level=info msg=done path=/ duration=12`, -1, "12")
	f("", `level=info msg=done path=/ duration=12`, 12000, "12")
	// Keys that give their unit, and Go durations, keep it.
	f("none", `level=info msg=done path=/ duration_ms=12`, 12000, "")
	f("none", `level=info msg=done path=/ duration=12ms`, 12000, "")
	// No duration key: Heroku's connect + service.
	f("none", `at=info method=GET path=/ connect=1ms service=23ms status=200`, 24000, "")
	if err := (Options{BareUnit: "h"}).Validate(); err == nil {
		t.Errorf("unexpected success for bare unit h")
	}
}

func TestParseBareAllocs(t *testing.T) {
	var lines [][]byte
	for _, name := range samples {
		lines = append(lines, parsertest.ReadLines(t, name)...)
	}
	lines = append(lines, []byte(`level=info path=/ duration=12500000`))
	parsertest.NoAllocs(t, NewParser(Options{BareUnit: "ns"}), lines, "the samples, bare unit ns")
}
