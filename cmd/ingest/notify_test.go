package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/notify"
)

func TestNotifyFlags(t *testing.T) {
	base := []string{"--brokers", "a:1", "--topic", "t", "--pg", "postgres://h/db"}
	f := func(args []string, env map[string]string, want notify.Config) {
		t.Helper()
		lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		c, err := parse(append(base, args...), &bytes.Buffer{}, lookup)
		if err != nil {
			t.Fatalf("cannot parse %q: %v", args, err)
		}
		if diff := cmp.Diff(want, c.notify); diff != "" {
			t.Fatalf("unexpected notify config for %q (-want +got):\n%s", args, diff)
		}
	}
	def := notify.Config{AlertResend: notify.DefaultResend, WebhookFormat: notify.FormatJSON}
	f(nil, nil, def)
	f([]string{"--alertmanager", "http://am-1:9093", "--alertmanager", "http://am-2:9093", "--alert-label", "service=shop",
		"--alert-label", "env=prod", "--alert-resend", "30s", "--webhook", "https://hook/a", "--webhook-format", "slack",
		"--incidents-topic", "incidents"}, nil, notify.Config{
		Alertmanagers: []string{"http://am-1:9093", "http://am-2:9093"}, AlertLabels: []string{"service=shop", "env=prod"},
		AlertResend: 30 * time.Second, Webhooks: []string{"https://hook/a"}, WebhookFormat: "slack", IncidentsTopic: "incidents",
	})
	f(nil, map[string]string{"VIGIL_ALERTMANAGER": "http://am-1:9093,http://am-2:9093", "VIGIL_ALERT_LABEL": "env=prod",
		"VIGIL_WEBHOOK": "https://hook/a", "VIGIL_INCIDENTS_TOPIC": "incidents"}, notify.Config{
		Alertmanagers: []string{"http://am-1:9093", "http://am-2:9093"}, AlertLabels: []string{"env=prod"},
		AlertResend: notify.DefaultResend, Webhooks: []string{"https://hook/a"}, WebhookFormat: "json", IncidentsTopic: "incidents",
	})
}

// TestNotifyUsage: a bad notification flag is a usage error.
func TestNotifyUsage(t *testing.T) {
	f := func(extra []string, want string) {
		t.Helper()
		var stderr bytes.Buffer
		args := append([]string{"--brokers", "a:1", "--topic", "t", "--pg", "postgres://h/db"}, extra...)
		if code := run(args, &bytes.Buffer{}, &stderr); code != exitUsage || !strings.Contains(stderr.String(), want) {
			t.Fatalf("unexpected exit %d for %q, stderr %q; want %d, %q", code, extra, stderr.String(), exitUsage, want)
		}
	}
	f([]string{"--alert-label", "env=prod"}, "ingest: cannot use --alert-label without --alertmanager")
	f([]string{"--alertmanager", "am:9093"}, `ingest: cannot send to alertmanager "am:9093"`)
	f([]string{"--webhook", "http://hook", "--webhook-format", "xml"}, `ingest: cannot post webhooks as "xml"`)
}

// postedEvent is an event as the JSON webhook posts it.
type postedEvent struct {
	Event    string `json:"event"`
	Seq      uint64 `json:"seq"`
	Incident struct {
		ID, Kind, Severity, Subject, Status string
		Start, End                          time.Time
	} `json:"incident"`
}

// eventsReceiver records the JSON events posted to it.
type eventsReceiver struct {
	mu     sync.Mutex
	events []postedEvent
}

func (rc *eventsReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var e postedEvent
	if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.events = append(rc.events, e)
	rc.mu.Unlock()
}

// incidents returns the last state of each incident the events tell
// of, superseded ones left out, as ingesttest.Incident values ordered as
// AnalyzeIncidents orders them.
func (rc *eventsReceiver) incidents() []ingesttest.Incident {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	last := map[string]ingesttest.Incident{}
	var order []string
	for _, e := range rc.events {
		in := e.Incident
		if _, ok := last[in.ID]; !ok {
			order = append(order, in.ID)
		}
		if e.Event == "superseded" {
			in.Status = "superseded"
		}
		last[in.ID] = ingesttest.Incident{ID: in.ID, Kind: in.Kind, Severity: in.Severity, Subject: in.Subject,
			Status: in.Status, Start: in.Start, End: in.End}
	}
	var out []ingesttest.Incident
	for _, id := range order {
		if last[id].Status != "superseded" {
			out = append(out, last[id])
		}
	}
	slices.SortFunc(out, func(a, b ingesttest.Incident) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
	return out
}

// TestNotifyEndToEnd: ingest with --webhook and --incidents-topic sends
// the incidents analyze finds in the same log to both.
func TestNotifyEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("a process test: in the full run, not the -short race run")
	}
	data, lines := ingesttest.Generated(t, 60000)
	c := ingesttest.NewCluster(t, 4, kfake.SeedTopics(2, "incidents"))
	dsn := ingesttest.Migrated(t)
	rc := &eventsReceiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	ingesttest.Produce(t, c.ListenAddrs(), lines, 4)
	start(t, c.ListenAddrs(), dsn, "--webhook", srv.URL, "--incidents-topic", "incidents")
	ingesttest.WaitConsumed(t, dsn, len(lines), ingesttest.Tally(t, data))
	want := ingesttest.AnalyzeIncidents(t, data)
	if len(want) == 0 {
		t.Fatal("no incident in the generated log")
	}
	ingesttest.WaitFor(t, 30*time.Second, "the webhook to tell of analyze's incidents", func() bool {
		return cmp.Equal(want, rc.incidents())
	})
	rc.mu.Lock()
	posted := len(rc.events)
	rc.mu.Unlock()
	// The topic has the same events, one message each.
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("incidents"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for read := 0; read < posted; {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("cannot read %d events of the incidents topic after %d: %v", posted, read, err)
		}
		read += fs.NumRecords()
	}
}
