package detect

import (
	"fmt"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// timeline lists f's events as "window: type kind subject severity
// [start, end)", times in minutes since t0; window -1 is Close.
func timeline(f *feed) []string {
	var out []string
	for k, ev := range f.events {
		in := ev.Incident
		out = append(out, fmt.Sprintf("%d: %s %s %s %s [%d, %d)", f.after[k], ev.Type, in.Kind, in.Subject, in.Severity, minutes(in.Start), minutes(in.End)))
	}
	return out
}

func checkTimeline(t *testing.T, name string, f *feed, want ...string) {
	t.Helper()
	if diff := gocmp.Diff(want, timeline(f)); diff != "" {
		t.Fatalf("unexpected events for %q; got\n%s\nwant\n%s\n%s", name, strings.Join(timeline(f), "\n"), strings.Join(want, "\n"), diff)
	}
}

// TestLifecycleOpenResolve checks when an incident opens (once its rule
// held for `for`), moves and is resolved (after its quiet period, and not
// after one quiet window).
func TestLifecycleOpenResolve(t *testing.T) {
	attack := func(i int, w *win) {
		if i >= 60 && i < 70 && i != 64 {
			authFailures(w, "192.0.2.77", 50+uint64(i))
		}
	}
	f := detect(t, closedAll(day(120, attack)), Rules{})
	checkTimeline(t, "attack with a quiet window", f,
		"61: opened attack 192.0.2.77 P1 [60, 62)",
		"62: updated attack 192.0.2.77 P1 [60, 63)",
		"63: updated attack 192.0.2.77 P1 [60, 64)",
		// 64 is quiet: nothing changed, no event; 65 bridges it.
		"65: updated attack 192.0.2.77 P1 [60, 66)",
		"66: updated attack 192.0.2.77 P1 [60, 67)",
		"67: updated attack 192.0.2.77 P1 [60, 68)",
		"68: updated attack 192.0.2.77 P1 [60, 69)",
		"69: updated attack 192.0.2.77 P1 [60, 70)",
		// Quiet period: 2 windows.
		"71: resolved attack 192.0.2.77 P1 [60, 70)",
	)
	if in := f.final[0]; in.Status != incident.Resolved || in.Peak.Value != 119 || !in.Peak.At.Equal(t0.Add(69*time.Minute)) ||
		in.Summary != "192.0.2.77 made 1,031 failed auth requests (401/403/429) between 11:00 and 11:10" {
		t.Fatalf("unexpected incident for %q; got %+v", "attack", in)
	}

	// A ratio rule: the start grows back by likelihood over the windows
	// before the first bad one, the end forward over the quiet ones.
	payments := during(60, 70, load{endpoint: charge, n: 60, e5xx: 12}.addTo)
	f = detect(t, closedAll(day(120, payments)), Rules{})
	tl := timeline(f)
	if len(tl) < 2 || !strings.Contains(tl[0], "opened payment_failures "+charge+" P1 [60,") ||
		!strings.HasSuffix(tl[len(tl)-1], "resolved payment_failures "+charge+" P1 [60, 70)") {
		t.Fatalf("unexpected events for %q; got\n%s\nwant opened from 60, resolved [60, 70)", "payments", strings.Join(tl, "\n"))
	}
}

// TestLifecycleEscalate checks escalation, and that the ID stays the one
// given at opening when a lower tier that began earlier moves the start
// back.
func TestLifecycleEscalate(t *testing.T) {
	rules := Rules{ErrorRate: ErrorRateRule{Warn: RatioRule{For: Duration(25 * time.Minute)}}}
	rising := func(i int, w *win) {
		switch {
		case i >= 50 && i < 60:
			load{endpoint: search, n: 20_000, e5xx: 400}.addTo(w)
		case i >= 60 && i < 66:
			load{endpoint: search, n: 20_000, e5xx: 2000}.addTo(w)
		case i >= 66 && i < 80:
			load{endpoint: search, n: 20_000, e5xx: 400}.addTo(w)
		}
	}
	f := detect(t, closedAll(day(120, rising)), rules)
	if len(f.final) != 1 || briefs(f.final)[0] != (brief{incident.ErrorRate, incident.P2, "*", 50, 80}) {
		t.Fatalf("unexpected incidents for %q; got %v; want P2 error_rate [50, 80)", "rising", briefs(f.final))
	}
	// The burst of 5xx at 50 opens first, and the error rate supersedes
	// it when it opens.
	rate := eventsOf(f, incident.ErrorRate)
	opened := rate[0].Incident
	if rate[0].Type != incident.Opened || opened.Severity != incident.P2 || minutes(opened.Start) != 60 {
		t.Fatalf("unexpected first event for %q; got\n%s\nwant P2 error_rate opened from 60", "rising", strings.Join(timeline(f), "\n"))
	}
	if minutes(rate[len(rate)-1].Incident.Start) != 50 {
		t.Fatalf("unexpected last event for %q; got %+v; want the start moved back to 50", "rising", rate[len(rate)-1])
	}
	if id := f.final[0].ID; id != opened.ID {
		t.Fatalf("unexpected id for %q; got %s; want %s, the id at opening", "rising", id, opened.ID)
	}

	// P3 first, then P2: escalated, same ID.
	f = detect(t, closedAll(day(120, func(i int, w *win) {
		switch {
		case i >= 50 && i < 70:
			load{endpoint: search, n: 20_000, e5xx: 400}.addTo(w)
		case i >= 70 && i < 80:
			load{endpoint: search, n: 20_000, e5xx: 2000}.addTo(w)
		}
	})), Rules{})
	var types []incident.EventType
	rate = eventsOf(f, incident.ErrorRate)
	for _, ev := range rate {
		if ev.Type != incident.Updated {
			types = append(types, ev.Type)
		}
	}
	if want := []incident.EventType{incident.Opened, incident.Escalated, incident.ResolvedEv}; !gocmp.Equal(types, want) ||
		rate[0].Incident.ID != f.final[0].ID || rate[0].Incident.Severity != incident.P3 {
		t.Fatalf("unexpected events for %q; got\n%s\nwant opened at P3, escalated, resolved, one ID", "P3 then P2", strings.Join(timeline(f), "\n"))
	}
}

func eventsOf(f *feed, kind incident.Kind) []incident.Event {
	var out []incident.Event
	for _, ev := range f.events {
		if ev.Incident.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// TestLifecycleSupersede checks that an outage supersedes the error rate
// and latency incidents its ramp opened, with an event naming the cover.
func TestLifecycleSupersede(t *testing.T) {
	ramp := func(i int, w *win) {
		switch {
		case i == 59:
			load{endpoint: search, n: 20_000, e5xx: 4000, slowAlert: 4000}.addTo(w)
		case i >= 60 && i < 70:
			load{endpoint: search, n: 20_000, e5xx: 16_000, slowAlert: 2000}.addTo(w)
		}
	}
	f := detect(t, closedAll(day(120, ramp)), Rules{})
	var outage string
	superseded := 0
	for _, ev := range f.events {
		switch {
		case ev.Type == incident.Opened && ev.Incident.Kind == incident.Outage:
			outage = ev.Incident.ID
		case ev.Type == incident.Superseded:
			superseded++
			if ev.Incident.SupersededBy != outage || outage == "" {
				t.Fatalf("unexpected superseded event for %q; got %+v; want it after the outage opened, naming it", "ramp", ev)
			}
		}
	}
	if superseded == 0 {
		t.Fatalf("unexpected events for %q; got\n%s\nwant the ramp's incidents superseded", "ramp", strings.Join(timeline(f), "\n"))
	}
	if got := briefs(f.final); !gocmp.Equal(got, []brief{{incident.Outage, incident.P1, "*", 60, 70}}) {
		t.Fatalf("unexpected incidents for %q; got %v; want the outage only", "ramp", got)
	}
}

// TestLifecycleEnd checks Close (incidents still on stay open) and a gap
// longer than max_gap (it resolves what was open).
func TestLifecycleEnd(t *testing.T) {
	f := detect(t, closedAll(day(120, during(110, 120, func(w *win) { authFailures(w, "192.0.2.77", 50) }))), Rules{})
	if len(f.final) != 1 || f.final[0].Status != incident.Open || minutes(f.final[0].End) != 120 {
		t.Fatalf("unexpected incidents for %q; got %+v; want one open until 120", "attack at the end", f.final)
	}
	ws := day(120, during(55, 60, func(w *win) { authFailures(w, "192.0.2.77", 50) }))
	for _, w := range ws[60:] {
		w.c.Start = w.c.Start.Add(25 * time.Hour)
	}
	ws = ws[:59] // the attack is on in the last window before the gap
	ws = append(ws, day(120, nil)[60:]...)
	for _, w := range ws[59:] {
		w.c.Start = w.c.Start.Add(25 * time.Hour)
	}
	f = detect(t, closedAll(ws), Rules{})
	checkTimeline(t, "gap", f,
		"56: opened attack 192.0.2.77 P1 [55, 57)",
		"57: updated attack 192.0.2.77 P1 [55, 58)",
		"58: updated attack 192.0.2.77 P1 [55, 59)",
		"59: resolved attack 192.0.2.77 P1 [55, 59)",
	)

	e := New(Rules{})
	e.Close()
	defer func() {
		if recover() == nil {
			t.Fatalf("unexpected push for %q; got no panic; want a BUG panic", "after close")
		}
	}()
	e.Push(&window.Closed{Start: t0, Size: time.Minute})
}

// TestLifecycleLongIncident checks that an incident longer than the ring
// reports every one of its windows: its summary and evidence are summed
// while it lasts, not read back from windows that are gone.
func TestLifecycleLongIncident(t *testing.T) {
	const from, to = 60, 560 // 500 windows; the ring holds 241
	f := detect(t, closedAll(day(620, during(from, to, func(w *win) { authFailures(w, "192.0.2.77", 50) }))), Rules{})
	if got := briefs(f.final); !gocmp.Equal(got, []brief{{incident.Attack, incident.P1, "192.0.2.77", from, to}}) {
		t.Fatalf("unexpected incidents for %q; got %v; want the attack [%d, %d)", "long attack", got, from, to)
	}
	in := f.final[0]
	if want := "192.0.2.77 made 25,000 failed auth requests (401/403/429) between 11:00 and 19:20"; in.Summary != want {
		t.Fatalf("unexpected summary for %q; got %q; want %q", "long attack", in.Summary, want)
	}
	if c := in.Evidence.Clients[0]; c.Key != "192.0.2.77" || c.Count != 25_000 {
		t.Fatalf("unexpected evidence for %q; got %+v; want 192.0.2.77 with 25,000", "long attack", in.Evidence.Clients)
	}
}
