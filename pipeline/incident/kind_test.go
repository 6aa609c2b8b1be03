package incident

import (
	"slices"
	"testing"
)

// TestMetricKinds: metric kinds neither hide nor are hidden by the logs'
// kinds, carry the runbook's sections and its diagnostic commands
// (none for payment_success: the logs' payment_failures has none).
func TestMetricKinds(t *testing.T) {
	f := func(k Kind, sev Severity, section string, commands int) {
		t.Helper()
		if !k.Metric() || Outage.Metric() {
			t.Fatalf("unexpected Metric for %s", k)
		}
		if Outage.Outranks(P1, k, sev) || k.Outranks(P1, ErrorBurst, P3) {
			t.Fatalf("unexpected Outranks between %s and a log kind", k)
		}
		if rb := RunbookOf(k, sev); rb.Section != section || rb.RespondWithin != sev.RespondWithin() {
			t.Fatalf("unexpected runbook of %s; got %+v; want section %q", k, rb, section)
		}
		if len(k.Commands()) != commands {
			t.Fatalf("unexpected commands of %s; got %q; want %d", k, k.Commands(), commands)
		}
	}
	f(Memory, P2, "High Memory/CPU Usage", 4)
	f(CPU, P2, "High Memory/CPU Usage", 4)
	f(DBConnections, P2, "Database Issues", 2)
	f(LongQuery, P1, "Database Issues", 2)
	f(SlowStatement, P2, "Database Issues", 2)
	f(PaymentSuccess, P1, "Payment Failures", 0)
	f(EndpointDown, P1, "Health Check Endpoints", 3)
	f(Uptime, P2, "Service Outage", 3)
	if !ErrorRate.Outranks(P2, ErrorBurst, P2) {
		t.Fatalf("unexpected Outranks: error_rate no longer subsumes error_burst")
	}
}

// TestCommandsFor: a failing check's URL is curled first, quoted for a
// shell; any other detail, or kind, keeps the runbook's commands alone.
func TestCommandsFor(t *testing.T) {
	f := func(k Kind, detail, first string) {
		t.Helper()
		got := k.CommandsFor(detail)
		if first == "" {
			if !slices.Equal(got, k.Commands()) {
				t.Fatalf("unexpected commands of %s with detail %q; got %q; want the runbook's %q", k, detail, got, k.Commands())
			}
			return
		}
		if len(got) != len(k.Commands())+1 || got[0] != first || !slices.Equal(got[1:], k.Commands()) {
			t.Fatalf("unexpected commands of %s with detail %q; got %q; want %q then the runbook's", k, detail, got, first)
		}
	}
	f(EndpointDown, "https://shop.example/api/health", `curl -sS -m 10 -w '\n%{http_code} %{time_total}s\n' 'https://shop.example/api/health' | tail -c 300`)
	f(Uptime, "http://127.0.0.1:8080/docs?x=1&y=2", `curl -sS -m 10 -w '\n%{http_code} %{time_total}s\n' 'http://127.0.0.1:8080/docs?x=1&y=2' | tail -c 300`)
	f(EndpointDown, "", "")
	f(EndpointDown, "/api/health", "")
	f(EndpointDown, "http://h/x'; rm -rf /", "")
	f(EndpointDown, "http://h/a b", "")
	f(LongQuery, "https://shop.example/api/health", "")
	f(Memory, "", "")
}
