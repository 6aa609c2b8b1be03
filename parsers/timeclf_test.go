package parsers_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseCLFTime compares ParseCLFTime with the reference
// (parsertest.CLFTime) on hand-made and random times.
func TestParseCLFTime(t *testing.T) {
	f := func(in string, want bool) {
		t.Helper()
		got, ok := parsers.ParseCLFTime([]byte(in))
		ref, refOK := parsertest.CLFTime(in)
		if ok != want || refOK != want || ok && got != ref {
			t.Fatalf("unexpected time for %q; got %d, %v; reference %d, %v; want ok %v", in, got, ok, ref, refOK, want)
		}
	}
	f("10/Oct/2000:13:55:36 -0700", true)
	f("01/mar/2026:10:00:11 +0000", true)
	f("29/Feb/2024:23:59:59 +1400", true)
	f("01/Jan/1970:00:00:00 +0000", true)
	f("29/Feb/2023:00:00:00 +0000", false)
	f("10/Oct/2000:13:55:36 +2400", false)
	f("10/Oct/2000:13:55:60 +0000", false)
	f("10/Oct/2000:24:00:00 +0000", false)
	f("10/Foo/2000:13:55:36 -0700", false)
	f("1/Oct/2000:13:55:36 -0700", false)
	f("10/Oct/2000:13:55:36  -0700", false)
	f("10/Oct/2000:13:55:36 Z0700", false)
	f("10/Oct/2000:13:55:36.5 -0700", false)
	f("", false)
	// Random times in random zones, against time.Format.
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		tm := time.Unix(r.Int64N(8e9)-4e9, 0).In(time.FixedZone("", (r.IntN(47)-23)*1800))
		f(tm.Format("02/Jan/2006:15:04:05 -0700"), true)
	}
	v := []byte("10/Oct/2000:13:55:36 -0700")
	if n := testing.AllocsPerRun(100, func() { _, _ = parsers.ParseCLFTime(v) }); n != 0 {
		t.Fatalf("unexpected allocations; got %v; want 0", n)
	}
}
