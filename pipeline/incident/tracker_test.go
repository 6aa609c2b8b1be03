package incident

import (
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// at is minute m after t0.
func at(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

// finding is an incident of kind on subject over minutes [start, end).
func finding(kind Kind, subject string, sev Severity, start, end int) Finding {
	return Finding{
		Kind: kind, Subject: subject, Severity: sev, Start: at(start), End: at(end),
		Peak: Peak{Value: 0.5, At: at(start)}, Threshold: 0.1, Summary: fmt.Sprintf("%s until %d", kind, end),
	}
}

// step is one window's calls and the events they must give, as
// "type kind subject severity".
type step struct {
	set     []Finding
	resolve []Kind
	want    []string
}

func run(t *testing.T, name string, steps ...step) *Tracker {
	t.Helper()
	tr := NewTracker(time.Minute)
	seq := make(map[string]uint64)
	for k, s := range steps {
		for _, f := range s.set {
			tr.Set(f)
		}
		for _, kind := range s.resolve {
			subject := SubjectAll
			if kind == Attack {
				subject = "192.0.2.7"
			}
			tr.Resolve(kind, subject)
		}
		var got []string
		for _, ev := range tr.Flush() {
			got = append(got, fmt.Sprintf("%s %s %s %s", ev.Type, ev.Incident.Kind, ev.Incident.Subject, ev.Incident.Severity))
			if ev.Seq != seq[ev.Incident.ID]+1 {
				t.Fatalf("unexpected seq for %q at step %d; got %d; want %d", name, k, ev.Seq, seq[ev.Incident.ID]+1)
			}
			seq[ev.Incident.ID] = ev.Seq
		}
		if diff := gocmp.Diff(s.want, got); diff != "" {
			t.Fatalf("unexpected events for %q at step %d; got %v; want %v\n%s", name, k, got, s.want, diff)
		}
	}
	return tr
}

func TestTrackerLifecycle(t *testing.T) {
	er := func(sev Severity, start, end int) Finding { return finding(ErrorRate, SubjectAll, sev, start, end) }
	// Opened, updated only when something changed, escalated, resolved.
	tr := run(t, "lifecycle",
		step{set: []Finding{er(P3, 60, 62)}, want: []string{"opened error_rate * P3"}},
		step{set: []Finding{er(P3, 60, 63), er(P3, 60, 63)}, want: []string{"updated error_rate * P3"}},
		step{set: []Finding{er(P3, 60, 63)}},
		step{},
		step{set: []Finding{er(P2, 59, 65)}, want: []string{"escalated error_rate * P2"}},
		// Severity never falls.
		step{set: []Finding{er(P3, 59, 66)}, want: []string{"updated error_rate * P2"}},
		step{resolve: []Kind{ErrorRate}, want: []string{"resolved error_rate * P2"}},
		// A later run is a new incident.
		step{set: []Finding{er(P3, 80, 82)}, want: []string{"opened error_rate * P3"}},
	)
	incs := tr.Incidents()
	if len(incs) != 2 || incs[0].Severity != P2 || incs[0].Status != Resolved || incs[1].Status != Open {
		t.Fatalf("unexpected incidents for %q; got %+v; want a resolved P2 and an open P3", "lifecycle", incs)
	}
	// The ID is fixed at opening, though the start moved back.
	if want := incidentID(ErrorRate, SubjectAll, at(60)); incs[0].ID != want || !incs[0].Start.Equal(at(59)) {
		t.Fatalf("unexpected id for %q; got %s from %v; want %s", "lifecycle", incs[0].ID, incs[0].Start, want)
	}
	if incs[0].Runbook != RunbookOf(ErrorRate, P2) {
		t.Fatalf("unexpected runbook for %q; got %+v; want the P2 one", "lifecycle", incs[0].Runbook)
	}
}

func TestTrackerSupersede(t *testing.T) {
	// An outage covers a lower incident of another kind that it overlaps,
	// give or take one window: opened first, superseded last.
	tr := run(t, "outage over error rate",
		step{set: []Finding{finding(ErrorRate, SubjectAll, P2, 59, 61), finding(Latency, "GET /x", P2, 40, 50), finding(Attack, "192.0.2.7", P1, 59, 61)},
			want: []string{"opened attack 192.0.2.7 P1", "opened error_rate * P2", "opened latency GET /x P2"}},
		step{set: []Finding{finding(Outage, SubjectAll, P1, 62, 63), finding(ErrorRate, SubjectAll, P2, 59, 62)},
			want: []string{"opened outage * P1", "superseded error_rate * P2"}},
	)
	if !tr.Covered(ErrorBurst, SubjectAll, P3, at(63), at(64)) || tr.Covered(ErrorBurst, SubjectAll, P3, at(64), at(65)) {
		t.Fatalf("unexpected cover for %q; want the window after the outage's end covered, not the next", "error_burst")
	}
	if tr.Covered(Attack, "192.0.2.7", P1, at(62), at(63)) || tr.Covered(Outage, SubjectAll, P2, at(62), at(63)) {
		t.Fatalf("unexpected cover for %q; want no cover of the same severity or kind", "attack")
	}
	var kinds []Kind
	for _, in := range tr.Incidents() {
		kinds = append(kinds, in.Kind)
	}
	if want := []Kind{Attack, Outage, Latency}; !gocmp.Equal(kinds, want) {
		t.Fatalf("unexpected incidents for %q; got %v; want %v (the superseded one left out)", "supersede", kinds, want)
	}

	// Same severity: error_rate subsumes error_burst. The cover's
	// escalation comes before the supersede it causes.
	run(t, "escalation then supersede",
		step{set: []Finding{finding(ErrorBurst, SubjectAll, P3, 10, 12), finding(Latency, SubjectAll, P3, 10, 20)},
			want: []string{"opened latency * P3", "opened error_burst * P3"}},
		step{set: []Finding{finding(ErrorRate, SubjectAll, P3, 11, 13)},
			want: []string{"opened error_rate * P3", "superseded error_burst * P3"}},
		step{set: []Finding{finding(ErrorRate, SubjectAll, P2, 11, 14), finding(Latency, SubjectAll, P3, 10, 21)},
			want: []string{"escalated error_rate * P2", "superseded latency * P3"}},
	)
	// Opened and superseded in one window: both, opened first. An incident
	// escalating in the window it is superseded: only superseded.
	run(t, "same window",
		step{set: []Finding{finding(Latency, "GET /y", P2, 30, 31)}, want: []string{"opened latency GET /y P2"}},
		step{set: []Finding{finding(Outage, SubjectAll, P1, 30, 33), finding(ErrorRate, SubjectAll, P2, 31, 33), finding(Latency, "GET /y", P2, 30, 33)},
			want: []string{"opened outage * P1", "opened error_rate * P2", "superseded error_rate * P2", "superseded latency GET /y P2"}},
	)
	// A resolved incident is final: not superseded.
	run(t, "resolved before",
		step{set: []Finding{finding(ErrorRate, SubjectAll, P2, 10, 15)}, want: []string{"opened error_rate * P2"}},
		step{resolve: []Kind{ErrorRate}, set: []Finding{finding(Outage, SubjectAll, P1, 15, 17)},
			want: []string{"opened outage * P1", "resolved error_rate * P2"}},
	)
}

func TestTrackerSupersededEvent(t *testing.T) {
	tr := NewTracker(time.Minute)
	tr.Set(finding(ErrorBurst, SubjectAll, P3, 10, 12))
	tr.Flush()
	tr.Set(finding(ErrorRate, SubjectAll, P3, 11, 13))
	events := tr.Flush()
	if len(events) != 2 {
		t.Fatalf("unexpected events for %q; got %+v; want 2", "supersede", events)
	}
	in := events[1].Incident
	if events[1].Type != Superseded || in.Status != Resolved || in.SupersededBy != events[0].Incident.ID || events[1].Seq != 2 {
		t.Fatalf("unexpected event for %q; got %+v; want superseded, seq 2, resolved, by %s", "supersede", events[1], events[0].Incident.ID)
	}
	tr.Set(finding(ErrorBurst, SubjectAll, P3, 20, 22))
	if events := tr.Flush(); len(events) != 1 || events[0].Type != Opened || events[0].Incident.ID == in.ID {
		t.Fatalf("unexpected events for %q; got %+v; want a new incident opened", "after supersede", events)
	}
}

// TestIncidentID checks that IDs are stable and tell incidents apart.
func TestIncidentID(t *testing.T) {
	f := func(kind Kind, subject string, start time.Time, want string) {
		t.Helper()
		if got := incidentID(kind, subject, start); got != want {
			t.Fatalf("unexpected id for %q; got %s; want %s", fmt.Sprint(kind, subject, start), got, want)
		}
	}
	f(Outage, "*", t0, "7fb3dd280abc8af2")
	f(Outage, "*", t0.Add(time.Minute), "06797e26688e5670")
	f(Attack, "*", t0, "67f3dccfee3bdd35")
}

func TestTrackerResolveNotOpen(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatalf("unexpected resolve for %q; got no panic; want a BUG panic", "not open")
		}
	}()
	NewTracker(time.Minute).Resolve(Outage, SubjectAll)
}
