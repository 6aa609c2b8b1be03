package parsers_test

import (
	"regexp"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// refNumber is the shape ParseEpoch takes: digits with at most one '.'
// between digits.
var refNumber = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?$`)

// FuzzParseTime checks ParseEpoch and ParseCLFTime against their
// references (parsertest.Epoch and parsertest.CLFTime) on any input:
// the same verdict and, when accepted, the same time.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"1716723772.6014807", "1716723772601", "100000000000000000", "0.000000001", "99999999999",
		"10/Oct/2000:13:55:36 -0700", "29/feb/2024:23:59:59 +1400", "10/Oct/2000:13:55:36 +2400", "1.", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parsers.ParseEpoch([]byte(s))
		var ref int64
		refOK := false
		if refNumber.MatchString(s) {
			ref, refOK = parsertest.Epoch(s)
		}
		if ok != refOK || ok && got != ref {
			t.Fatalf("unexpected epoch for %q; got %d, %v; reference %d, %v", s, got, ok, ref, refOK)
		}
		got, ok = parsers.ParseCLFTime([]byte(s))
		ref, refOK = parsertest.CLFTime(s)
		if ok != refOK || ok && got != ref {
			t.Fatalf("unexpected CLF time for %q; got %d, %v; reference %d, %v", s, got, ok, ref, refOK)
		}
	})
}
