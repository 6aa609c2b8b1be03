package awslb

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

var knownReasons = map[string]bool{
	ReasonEmpty: true, ReasonMissing: true, ReasonQuote: true, ReasonType: true, ReasonTime: true,
	ReasonClient: true, ReasonDuration: true, ReasonStatus: true, ReasonBytes: true, ReasonRequest: true, ReasonUA: true, ReasonQuoted: true,
}

// FuzzParse checks that both formats never panic, agree with the regexp
// reference, return known errors, and fill records with sub-slices of the
// line.
func FuzzParse(f *testing.F) {
	for _, s := range samples {
		parsertest.SeedLines(f, s.file)
	}
	f.Add([]byte(`h2 2016-08-10T00:10:33.145057Z a [::1]:1 - -1 0.1 -1 - - 0 0 "- - - " "\"x\\"` + "\r"))
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, fm := range []Format{ALB, ELB} {
			var r parsers.Record
			err := NewParser(fm).Parse(line, &r)
			ref, refOK := refParse(line, fm)
			if err != nil {
				parsertest.SyntaxError(t, line, err, knownReasons)
				if refOK && refRequestOK(ref) {
					t.Fatalf("unexpected error for %q in format %d; got %v; reference accepts", line, fm, err)
				}
				continue
			}
			if !refOK {
				t.Fatalf("unexpected success for %q in format %d; reference rejects", line, fm)
			}
			if d := parsertest.RecordDiff(ref, r); d != "" {
				t.Fatalf("unexpected record for %q in format %d (-reference +got):\n%s", line, fm, d)
			}
			for _, s := range [][]byte{r.Client, r.Method, r.Host, r.Target, r.Proto, r.UserAgent} {
				if !parsertest.Within(line, s) && string(s) != "/" {
					t.Fatalf("unexpected field %q for %q; got memory outside the line", s, line)
				}
			}
		}
	})
}

// refRequestOK is always true: the reference rejects what it cannot
// read, so a parser error with a reference success is a disagreement.
func refRequestOK(parsers.Record) bool { return true }
