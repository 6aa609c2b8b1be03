package ingest

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
	"github.com/vigil-ops/vigil/pipeline/internal/pgtest"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
)

// testService runs a Service until the test ends.
func testService(t *testing.T, addrs []string, dsn, group string, l *logs) (*Service, func()) {
	t.Helper()
	svc, err := New(Options{
		Kafka: kafkaOptions(addrs, group), DSN: dsn,
		Flush: 200 * time.Millisecond, Idle: 2 * time.Second, MaxBackoff: time.Second,
		Logf: l.logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := svc.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	stop := func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return svc, stop
}

// migrated returns a new database with the schema, so that tests can
// poll it before a service has started.
func migrated(t *testing.T) string {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	st, err := pgstore.Open(context.Background(), dsn, "g")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return dsn
}

// analyzeIncidents runs the engine over the log as analyze does.
func analyzeIncidents(t *testing.T, data []byte) []storedIncident {
	t.Helper()
	src, err := filesrc.Open("-", bytes.NewReader(data), filesrc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Run(context.Background(), []pipeline.Source{src}, pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []storedIncident
	for _, in := range res.Report().Incidents {
		out = append(out, storedIncident{ID: in.ID, Kind: string(in.Kind), Severity: in.Severity.String(), Subject: in.Subject,
			Status: string(in.Status), Start: in.Start, End: in.End})
	}
	slices.SortFunc(out, func(a, b storedIncident) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Subject, b.Subject))
	})
	return out
}

// consumed waits until every line is stored and detection has passed the
// last window.
func consumed(t *testing.T, dsn string, lines int, end time.Time) {
	t.Helper()
	waitFor(t, 2*time.Minute, "every line stored and detected", func() bool {
		return queryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`) == int64(lines) &&
			queryInt(t, dsn, `SELECT count(*) FROM vigil.detection WHERE closed_to >= $1`, end) == 1
	})
}

func TestTwoMembersRebalance(t *testing.T) {
	data, lines := generated(t, 150000)
	c := newCluster(t, 4)
	produce(t, c.ListenAddrs(), lines[:len(lines)/2], 4)
	dsn := migrated(t)
	var l logs
	defer l.dump(t)
	testService(t, c.ListenAddrs(), dsn, "g", &l)
	waitFor(t, time.Minute, "the first member to store lines", func() bool {
		return queryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`) > 1000
	})
	// A second member joins: the partitions are split between the two.
	testService(t, c.ListenAddrs(), dsn, "g", &l)
	produce(t, c.ListenAddrs(), lines[len(lines)/2:], 4)
	want := tally(t, data)
	var end time.Time
	for m := range want {
		if m.After(end) {
			end = m
		}
	}
	consumed(t, dsn, len(lines), end.Add(time.Minute))
	checkTotals(t, dsn, want)
	want2 := analyzeIncidents(t, data)
	// The log's 5 hours hold 5 of loggen's injected incidents.
	if len(want2) < 5 {
		t.Fatalf("unexpected incidents from analyze: got %d; want 5 at least", len(want2))
	}
	if diff := gocmp.Diff(want2, readIncidents(t, dsn)); diff != "" {
		t.Errorf("incidents differ from analyze's (-analyze +ingest):\n%s", diff)
	}
	if n := queryInt(t, dsn, `SELECT max(generation) FROM vigil.partitions`); n < 2 {
		t.Errorf("unexpected generation: got %d; want a rebalance", n)
	}
}
