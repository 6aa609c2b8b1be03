package incident

import "testing"

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
