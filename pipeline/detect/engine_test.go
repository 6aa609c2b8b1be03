package detect

import (
	"fmt"
	"testing"

	"github.com/vigil-ops/vigil/pipeline/window"
)

// churn returns n minutes of quiet traffic in which every minute brings
// new subjects: an attacker IP with a one-minute burst, a new slow
// endpoint, a new exporter. Nothing lasts, so nothing may be kept.
func churn(n int) []*window.Closed {
	ws := make([]*window.Closed, n)
	for i := range ws {
		w := quietWindow(i)
		authFailures(w, fmt.Sprintf("192.0.%d.%d", i/256%256, i%256), 40)
		load{endpoint: fmt.Sprintf("GET /api/item%d", i), n: 200, slowWarn: 150, slowAlert: 150}.addTo(w)
		w.top(topExportUsers, fmt.Sprintf("u%d", i), 40)
		ws[i] = w.closed()
	}
	return ws
}

// TestEngineBounded checks that what the engine keeps does not grow with
// the number of windows: its ring, its series and tracks, the windows it
// holds.
func TestEngineBounded(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 3_000
	}
	ws := churn(n)
	e := New(Rules{})
	maxSeries, maxTracks := 0, 0
	for _, w := range ws {
		e.Push(w)
		maxSeries, maxTracks = max(maxSeries, len(e.series)), max(maxTracks, len(e.tracks))
		held := 0
		for k := range e.ring {
			if e.ring[k].w != nil {
				held++
			}
		}
		if held > e.detail {
			t.Fatalf("unexpected windows held for %q; got %d; want at most %d", "churn", held, e.detail)
		}
	}
	// A ratio series outlives its last run by the detail horizon, until a
	// sweep: one new slow endpoint a minute keeps that many. A track lives
	// as long as its runs: one new subject a minute in three rules keeps
	// their quiet periods' worth (10 for endpoint latency, 2 and 2).
	seriesBound, tracksBound := e.detail+len(e.ring)/4+10, 10+2+2+3
	if maxSeries > seriesBound || maxTracks > tracksBound || len(e.ring) != 4*60+1 {
		t.Fatalf("unexpected state for %q; got %d series, %d tracks, ring of %d at most; want at most %d, %d, 241",
			"churn", maxSeries, maxTracks, len(e.ring), seriesBound, tracksBound)
	}
	if got := e.Incidents(); len(got) != 0 {
		t.Fatalf("unexpected incidents for %q; got %v; want none (nothing lasts two minutes)", "churn", briefs(got))
	}
}

// TestPushAllocs checks that a quiet window costs (almost) no allocation
// once the engine has seen a baseline, however many came before.
func TestPushAllocs(t *testing.T) {
	ws := closedAll(day(2_000, nil))
	e := New(Rules{})
	next := 0
	push := func() {
		e.Push(ws[next])
		next++
	}
	for next < 300 {
		push()
	}
	early := testing.AllocsPerRun(100, push)
	for next < 1_800 {
		push()
	}
	late := testing.AllocsPerRun(100, push)
	if early > 1 || late > early {
		t.Fatalf("unexpected allocations per Push for %q; got %.1f after 300 windows and %.1f after 1,800; want at most 1, not growing", "quiet day", early, late)
	}
}
