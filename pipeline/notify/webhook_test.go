package notify

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
)

func newWebhook(t *testing.T, url, format string) *Webhook {
	t.Helper()
	w, err := NewWebhook(WebhookOptions{URL: url, Format: format})
	if err != nil {
		t.Fatalf("cannot create webhook: %v", err)
	}
	return w
}

// eventJSON is e as report.WriteEventJSON writes it.
func eventJSON(t *testing.T, e incident.Event) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteEventJSON(&b, &e); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// slackBody is the Slack message of e: the notification template as
// analyze -o notification prints the incident, with Slack's escapes.
func slackBody(t *testing.T, e incident.Event) string {
	t.Helper()
	var b strings.Builder
	if err := report.WriteNotification(&b, &report.Report{Incidents: []incident.Incident{e.Incident}}); err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(strings.TrimSuffix(b.String(), "\n"))
	var body strings.Builder
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]string{"text": text}); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(body.String(), "\n")
}

// slackEvents is an incident's life with hostile strings in it: a
// subject that Slack would read as a mention of the whole channel.
func slackEvents() []incident.Event {
	at := func(m int) time.Time { return time.Date(2026, 3, 1, 3, m, 0, 0, time.UTC) }
	in := incident.Incident{
		ID: "5eed5eed5eed5eed", Severity: incident.P2, Kind: incident.ErrorRate, Subject: "GET /pay?a=1&b=<!channel>",
		Status: incident.Open, Start: at(12), End: at(15),
		Peak:      incident.Peak{Value: 0.31, At: at(14)},
		Threshold: 0.05,
		Summary:   "31.00% of requests to GET /pay?a=1&b=<!channel> failed with 5xx (threshold 5.00%)",
		Evidence: incident.Evidence{
			Clients: []incident.Count{{Key: "192.0.2.7", Count: 120}},
			Status:  []incident.Count{{Key: "503", Count: 300}, {Key: "500", Count: 12}},
		},
	}
	escalated := in
	escalated.Severity, escalated.End = incident.P1, at(17)
	updated := escalated
	updated.End = at(19)
	resolved := updated
	resolved.Status, resolved.End = incident.Resolved, at(21)
	return []incident.Event{
		{Type: incident.Opened, Seq: 1, Incident: in},
		{Type: incident.Escalated, Seq: 2, Incident: escalated},
		{Type: incident.Updated, Seq: 3, Incident: updated},
		{Type: incident.ResolvedEv, Seq: 4, Incident: resolved},
	}
}

// TestWebhookSlackGolden: the Slack messages of an incident's life (the
// update is not sent), hostile text escaped.
func TestWebhookSlackGolden(t *testing.T) {
	rc := newReceiver(t, nil)
	n := newNotifier(t, Options{}, newWebhook(t, rc.srv.URL, FormatSlack))
	for _, e := range slackEvents() {
		n.Notify(e)
	}
	closeNotifier(t, n)
	got := rc.got()
	if len(got) != 3 {
		t.Fatalf("unexpected number of messages; got %d; want 3 (opened, escalated, resolved)", len(got))
	}
	golden(t, "slack.golden", strings.Join(got, "\n")+"\n")
	for _, b := range got {
		if strings.Contains(b, "<!channel>") || strings.Contains(b, `\u003c!channel`) {
			t.Fatalf("unexpected mention left in a Slack message: %s", b)
		}
	}
}

// TestWebhookRecovers: a receiver that answers 500, then 200, gets the
// event once, after it recovers; a 400 drops the event at once.
func TestWebhookRecovers(t *testing.T) {
	rc := newReceiver(t, func(n int, _ *http.Request) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	o := fastOptions()
	n := newNotifier(t, o, newWebhook(t, rc.srv.URL, FormatJSON))
	e := slackEvents()[0]
	n.Notify(e)
	closeNotifier(t, n)
	if diff := cmp.Diff([]string{eventJSON(t, e)}, rc.got()); diff != "" {
		t.Fatalf("unexpected bodies (-want +got):\n%s", diff)
	}
	if st := n.Stats()[0]; st.Sent != 1 || st.Failed != 1 || rc.requests() != 2 {
		t.Fatalf("unexpected stats; got %+v and %d requests; want 1 sent, 1 failed, 2 requests", st, rc.requests())
	}

	bad := newReceiver(t, func(int, *http.Request) int { return http.StatusBadRequest })
	n = newNotifier(t, o, newWebhook(t, bad.srv.URL, FormatJSON))
	n.Notify(e)
	closeNotifier(t, n)
	if st := n.Stats()[0]; st.Sent != 0 || st.Failed != 1 || st.Dropped != 1 || bad.requests() != 1 {
		t.Fatalf("unexpected stats; got %+v and %d requests; want 1 failed, 1 dropped, 1 request", st, bad.requests())
	}
}

func TestWebhookFailure(t *testing.T) {
	f := func(o WebhookOptions, want string) {
		t.Helper()
		_, err := NewWebhook(o)
		if err == nil || err.Error() != want {
			t.Fatalf("unexpected error for %+v; got %v; want %q", o, err, want)
		}
	}
	f(WebhookOptions{URL: "hooks.example/x"}, `cannot post to webhook "hooks.example/x": want an http or https URL`)
	f(WebhookOptions{URL: "ftp://hooks.example/x"}, `cannot post to webhook "ftp://hooks.example/x": want an http or https URL`)
	f(WebhookOptions{URL: "https://hooks.example/x", Format: "xml"}, `cannot post webhooks as "xml": want json or slack`)
}

func TestWebhookName(t *testing.T) {
	f := func(url, format, want string) {
		t.Helper()
		if got := newWebhook(t, url, format).Name(); got != want {
			t.Fatalf("unexpected name of %q; got %q; want %q", url, got, want)
		}
	}
	// A Slack URL's path is its secret.
	f("https://hooks.slack.com/services/T0/B0/secret", FormatSlack, "webhook slack https://hooks.slack.com/…")
	f("http://127.0.0.1:8080", "", "webhook json http://127.0.0.1:8080")
}

// TestWebhookErrorHidesPath: a failed request's error, which is logged,
// does not quote the URL's path, a secret for Slack.
func TestWebhookErrorHidesPath(t *testing.T) {
	w := newWebhook(t, "http://"+freeAddr(t)+"/services/T0/B0/secret", FormatSlack)
	e := slackEvents()[0]
	err := w.Send(t.Context(), &e)
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.HasPrefix(err.Error(), "post: ") {
		t.Fatalf("unexpected error of a post to a closed port; got %v; want one without the path", err)
	}
}
