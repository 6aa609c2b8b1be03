package logfmt

import (
	"errors"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseSlogText (issue 10): every line log/slog's TextHandler wrote
// in the Go 1.26.8 sources' own tests (testdata/go_slog_text.log) against
// the reference, which rejects what the parser rejects. One line is
// rejected: slog quotes a key that needs quoting, here the empty key
// (`""=v`), and a key is unquoted in the grammar the package documents,
// so the whole line is [ReasonSyntax] (a known limitation, in
// testdata/README.md).
func TestParseSlogText(t *testing.T) {
	const file = "go_slog_text.log"
	rejected := map[int]string{18: ReasonSyntax}
	p := NewParser(Options{})
	for i, line := range parsertest.ReadLines(t, file) {
		var r parsers.Record
		err := p.Parse(line, &r)
		ref, reason := refParse(line, "")
		if reason != rejected[i+1] {
			t.Fatalf("unexpected reference result for %s:%d; got %q; want %q", file, i+1, reason, rejected[i+1])
		}
		if reason != "" {
			var se *parsers.SyntaxError
			if !errors.As(err, &se) || se.Reason != reason {
				t.Fatalf("unexpected error for %s:%d; got %v; want %q", file, i+1, err, reason)
			}
			continue
		}
		if err != nil {
			t.Fatalf("unexpected error for %s:%d; got %v; want nil", file, i+1, err)
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", file, i+1, d)
		}
	}
}
