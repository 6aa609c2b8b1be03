package logfmt

import (
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseSlogText (issue 10): every line log/slog's TextHandler wrote
// in the Go 1.26.8 sources' own tests (testdata/go_slog_text.log) against
// the reference; all parse. Line 18 has a key slog quoted because it
// needs quoting, the empty key (`""=v`): a quoted key is read like a
// quoted value, and the line keeps its time, level and message.
func TestParseSlogText(t *testing.T) {
	const file = "go_slog_text.log"
	p := NewParser(Options{})
	for i, line := range parsertest.ReadLines(t, file) {
		var r parsers.Record
		err := p.Parse(line, &r)
		ref, reason := refParse(line, "")
		if reason != "" {
			t.Fatalf("unexpected reference result for %s:%d; got %q; want success", file, i+1, reason)
		}
		if err != nil {
			t.Fatalf("unexpected error for %s:%d; got %v; want nil", file, i+1, err)
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", file, i+1, d)
		}
		if i+1 == 18 {
			want := time.Date(2000, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano()
			if r.Time != want || string(r.Level) != "INFO" || string(r.Message) != "message" || r.Kind != parsers.KindApp {
				t.Fatalf("unexpected record for %s:18 (a quoted empty key); got time %d, level %q, msg %q, kind %v; want %d, INFO, message, app", file, r.Time, r.Level, r.Message, r.Kind, want)
			}
		}
	}
}
