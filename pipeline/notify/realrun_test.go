package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
)

// TestSinksRealRun: during a real detection run, a JSON webhook gets
// exactly the run's events, in order, each as analyze --follow -o json
// prints it; a Slack webhook one message per opened, escalated and
// resolved event; the incidents topic one message per event, keyed by
// incident id, each incident's in order; and a webhook that never
// answers holds nobody back: the run ends (every Notify returned) while
// its first request hangs, and its events are accounted for (queued,
// then abandoned by Close).
func TestSinksRealRun(t *testing.T) {
	release := make(chan struct{})
	hang := newReceiver(t, func(_ int, r *http.Request) int {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return http.StatusOK
	})
	t.Cleanup(func() { close(release) }) // Before hang's server closes.
	rcJSON, rcSlack := newReceiver(t, nil), newReceiver(t, nil)
	c := ingesttest.NewCluster(t, 1, kfake.SeedTopics(3, incidentsTopic))
	topic, err := NewKafka(kafkasrc.ProducerOptions{Kafka: kafkasrc.Options{Brokers: c.ListenAddrs()}, Topic: incidentsTopic})
	if err != nil {
		t.Fatalf("cannot create kafka sink: %v", err)
	}
	o := Options{Timeout: time.Hour} // The hanging request never ends.
	n := newNotifier(t, o, newWebhook(t, hang.srv.URL, FormatJSON),
		newWebhook(t, rcJSON.srv.URL+"/hook", FormatJSON), newWebhook(t, rcSlack.srv.URL, FormatSlack), topic)
	events := detect(t, n.Notify)
	var wantJSON, wantSlack []string
	wantTopic := map[string][]string{}
	for _, e := range events {
		wantJSON = append(wantJSON, eventJSON(t, e))
		wantTopic[e.Incident.ID] = append(wantTopic[e.Incident.ID], strings.TrimSuffix(eventJSON(t, e), "\n"))
		if e.Type == incident.Opened || e.Type == incident.Escalated || e.Type == incident.ResolvedEv {
			wantSlack = append(wantSlack, slackBody(t, e))
		}
	}
	waitFor(t, "every event at the receivers", func() bool {
		return len(rcJSON.got()) >= len(wantJSON) && len(rcSlack.got()) >= len(wantSlack)
	})
	if diff := cmp.Diff(wantJSON, rcJSON.got()); diff != "" {
		t.Fatalf("unexpected JSON bodies (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSlack, rcSlack.got()); diff != "" {
		t.Fatalf("unexpected Slack bodies (-want +got):\n%s", diff)
	}
	gotTopic := readTopic(t, c.ListenAddrs(), incidentsTopic, len(events))
	if diff := cmp.Diff(wantTopic, gotTopic); diff != "" {
		t.Fatalf("unexpected messages of the incidents topic by key (-want +got):\n%s", diff)
	}
	// The contract: event, seq, incident with its id.
	var first struct {
		Event    string `json:"event"`
		Seq      uint64 `json:"seq"`
		Incident struct {
			ID string `json:"id"`
		} `json:"incident"`
	}
	if err := json.Unmarshal([]byte(rcJSON.got()[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Event != "opened" || first.Seq != 1 || first.Incident.ID != events[0].Incident.ID {
		t.Fatalf("unexpected first event; got %+v; want opened, seq 1, id %s", first, events[0].Incident.ID)
	}
	st := n.Stats()
	if st[0].Sent != 0 || st[0].Queued+int(st[0].Dropped+st[0].Coalesced) != len(events) || hang.requests() != 1 {
		t.Fatalf("unexpected stats of the hanging receiver; got %+v and %d requests; want 0 sent, %d events accounted, 1 request",
			st[0], hang.requests(), len(events))
	}
	wantSent := []int{1: len(wantJSON), 2: len(wantSlack), 3: len(events)}
	for i := 1; i < len(st); i++ {
		if st[i].Sent != uint64(wantSent[i]) || st[i].Failed+st[i].Dropped+st[i].Coalesced != 0 {
			t.Fatalf("unexpected stats of %s; got %+v; want %d sent, nothing else", st[i].Sink, st[i], wantSent[i])
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := n.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("unexpected error of Close with a receiver that hangs; got %v; want %v", err, context.DeadlineExceeded)
	}
	checkAccounted(t, n, uint64(len(events)), uint64(len(wantJSON)), uint64(len(wantSlack)), uint64(len(events)))
}
