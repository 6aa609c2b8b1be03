package report

import (
	"strings"
	"testing"
	"time"
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
	f := func(name string, in Incident, logEnd string, want ...string) {
		t.Helper()
		var b strings.Builder
		if err := WriteNotification(&b, &Report{TimeRange: TimeRange{End: logEnd}, Incidents: []Incident{in, in}}); err != nil {
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
	attack := Incident{
		ID: "0123456789abcdef", Severity: "P1", Kind: "attack", Subject: "192.0.2.77",
		Start: "2026-03-01T03:12:00Z", End: "2026-03-01T03:19:00Z",
		Summary:  "192.0.2.77 made 4,212 failed auth requests (401/403/429) between 03:12 and 03:19",
		Evidence: Evidence{Clients: []Count{{Key: "192.0.2.77", Count: 4212}}, Status: []Count{{Key: "401", Count: 4100, Error: 3}}},
		Runbook:  Runbook{Section: "Suspected Attack", RespondWithin: "15 min", Escalation: "escalate to CTO"},
	}
	f("resolved attack", attack, "2026-03-01T05:00:00Z",
		"INCIDENT ALERT",
		"Severity: P1 Critical",
		"Started: 2026-03-01 03:12 UTC",
		"Status: resolved at 2026-03-01 03:19 UTC, after 7m",
		"Issue: attack (192.0.2.77): 192.0.2.77 made 4,212 failed auth requests (401/403/429) between 03:12 and 03:19",
		"Impact: accounts are at risk of takeover; clients 192.0.2.77 (4,212); status 401 (4,100 ±3)",
		"Runbook: Suspected Attack; respond within 15 min, escalate to CTO",
		"Incident: 0123456789abcdef")
	f("ongoing attack", attack, "2026-03-01T03:18:30Z",
		"Status: ongoing at the end of the log (2026-03-01 03:18 UTC)")
	outage := attack
	outage.Kind, outage.Subject, outage.Severity = "outage", "*", "P1"
	f("service-wide", outage, "", "Issue: outage (whole service): "+attack.Summary,
		"Impact: the service is down for most users; clients 192.0.2.77 (4,212); status 401 (4,100 ±3)")
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
