package report

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

func TestWriteNotificationEmpty(t *testing.T) {
	var b strings.Builder
	if err := WriteNotification(&b, &Report{}); err != nil {
		t.Fatalf("cannot write notification: %v", err)
	}
	if b.String() != "" {
		t.Fatalf("unexpected notification for %q; got %q; want nothing", "no incidents", b.String())
	}
}

func TestWriteNotification(t *testing.T) {
	f := func(name string, in incident.Incident, logEnd time.Time, want ...string) {
		t.Helper()
		var b strings.Builder
		r := &Report{TimeRange: TimeRange{Start: in.Start, End: logEnd}, Incidents: []incident.Incident{in, in}}
		if err := WriteNotification(&b, r); err != nil {
			t.Fatalf("cannot write notification for %q: %v", name, err)
		}
		blocks := strings.Split(b.String(), "\n\n")
		if len(blocks) != 2 {
			t.Fatalf("unexpected blocks for %q; got %d; want 2", name, len(blocks))
		}
		lines := strings.Split(blocks[0], "\n")
		for _, w := range want {
			found := false
			for _, l := range lines {
				found = found || l == w
			}
			if !found {
				t.Fatalf("unexpected notification for %q; got %q; want a line %q", name, blocks[0], w)
			}
		}
	}
	attack := newIncident(incident.Incident{
		ID: "0123456789abcdef", Severity: incident.P1, Kind: incident.Attack, Subject: "192.0.2.77", Status: incident.Resolved,
		Start: minute(12), End: minute(19),
		Summary:  "192.0.2.77 made 4,212 failed auth requests (401/403/429) between 03:12 and 03:19",
		Evidence: incident.Evidence{Clients: []Count{{Key: "192.0.2.77", Count: 4212}}, Status: []Count{{Key: "401", Count: 4100, Error: 3}}},
	})
	f("resolved attack", attack, minute(120),
		"INCIDENT ALERT",
		"Severity: P1 Critical",
		"Started: 2026-03-01 03:12 UTC",
		"Status: resolved at 2026-03-01 03:19 UTC, after 7m",
		"Issue: attack (192.0.2.77): 192.0.2.77 made 4,212 failed auth requests (401/403/429) between 03:12 and 03:19",
		"Impact: accounts are at risk of takeover; clients 192.0.2.77 (4,212); status 401 (4,100 ±3)",
		"Runbook: Suspected Attack; respond within 15 min, escalate to CTO",
		"Incident: 0123456789abcdef")
	// The status is the tracker's, whatever the times say.
	f("resolved before the end of the log", attack, minute(18).Add(30*time.Second),
		"Status: resolved at 2026-03-01 03:19 UTC, after 7m")
	ongoing := attack
	ongoing.Status = incident.Open
	f("ongoing attack", ongoing, minute(18).Add(30*time.Second),
		"Status: ongoing at the end of the log (2026-03-01 03:18 UTC)")
	f("ongoing without a log end", ongoing, time.Time{}, "Status: ongoing")
	outage := newIncident(attack)
	outage.Kind, outage.Subject, outage.Severity = incident.Outage, incident.SubjectAll, incident.P1
	f("service-wide", outage, time.Time{}, "Issue: outage (whole service): "+attack.Summary,
		"Impact: the service is down for most users; clients 192.0.2.77 (4,212); status 401 (4,100 ±3)")
	high := attack
	high.Kind, high.Severity = incident.Latency, incident.P2
	f("P2 latency", high, time.Time{}, "Severity: P2 High", "Impact: requests are slow; clients 192.0.2.77 (4,212); status 401 (4,100 ±3)",
		"Runbook: High Response Times (P2); respond within 1 h, escalate to team lead")
}

// TestWriteNotificationOrder checks that open incidents come first.
func TestWriteNotificationOrder(t *testing.T) {
	var b strings.Builder
	if err := WriteNotification(&b, sampleReport()); err != nil {
		t.Fatalf("cannot write notification: %v", err)
	}
	var got []string
	for _, l := range strings.Split(b.String(), "\n") {
		if id, ok := strings.CutPrefix(l, "Incident: "); ok {
			got = append(got, id)
		}
	}
	want := "89abcdef01234567 0123456789abcdef fedcba9876543210"
	if strings.Join(got, " ") != want {
		t.Fatalf("unexpected order for %q; got %v; want %s", "sample report", got, want)
	}
}

func TestDuration(t *testing.T) {
	f := func(d time.Duration, want string) {
		t.Helper()
		if got := duration(d); got != want {
			t.Fatalf("unexpected duration for %q; got %q; want %q", d, got, want)
		}
	}
	f(30*time.Second, "30s")
	f(7*time.Minute, "7m")
	f(90*time.Second, "1m30s")
	f(2*time.Hour, "2h")
	f(150*time.Minute, "2h30m")
}

// TestSpan is a regression test: a range of more than 292 years printed a
// saturated duration.
func TestSpan(t *testing.T) {
	f := func(start, end time.Time, want string) {
		t.Helper()
		if got := span(TimeRange{start, end}); got != want {
			t.Errorf("unexpected span from %v to %v; got %q; want %q", start, end, got, want)
		}
	}
	day := func(y int) time.Time { return time.Date(y, 3, 1, 0, 0, 10, 0, time.UTC) }
	f(day(2026), day(2026).Add(26*time.Hour), "1d2h")
	f(day(1700), day(2261), "204901d")
	f(day(1700), day(2261).Add(90*time.Second), "204901d1m30s")
}
