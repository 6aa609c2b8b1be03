package notify

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// TestSetOpen: the incidents given to SetOpen are re-sent to
// Alertmanager as firing alerts, without any event to the webhook; after
// SetOpen(nil) nothing is re-sent.
func TestSetOpen(t *testing.T) {
	am := newReceiver(t, nil)
	hook := newReceiver(t, nil)
	sink, err := NewAlertmanager(AlertmanagerOptions{URL: am.srv.URL, Resend: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	wh, err := NewWebhook(WebhookOptions{URL: hook.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(Options{}, sink, wh)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop(t.Logf)
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	open := []incident.Incident{
		{ID: "a1", Kind: "error_rate", Severity: incident.P1, Subject: "GET /pay", Status: incident.Open, Start: start, Summary: "5xx"},
		{ID: "b2", Kind: "latency", Severity: incident.P3, Subject: "GET /x", Status: incident.Open, Start: start, Summary: "slow"},
	}
	n.SetOpen(open)
	waitFor(t, "a re-send of the open incidents", func() bool { return len(am.got()) > 0 })
	var alerts []alert
	if err := json.Unmarshal([]byte(am.got()[0]), &alerts); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range alerts {
		got = append(got, a.Labels["alertname"]+" "+a.Labels["severity"]+" "+a.Labels["subject"])
		if !a.StartsAt.Equal(start) || !a.EndsAt.After(time.Now()) {
			t.Errorf("unexpected times of a re-sent alert; got %s to %s; want from %s, firing", a.StartsAt, a.EndsAt, start)
		}
	}
	if want := []string{"vigil_error_rate P1 GET /pay", "vigil_latency P3 GET /x"}; !slices.Equal(got, want) {
		t.Fatalf("unexpected re-sent alerts; got %q; want %q", got, want)
	}
	n.SetOpen(nil)
	// Six intervals: one re-send may have been in flight.
	before := am.requests()
	time.Sleep(300 * time.Millisecond)
	if after := am.requests(); after > before+1 {
		t.Errorf("unexpected re-sends after SetOpen(nil); got %d more; want at most the one in flight", after-before)
	}
	if got := hook.requests(); got != 0 {
		t.Errorf("unexpected webhook requests after SetOpen; got %d; want none", got)
	}
}
