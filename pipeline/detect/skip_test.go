package detect

import (
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/window"
)

// TestSkipEmptyWindows checks that skipping a long run of windows without
// traffic gives the events of stepping through every one of them: traffic
// that stops (a collapse) and comes back 20 hours later with an attack.
func TestSkipEmptyWindows(t *testing.T) {
	before := day(300, during(200, 210, func(w *win) { authFailures(w, "192.0.2.9", 300) }))
	after := day(120, during(30, 40, func(w *win) { authFailures(w, "192.0.2.10", 300) }))
	var ws []*window.Closed
	for _, w := range before {
		ws = append(ws, w.closed())
	}
	for _, w := range after {
		c := w.closed()
		c.Start = c.Start.Add(20 * time.Hour)
		ws = append(ws, c)
	}
	run := func(noSkip bool) ([]string, int) {
		e := New(Rules{})
		e.noSkip = noSkip
		var got []string
		for _, w := range ws {
			for _, ev := range e.Push(w) {
				got = append(got, string(ev.Type)+" "+ev.Incident.ID+" "+ev.Incident.End.String())
			}
		}
		for _, ev := range e.Close() {
			got = append(got, string(ev.Type)+" "+ev.Incident.ID+" "+ev.Incident.End.String())
		}
		return got, e.n
	}
	stepped, n1 := run(true)
	skipped, n2 := run(false)
	if d := gocmp.Diff(stepped, skipped); d != "" || n1 != n2 {
		t.Errorf("unexpected events when skipping empty windows (-stepped +skipped):\n%s", d)
	}
	if len(stepped) < 4 {
		t.Errorf("unexpected events; got %v; want both attacks and the collapse", stepped)
	}
}
