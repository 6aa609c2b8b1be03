package applog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// FuzzParse checks that the parser never panics, agrees with the regexp
// reference (record, continuation or reason), and returns a level and a
// message within the line (or a mapped level).
func FuzzParse(f *testing.F) {
	parsertest.SeedLines(f, samples...)
	for _, s := range []string{
		"E0229 10:00:00.5 x] y", "Feb 29 23:59:59,1 h ERROR", "X, [2024-01-02T10:00:00.5+05:3 #1] SEVERE -- : m",
		"2024-01-02T10:00:00.5+05301", "2024/01/02 10:00:00.5Z warn", "Error", "1 ERROR 1 --- : x",
		"2024-01-02 10:00:00 ERROR 12 ---  : a : b", "\r", "Jan  12 10:00:00 ERROR", "TRAC[0001] x", "PANI 24/01/02 10:00:00 y",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var r parsers.Record
		err := newTestParser().Parse(line, &r)
		ref := refParse(line, testNow)
		switch {
		case err == parsers.ErrContinuation:
			if !ref.cont {
				t.Fatalf("unexpected continuation for %q; reference %+v", line, ref)
			}
			return
		case err != nil:
			if se := parsertest.SyntaxError(t, line, err, nil); se.Reason != ref.reason {
				t.Fatalf("unexpected reason for %q; got %q; reference %+v", line, se.Reason, ref)
			}
			return
		}
		if ref.reason != "" || ref.cont {
			t.Fatalf("unexpected success for %q; reference %+v", line, ref)
		}
		if d := parsertest.RecordDiff(ref.rec, r); d != "" {
			t.Fatalf("unexpected record for %q (-reference +got):\n%s", line, d)
		}
		if !parsertest.Within(line, r.Message) {
			t.Fatalf("unexpected message %q for %q: not in the line", r.Message, line)
		}
		if !parsertest.Within(line, r.Level) && !mappedLevels[string(r.Level)] {
			t.Fatalf("unexpected level %q for %q: neither in the line nor mapped", r.Level, line)
		}
	})
}

// mappedLevels are the static levels Parse may return instead of the
// word in the line (klog's letters, SEVERE, logrus's four letters).
var mappedLevels = map[string]bool{"trace": true, "debug": true, "info": true, "warn": true, "error": true, "fatal": true, "panic": true}
