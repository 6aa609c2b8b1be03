package haproxy

import (
	"bytes"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// FuzzParse checks that the parser never panics, agrees with the regexp
// reference, and fills records with sub-slices of the line.
func FuzzParse(f *testing.F) {
	parsertest.SeedLines(f, samples...)
	f.Fuzz(func(t *testing.T, line []byte) {
		var r parsers.Record
		err := NewParser().Parse(line, &r)
		ref, refOK := refParse(line)
		if (err == nil) != refOK {
			t.Fatalf("unexpected result for %q; got %v; reference accepts: %v", line, err, refOK)
		}
		if err != nil {
			parsertest.SyntaxError(t, line, err, nil)
			return
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %q (-reference +got):\n%s", line, d)
		}
		for _, s := range [][]byte{r.Client, r.Method, r.Target, r.Proto} {
			if len(s) > 0 && !bytes.Contains(line, s) {
				t.Fatalf("unexpected field %q for %q", s, line)
			}
		}
	})
}
