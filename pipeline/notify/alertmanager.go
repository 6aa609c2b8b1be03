package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// DefaultResend is AlertmanagerOptions.Resend's default: shorter than
// Alertmanager's default resolve_timeout (5m), as Prometheus' own
// re-send delay is.
const DefaultResend = time.Minute

// firingFor is how many re-send intervals ahead of now an open alert's
// endsAt lies: Alertmanager resolves an alert that is not re-sent by
// then (a vigil that died), while a re-send or two may fail without
// the alert flapping. Prometheus uses 4 too.
const firingFor = 4

// alertsPath is Alertmanager's v2 API for posting alerts.
const alertsPath = "/api/v2/alerts"

// labelName is a valid Prometheus label name.
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// reservedLabels are the labels the sink sets itself.
var reservedLabels = []string{"alertname", "severity", "kind", "subject"}

// AlertmanagerOptions configure an [Alertmanager] sink.
type AlertmanagerOptions struct {
	// URL is the base URL of one Alertmanager (http://am:9093); alerts
	// are posted to URL/api/v2/alerts. Required. For an HA pair, make a
	// sink per instance: each gets every alert, and one that is down
	// does not hold the other back.
	URL string
	// Labels are added to every alert, for routing (service, env).
	// Names are Prometheus label names, other than the labels the sink
	// sets (alertname, severity, kind, subject); values are not empty.
	// Default: none.
	Labels map[string]string
	// Resend is how often the open incidents are sent again, so that
	// they stay firing (each with an endsAt 4 intervals ahead) and come
	// back after an Alertmanager restart, which forgets alerts.
	// Default: DefaultResend (1m).
	Resend time.Duration
	// Client sends the requests; Options.Timeout bounds each.
	// Default: a client of the sink's own.
	Client *http.Client
}

// Alertmanager sends incidents to a Prometheus Alertmanager as alerts
// (v2 API, POST /api/v2/alerts), so that a team routes them with the
// routing tree it already has (P1 to the pager, P3 to a ticket queue).
//
// An alert's identity is its labels: alertname "vigil_<kind>", severity
// "P1"…"P4", kind, subject (spelled out by report.Visible) and the static
// labels. Its annotations: summary, runbook (section, respond within,
// escalation) and description (the runbook's INCIDENT ALERT template,
// as analyze -o notification prints it). startsAt is the incident's
// start; an open incident's endsAt is 4 re-send intervals ahead of now,
// a resolved or superseded one's is its end. Event times are clamped to
// now, so that a log whose clock runs ahead cannot make an invalid alert.
//
// Escalation changes the severity label, hence the alert: an escalated
// event also resolves the alerts of the lower severities, so that the P2
// alert does not linger beside the P1. (Those never sent are resolved
// too; Alertmanager sends no notification for an alert it never saw
// firing.)
//
// Every event is sent as it comes; besides, every Resend interval the
// open incidents (as Notify last saw them, whatever was delivered or
// dropped) are sent again. A resolved event that was dropped therefore
// stops the re-sends all the same, and Alertmanager resolves the alert
// at its endsAt.
type Alertmanager struct {
	url, name string
	labels    map[string]string
	every     time.Duration
	client    *http.Client

	mu   sync.Mutex
	open map[string]incident.Incident // by ID, as Notify last saw them
}

// NewAlertmanager returns an Alertmanager sink for one instance.
func NewAlertmanager(o AlertmanagerOptions) (*Alertmanager, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("cannot send to alertmanager %q: want an http or https URL", o.URL)
	}
	for k, v := range o.Labels {
		switch {
		case !labelName.MatchString(k) || strings.HasPrefix(k, "__"):
			return nil, fmt.Errorf("cannot use alert label %q: not a label name", k)
		case slices.Contains(reservedLabels, k):
			return nil, fmt.Errorf("cannot use alert label %q: vigil sets it", k)
		case v == "":
			return nil, fmt.Errorf("cannot use alert label %q: empty value", k)
		}
	}
	if o.Resend <= 0 {
		o.Resend = DefaultResend
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), alertsPath)
	return &Alertmanager{
		url: u.String() + alertsPath, name: "alertmanager " + u.Redacted(),
		labels: maps.Clone(o.Labels), every: o.Resend, client: o.Client,
		open: make(map[string]incident.Incident),
	}, nil
}

