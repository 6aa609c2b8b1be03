package parsers_test

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

func TestParseEpochSuccess(t *testing.T) {
	f := func(in string, want int64) {
		t.Helper()
		got, ok := parsers.ParseEpoch([]byte(in))
		if !ok || got != want {
			t.Fatalf("unexpected time for %q; got %d, %v; want %d", in, got, ok, want)
		}
		if ref, ok := parsertest.Epoch(in); !ok || ref != want {
			t.Fatalf("unexpected reference time for %q; got %d, %v; want %d", in, ref, ok, want)
		}
	}
	// The same instant, 2024-05-26T11:42:52.601480700Z, in each unit.
	f("1716723772", 1716723772e9)
	f("1716723772.6014807", 1716723772601480700)
	f("1716723772601", 1716723772601e6)
	f("1716723772601.4807", 1716723772601480700)
	f("1716723772601480", 1716723772601480e3)
	f("1716723772601480.7", 1716723772601480700)
	f("1716723772601480700", 1716723772601480700)
	// At each threshold the next unit (just below it, the time would
	// not fit int64 nanoseconds: TestParseEpochFailure).
	f("100000000000", 100000000000e6)
	f("100000000000000", 100000000000000e3)
	f("100000000000000000", 100000000000000000)
	f("9223372036", 9223372036e9)
	f("0", 0)
	f("0.000000001", 1)
	f("0.0000000019", 1)
}

func TestParseEpochFailure(t *testing.T) {
	f := func(in string) {
		t.Helper()
		if got, ok := parsers.ParseEpoch([]byte(in)); ok {
			t.Fatalf("unexpected success for %q; got %d", in, got)
		}
	}
	f("")
	f("-1")
	f("1e9")
	f("1.")
	f(".5")
	f("1716723772Z")
	f("9223372036854775808") // over int64
	f("99999999999.5")       // seconds, but over int64 nanoseconds
	f("99999999999")
	f("99999999999999")
	f("99999999999999999")
	f("9223372037")
}

func TestParseEpochAllocs(t *testing.T) {
	in := []byte("1716723772.6014807")
	if n := testing.AllocsPerRun(100, func() { _, _ = parsers.ParseEpoch(in) }); n != 0 {
		t.Fatalf("unexpected allocations; got %v; want 0", n)
	}
}
