package ingest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/notify"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

// posts records what receivers were posted: the webhook's events and
// Alertmanager's alerts, by the path each was posted to.
type posts struct {
	mu     sync.Mutex
	events []postedEvent
	alerts map[string][]postedAlert // by path
}

type postedEvent struct {
	Event    string `json:"event"`
	Incident struct {
		ID string `json:"id"`
	} `json:"incident"`
}

type postedAlert struct {
	Labels map[string]string `json:"labels"`
	EndsAt time.Time         `json:"endsAt"`
}

func (p *posts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.URL.Path == "/hook" {
		var e postedEvent
		if json.NewDecoder(r.Body).Decode(&e) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		p.events = append(p.events, e)
		return
	}
	var as []postedAlert
	if json.NewDecoder(r.Body).Decode(&as) != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	p.alerts[r.URL.Path] = append(p.alerts[r.URL.Path], as...)
}

// opened counts the "opened" events of each incident.
func (p *posts) opened() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for _, e := range p.events {
		if e.Event == "opened" {
			out[e.Incident.ID]++
		}
	}
	return out
}

// firing reports whether the Alertmanager at path base was posted a firing
// alert of in after since.
func (p *posts) firing(base string, in ingesttest.Incident, since time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range p.alerts[base+"/api/v2/alerts"] {
		if a.Labels["kind"] == in.Kind && a.Labels["subject"] == in.Subject && a.Labels["severity"] == in.Severity && a.EndsAt.After(since) {
			return true
		}
	}
	return false
}

// openAtEnd is a loggen log with injected incidents cut in the middle of
// its last incident, which is open at the end; and the cut.
func openAtEnd(t *testing.T) ([][]byte, time.Time) {
	t.Helper()
	var b bytes.Buffer
	labels, err := loggen.Generate(&b, loggen.Options{Lines: 60000, Seed: 7, Format: loggen.FormatCombinedRT, Rate: 8, Inject: true})
	if err != nil {
		t.Fatal(err)
	}
	last := labels[len(labels)-1]
	cut := last.Start.Add(last.End.Sub(last.Start) / 2)
	var out [][]byte
	for line := range bytes.Lines(b.Bytes()) {
		i, j := bytes.IndexByte(line, '['), bytes.IndexByte(line, ']')
		ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", string(line[i+1:j]))
		if err != nil {
			t.Fatal(err)
		}
		if !ts.Before(cut) {
			break
		}
		out = append(out, line)
	}
	return out, cut
}

// runNotifying runs a Service whose events go to n, as cmd/ingest wires
// it, until the returned stop, which stops n too.
func runNotifying(t *testing.T, addrs []string, dsn string, n *notify.Notifier, l *ingesttest.Logs) (stop func()) {
	t.Helper()
	o := testOptions(addrs, dsn, "g", l)
	o.OnEvent, o.OnLead = n.Notify, n.SetOpen
	_, stopService := runService(t, o)
	var once sync.Once
	stop = func() { once.Do(func() { stopService(); n.Stop(l.Logf) }) }
	t.Cleanup(stop)
	return stop
}

// TestNewLeaderResends: leader A opens incidents and sends their events
// (a webhook, an Alertmanager); A stops with one incident open; B takes
// the lead and re-sends the open incident to its Alertmanager, although
// B never saw it open, while the webhook has had exactly one "opened"
// event of each incident.
func TestNewLeaderResends(t *testing.T) {
	lines, cut := openAtEnd(t)
	c := ingesttest.NewCluster(t, 2)
	ingesttest.Produce(t, c.ListenAddrs(), lines, 2)
	dsn := ingesttest.Migrated(t)
	var l ingesttest.Logs
	defer l.Dump(t)
	p := &posts{alerts: map[string][]postedAlert{}}
	srv := httptest.NewServer(p)
	defer srv.Close()
	notifier := func(am string, resend time.Duration) *notify.Notifier {
		a, err := notify.NewAlertmanager(notify.AlertmanagerOptions{URL: srv.URL + am, Resend: resend})
		if err != nil {
			t.Fatal(err)
		}
		h, err := notify.NewWebhook(notify.WebhookOptions{URL: srv.URL + "/hook"})
		if err != nil {
			t.Fatal(err)
		}
		n, err := notify.New(notify.Options{}, a, h)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	stopA := runNotifying(t, c.ListenAddrs(), dsn, notifier("/a", time.Hour), &l)
	// Detection closes every window once the partitions are idle.
	end := cut.Truncate(time.Minute).Add(time.Minute)
	ingesttest.WaitFor(t, time.Minute, "leader A to close every window", func() bool {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(extract(epoch FROM max(closed_to))::bigint, 0) FROM vigil.detection`) >= end.Unix()
	})
	var open []ingesttest.Incident
	ingesttest.WaitFor(t, 30*time.Second, "leader A to send the opening of every stored incident", func() bool {
		sent := p.opened()
		for _, in := range ingesttest.ReadIncidents(t, dsn) {
			if sent[in.ID] == 0 {
				return false
			}
		}
		return true
	})
	stopA()
	for _, in := range ingesttest.ReadIncidents(t, dsn) {
		if in.Status == string(incident.Open) {
			open = append(open, in)
		}
	}
	if len(open) == 0 || len(p.opened()) < 2 {
		t.Fatalf("unexpected incidents when leader A stopped; got %d opened, %d open; want 2 or more, one open", len(p.opened()), len(open))
	}
	l.Logf("test: leader A stopped with %v open", open)

	resumed := time.Now()
	runNotifying(t, c.ListenAddrs(), dsn, notifier("/b", 200*time.Millisecond), &l)
	ingesttest.WaitFor(t, time.Minute, "leader B to re-send the open incidents", func() bool {
		for _, in := range open {
			if !p.firing("/b", in, resumed) {
				return false
			}
		}
		return true
	})
	for id, n := range p.opened() {
		if n != 1 {
			t.Errorf("unexpected opened events of incident %s; got %d; want 1", id, n)
		}
	}
}
