package awslb

import (
	"bytes"
	"errors"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

var knownReasons = map[string]bool{
	ReasonEmpty: true, ReasonMissing: true, ReasonQuote: true, ReasonType: true, ReasonTime: true,
	ReasonClient: true, ReasonDuration: true, ReasonStatus: true, ReasonBytes: true, ReasonRequest: true, ReasonUA: true,
}

// FuzzParse checks that both formats never panic, agree with the regexp
// reference, return known errors, and fill records with sub-slices of the
// line.
func FuzzParse(f *testing.F) {
	for _, s := range samples {
		for _, line := range parsertest.ReadLines(f, s.file) {
			f.Add(line)
		}
	}
	f.Add([]byte(`h2 2016-08-10T00:10:33.145057Z a [::1]:1 - -1 0.1 -1 - - 0 0 "- - - " "\"x\\"` + "\r"))
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, fm := range []Format{ALB, ELB} {
			var r parsers.Record
			err := NewParser(fm).Parse(line, &r)
			ref, refOK := refParse(line, fm)
			if err != nil {
				var se *parsers.SyntaxError
				if !errors.As(err, &se) || !knownReasons[se.Reason] || se.Pos < 0 || se.Pos > len(line) {
					t.Fatalf("unexpected error for %q; got %#v", line, err)
				}
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
				if len(s) > 0 && !within(line, s) && string(s) != "/" {
					t.Fatalf("unexpected field %q for %q; got memory outside the line", s, line)
				}
			}
		}
	})
}

// refRequestOK is always true: the reference rejects what it cannot
// read, so a parser error with a reference success is a disagreement.
func refRequestOK(parsers.Record) bool { return true }

func within(line, s []byte) bool {
	off := cap(line) - cap(s)
	return off >= 0 && off+len(s) <= len(line) && &line[off] == &s[0] && bytes.Equal(line[off:off+len(s)], s)
}