// Name returns "alertmanager " and the base URL (without a password).
func (a *Alertmanager) Name() string { return a.name }

// Accepts returns true: every event changes an alert.
func (a *Alertmanager) Accepts(incident.EventType) bool { return true }

// Send posts the alert of e (and, for an escalation, the resolved
// alerts of the lower severities).
func (a *Alertmanager) Send(ctx context.Context, e *incident.Event) error {
	now := time.Now()
	in := &e.Incident
	firing := e.Type != incident.ResolvedEv && e.Type != incident.Superseded
	alerts := []alert{a.alert(in, in.Severity, firing, now)}
	if e.Type == incident.Escalated {
		for s := in.Severity + 1; s <= incident.P4; s++ {
			alerts = append(alerts, a.alert(in, s, false, now))
		}
	}
	return a.post(ctx, alerts)
}

// Close releases idle connections.
func (a *Alertmanager) Close() error {
	a.client.CloseIdleConnections()
	return nil
}

func (a *Alertmanager) observe(e *incident.Event) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e.Type == incident.ResolvedEv || e.Type == incident.Superseded {
		delete(a.open, e.Incident.ID)
		return
	}
	a.open[e.Incident.ID] = e.Incident
}

func (a *Alertmanager) setOpen(open []incident.Incident) {
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.open)
	for _, in := range open {
		a.open[in.ID] = in
	}
}

func (a *Alertmanager) resendEvery() time.Duration { return a.every }

// resend posts the alerts of the open incidents, in one request.
func (a *Alertmanager) resend(ctx context.Context) error {
	now := time.Now()
	a.mu.Lock()
	alerts := make([]alert, 0, len(a.open))
	for _, id := range slices.Sorted(maps.Keys(a.open)) {
		in := a.open[id]
		alerts = append(alerts, a.alert(&in, in.Severity, true, now))
	}
	a.mu.Unlock()
	if len(alerts) == 0 {
		return errNothingOpen
	}
	return a.post(ctx, alerts)
}

func (a *Alertmanager) post(ctx context.Context, alerts []alert) error {
	body, err := json.Marshal(alerts)
	if err != nil {
		return fmt.Errorf("%w: cannot encode alerts: %v", ErrRejected, err)
	}
	return post(ctx, a.client, a.url, body)
}

// alert is an alert of Alertmanager's v2 API (postableAlert).
type alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
}

// alert returns the alert of in at severity sev, firing or resolved.
func (a *Alertmanager) alert(in *incident.Incident, sev incident.Severity, firing bool, now time.Time) alert {
	labels := maps.Clone(a.labels)
	if labels == nil {
		labels = make(map[string]string, 4)
	}
	labels["alertname"] = "vigil_" + string(in.Kind)
	labels["severity"] = sev.String()
	labels["kind"] = string(in.Kind)
	labels["subject"] = report.Visible(in.Subject)
	rb := incident.RunbookOf(in.Kind, sev)
	var desc bytes.Buffer
	report.WriteNotification(&desc, &report.Report{Incidents: []incident.Incident{*in}})
	start := minTime(in.Start, now)
	end := now.Add(firingFor * a.every)
	if !firing {
		end = maxTime(minTime(in.End, now), start)
	}
	return alert{
		Labels: labels,
		Annotations: map[string]string{
			"summary":     report.Visible(in.Summary),
			"runbook":     rb.Section + "; respond within " + rb.RespondWithin + ", " + rb.Escalation,
			"description": strings.TrimSuffix(desc.String(), "\n"),
		},
		StartsAt: start.UTC(),
		EndsAt:   end.UTC(),
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
