package ingest

import (
	"fmt"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
)

// combinedLines are n combined lines from line from, each ending in a
// number when tail is set.
func combinedLines(from, n int, tail bool) []byte {
	var b strings.Builder
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, `10.0.0.%d - - [01/Mar/2026:10:%02d:%02d +0000] "GET /api/items/%d HTTP/1.1" 200 %d "-" "curl/8.5.0"`, i%50, i/60%60, i%60, i%7, 100+i)
		if tail {
			fmt.Fprintf(&b, " %d", 1+i*37%500)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// TestNoteFormat: a partition notes its format's warning at detection
// (none for a combined log without a trailing number), then once when
// lines first end in a number left unread, with the counter's warning,
// and not again as more do; the log has each once per topic.
func TestNoteFormat(t *testing.T) {
	c, err := pipeline.NewCounter("logs/0", pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &partition{c: c}
	count := func(data []byte) formatNote {
		t.Helper()
		_, note, err := p.count(pipeline.Batch{Data: data}, false)
		if err != nil {
			t.Fatal(err)
		}
		return note
	}
	var got []formatNote
	got = append(got, count(combinedLines(0, 100, false)), count(combinedLines(100, 20, true)), count(combinedLines(120, 5, true)))
	unread := "20 lines end in a number not read as a duration: the 100 sample lines detection read had none, so its unit is unknown; give --duration-unit if it is one"
	want := []formatNote{{format: "combined"}, {text: unread, format: "combined", unread: true}, {}}
	if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(formatNote{})); diff != "" {
		t.Fatalf("unexpected notes (-want +got):\n%s", diff)
	}
	if w := c.FormatWarning(); !strings.HasPrefix(w, "25 lines end") {
		t.Fatalf("unexpected warning after 25 lines with a number; got %q", w)
	}

	var logged []string
	logf := func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }
	var l formatLog
	detected := formatNote{text: "each line ends in an integer", format: "combined + x"}
	l.log(logf, "logs", 0, detected)
	l.log(logf, "logs", 1, detected)
	l.log(logf, "other", 0, detected)
	l.log(logf, "logs", 0, formatNote{format: "combined"})
	l.log(logf, "logs", 0, got[1])
	l.log(logf, "logs", 1, formatNote{text: "3 lines end", format: "combined", unread: true})
	wantLogged := []string{
		"warning: topic logs (partition 0), format combined + x: each line ends in an integer",
		"warning: topic other (partition 0), format combined + x: each line ends in an integer",
		"warning: topic logs (partition 0), format combined: " + unread,
	}
	if diff := gocmp.Diff(wantLogged, logged); diff != "" {
		t.Fatalf("unexpected log (-want +got):\n%s", diff)
	}
}
