package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// Webhook formats, for WebhookOptions.Format.
const (
	// FormatJSON posts every event as analyze --follow -o json prints
	// it: {"event": "opened", "seq": 1, "incident": {…}}, the incident as
	// in the JSON report (docs/report.md).
	FormatJSON = "json"
	// FormatSlack posts {"text": "…"}, the text being the runbook's
	// INCIDENT ALERT template (what analyze -o notification prints), for
	// opened, escalated and resolved events only.
	FormatSlack = "slack"
)

// WebhookOptions configure a [Webhook] sink.
type WebhookOptions struct {
	// URL receives a POST per event. Required.
	URL string
	// Format is FormatJSON or FormatSlack. Default: FormatJSON.
	Format string
	// Client sends the requests; Options.Timeout bounds each.
	// Default: a client of the sink's own.
	Client *http.Client
}

// Webhook posts incident events to a URL as JSON: the event itself, or a
// Slack-compatible message (see [FormatJSON], [FormatSlack]). Receivers
// deduplicate by the incident id and the event's seq (a message may come
// twice: delivery is at least once).
type Webhook struct {
	url, name, format string
	client            *http.Client
}

// NewWebhook returns a Webhook sink.
func NewWebhook(o WebhookOptions) (*Webhook, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("cannot post to webhook %q: want an http or https URL", o.URL)
	}
	switch o.Format {
	case "":
		o.Format = FormatJSON
	case FormatJSON, FormatSlack:
	default:
		return nil, fmt.Errorf("cannot post webhooks as %q: want %s or %s", o.Format, FormatJSON, FormatSlack)
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	// Webhook URLs often hold a secret in their path (Slack's do): the
	// name, which metrics and logs show, keeps the host only.
	name := "webhook " + o.Format + " " + u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		name += "/…"
	}
	return &Webhook{url: o.URL, name: name, format: o.Format, client: o.Client}, nil
}

// Name returns "webhook", the format, and the URL's scheme and host
// (not its path, which may hold a secret).
func (w *Webhook) Name() string { return w.name }

// Accepts reports whether the format sends events of type t: JSON sends
// all, Slack opened, escalated and resolved ones.
func (w *Webhook) Accepts(t incident.EventType) bool {
	if w.format == FormatSlack {
		return t == incident.Opened || t == incident.Escalated || t == incident.ResolvedEv
	}
	return true
}

// Send posts e.
func (w *Webhook) Send(ctx context.Context, e *incident.Event) error {
	body, err := w.body(e)
	if err != nil {
		return fmt.Errorf("%w: cannot encode event: %v", ErrRejected, err)
	}
	return post(ctx, w.client, w.url, body)
}

// Close releases idle connections.
func (w *Webhook) Close() error {
	w.client.CloseIdleConnections()
	return nil
}

func (w *Webhook) body(e *incident.Event) ([]byte, error) {
	var b bytes.Buffer
	if w.format == FormatJSON {
		err := report.WriteEventJSON(&b, e)
		return b.Bytes(), err
	}
	if err := report.WriteNotification(&b, &report.Report{Incidents: []incident.Incident{e.Incident}}); err != nil {
		return nil, err
	}
	text := slackEscape(strings.TrimSuffix(b.String(), "\n"))
	b.Reset()
	// Slack's escapes are in the text already; JSON's \u003c would only
	// make the message harder to read.
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Text string `json:"text"`
	}{text})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// slackEscape escapes what Slack reads as markup in a message's text
// (https://api.slack.com/reference/surfaces/formatting#escaping): a
// subject "<!channel>" from a log must not notify a whole channel.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
