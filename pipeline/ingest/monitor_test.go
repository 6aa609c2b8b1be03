package ingest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/metricline/metriclinetest"
	"github.com/vigil-ops/vigil/pipeline/pgmon"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
	"github.com/vigil-ops/vigil/pipeline/probe"
)

// topicReader reads the monitor topic from its start.
type topicReader struct {
	cl *kgo.Client
}

func newTopicReader(t *testing.T, addrs []string) *topicReader {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(DefaultMonitorTopic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &topicReader{cl}
}

// read returns the samples of the records that came within d.
func (r *topicReader) read(t *testing.T, d time.Duration) []metriclinetest.Line {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var out []metriclinetest.Line
	r.cl.PollFetches(ctx).EachRecord(func(rec *kgo.Record) {
		out = append(out, metriclinetest.Read(t, rec.Value)...)
	})
	return out
}

// healthServer answers "ok" while up, else 503 without a body.
func healthServer(t *testing.T, up *atomic.Bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// testMonitor runs a Monitor until stop or the test's end.
func testMonitor(t *testing.T, o MonitorOptions) (*Monitor, func()) {
	t.Helper()
	m, err := NewMonitor(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { m.Run(ctx) })
	stop := func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return m, stop
}

// TestMonitorFailover runs two monitors of one group: one at a time
// writes the probe's and the PostgreSQL monitor's samples to the topic;
// when it stops, the other takes over.
func TestMonitorFailover(t *testing.T) {
	c := ingesttest.NewCluster(t, 1, kfake.SeedTopics(1, DefaultMonitorTopic))
	dsn := ingesttest.Migrated(t)
	var up atomic.Bool
	up.Store(true)
	srv := healthServer(t, &up)
	sp, err := probe.ParseSpec("api=" + srv.URL + "/api/health,expect=ok,every=50ms")
	if err != nil {
		t.Fatal(err)
	}
	var l ingesttest.Logs
	defer l.Dump(t)
	o := MonitorOptions{
		Kafka: ingesttest.KafkaOptions(c.ListenAddrs(), "g"), DSN: dsn, Group: "g",
		PG:     pgmon.Options{DSN: dsn, Interval: 100 * time.Millisecond},
		Probes: []probe.Spec{sp}, LockRetry: 100 * time.Millisecond, Logf: l.Logf,
	}
	a, stopA := testMonitor(t, o)
	b, stopB := testMonitor(t, o)
	ingesttest.WaitFor(t, 30*time.Second, "a monitor to lead", func() bool { return a.Leading() || b.Leading() })
	if a.Leading() && b.Leading() {
		t.Fatal("two monitors lead")
	}
	if b.Leading() {
		a, b, stopA, stopB = b, a, stopB, stopA
	}
	r := newTopicReader(t, c.ListenAddrs())
	count := func(want float64) (probes, polls int) {
		for _, s := range r.read(t, time.Second) {
			switch {
			case s.Name == "probe_success" && s.Labels["probe"] == "api" && s.Value == want:
				probes++
			case s.Name == "db_connections" && s.Labels["host"] == "127.0.0.1:5432" && s.Value >= 1:
				polls++
			}
		}
		return probes, polls
	}
	var probes, polls int
	ingesttest.WaitFor(t, 30*time.Second, "probe and PostgreSQL samples", func() bool {
		p, q := count(1)
		probes, polls = probes+p, polls+q
		return probes >= 3 && polls >= 2
	})
	// The leader (now a) stops: the other takes over, and samples keep
	// coming, now of a failing probe.
	stopA()
	if a.Leading() {
		t.Fatal("a stopped monitor still leads")
	}
	up.Store(false)
	ingesttest.WaitFor(t, 30*time.Second, "the other monitor to lead", b.Leading)
	probes, polls = 0, 0
	ingesttest.WaitFor(t, 30*time.Second, "samples of the failing probe after the failover", func() bool {
		p, q := count(0)
		probes, polls = probes+p, polls+q
		return probes >= 3 && polls >= 2
	})
	st := b.ProbeStats()
	if len(st) != 1 || st[0].Checks == 0 || st[0].Success {
		t.Fatalf("unexpected probe stats of the new leader %+v; want checks, the last failed", st)
	}
	if n := pgtest.QueryInt(t, dsn, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil pgmon' AND datname = current_database()`); n != 1 {
		t.Fatalf("unexpected monitor sessions; got %d; want 1 (the leader's)", n)
	}
	stopB()
}

func TestNewMonitorFailure(t *testing.T) {
	f := func(o MonitorOptions, want string) {
		t.Helper()
		_, err := NewMonitor(o)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Fatalf("unexpected error for %+v; got %v; want one saying %q", o, err, want)
		}
	}
	k := ingesttest.KafkaOptions([]string{"127.0.0.1:1"}, "g")
	f(MonitorOptions{Kafka: k, Group: "g", Probes: []probe.Spec{{Name: "a"}}}, "DSN and group")
	f(MonitorOptions{Kafka: k, DSN: "postgres://h/db", Group: "g"}, "without a PostgreSQL DSN to watch or a probe")
	f(MonitorOptions{Kafka: k, DSN: "postgres://h/db", Group: "g", Probes: []probe.Spec{{Name: "a"}, {Name: "a"}}}, `two probes named "a"`)
}

// monitorService runs, until the test ends, a Service consuming the
// monitor topic and a Monitor of o writing to it, with windows of 1 s
// and rules changed by edit; it returns the database.
func monitorService(t *testing.T, o MonitorOptions, edit func(*detect.Rules)) string {
	t.Helper()
	c := ingesttest.NewCluster(t, 1, kfake.SeedTopics(1, DefaultMonitorTopic))
	dsn := ingesttest.Migrated(t)
	var l ingesttest.Logs
	t.Cleanup(func() { l.Dump(t) })
	rules := detect.DefaultRules()
	rules.WindowSize = detect.Duration(time.Second)
	edit(&rules)
	k := ingesttest.KafkaOptions(c.ListenAddrs(), "g")
	k.Topics = append(k.Topics, DefaultMonitorTopic)
	svc, err := New(Options{
		Kafka: k, DSN: dsn, Flush: 200 * time.Millisecond, Idle: 2 * time.Second, MaxBackoff: time.Second,
		Engine: pipeline.Options{Rules: rules, Lateness: time.Second}, Logf: l.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { svc.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	o.Kafka, o.DSN, o.Group, o.LockRetry, o.Logf = k, dsn, "g", 100*time.Millisecond, l.Logf
	testMonitor(t, o)
	return dsn
}

// incidentStates reads the incidents of kind as subject → "severity
// status".
func incidentStates(t *testing.T, dsn, kind string) map[string]string {
	out := map[string]string{}
	for _, in := range ingesttest.ReadIncidents(t, dsn) {
		if in.Kind == kind {
			out[in.Subject] = in.Severity + " " + in.Status
		}
	}
	return out
}

// TestMonitorIncident runs probes whose endpoints go down, then up
// again: their samples go through the monitor topic into the windows,
// and endpoint_down opens, P1 for the application's health URL and P2
// for the other, then resolves. A hold of 2 s keeps it short.
func TestMonitorIncident(t *testing.T) {
	var up atomic.Bool
	srv := healthServer(t, &up)
	var specs []probe.Spec
	for _, s := range []string{"api=" + srv.URL + "/api/health", "pay=" + srv.URL + "/api/health/payments"} {
		sp, err := probe.ParseSpec(s + ",expect=ok,every=100ms")
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, sp)
	}
	dsn := monitorService(t, MonitorOptions{Probes: specs}, func(r *detect.Rules) {
		r.Metrics.EndpointDown.For = detect.Duration(2 * time.Second)
	})
	var got map[string]string
	defer func() {
		if t.Failed() {
			t.Logf("endpoint_down incidents: %v", got)
		}
	}()
	want := func(api, pay string) func() bool {
		return func() bool {
			got = incidentStates(t, dsn, "endpoint_down")
			return len(got) == 2 && strings.HasPrefix(got["api"], api) && strings.HasPrefix(got["pay"], pay)
		}
	}
	ingesttest.WaitFor(t, time.Minute, "endpoint_down to open for both", want("P1 open", "P2 open"))
	up.Store(true)
	ingesttest.WaitFor(t, time.Minute, "endpoint_down to resolve for both", want("P1 resolved", "P2 resolved"))
}

// TestMonitorDBConnections polls PostgreSQL through the monitor topic: a
// db_connections threshold of 1 opens an incident for the server.
func TestMonitorDBConnections(t *testing.T) {
	pg := pgmon.Options{DSN: pgtest.AdminDSN(), Interval: 100 * time.Millisecond}
	dsn := monitorService(t, MonitorOptions{PG: pg}, func(r *detect.Rules) {
		r.Metrics.DBConnections.Threshold = 1
		r.Metrics.DBConnections.For = detect.Duration(time.Second)
	})
	var got map[string]string
	defer func() {
		if t.Failed() {
			t.Logf("db_connections incidents: %v", got)
		}
	}()
	ingesttest.WaitFor(t, time.Minute, "db_connections to open for 127.0.0.1:5432", func() bool {
		got = incidentStates(t, dsn, "db_connections")
		return got["127.0.0.1:5432"] == "P2 open"
	})
}
