package ingest

import (
	"context"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

// testOptions are the Options of the tests' services: fast flushes,
// idle periods and retries.
func testOptions(addrs []string, dsn, group string, l *ingesttest.Logs) Options {
	return Options{
		Kafka: ingesttest.KafkaOptions(addrs, group), DSN: dsn,
		Flush: 200 * time.Millisecond, Idle: 2 * time.Second, MaxBackoff: time.Second,
		Logf: l.Logf,
	}
}

// runService runs a Service of o until the test ends or stop is called.
func runService(t *testing.T, o Options) (svc *Service, stop func()) {
	t.Helper()
	svc, err := New(o)
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
	stop = func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return svc, stop
}

// testService runs a Service of testOptions until the test ends.
func testService(t *testing.T, addrs []string, dsn, group string, l *ingesttest.Logs) (*Service, func()) {
	t.Helper()
	return runService(t, testOptions(addrs, dsn, group, l))
}

func TestTwoMembersRebalance(t *testing.T) {
	data, lines := ingesttest.Generated(t, 150000)
	c := ingesttest.NewCluster(t, 4)
	ingesttest.Produce(t, c.ListenAddrs(), lines[:len(lines)/2], 4)
	dsn := ingesttest.Migrated(t)
	var l ingesttest.Logs
	defer l.Dump(t)
	testService(t, c.ListenAddrs(), dsn, "g", &l)
	ingesttest.WaitFor(t, time.Minute, "the first member to store lines", func() bool {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`) > 1000
	})
	// A second member joins: the partitions are split between the two.
	testService(t, c.ListenAddrs(), dsn, "g", &l)
	ingesttest.Produce(t, c.ListenAddrs(), lines[len(lines)/2:], 4)
	want := ingesttest.Tally(t, data)
	ingesttest.WaitConsumed(t, dsn, len(lines), want)
	ingesttest.CheckTotals(t, dsn, want)
	want2 := ingesttest.AnalyzeIncidents(t, data)
	// The log's 5 hours hold 5 of loggen's injected incidents.
	if len(want2) < 5 {
		t.Fatalf("unexpected incidents from analyze: got %d; want 5 at least", len(want2))
	}
	if diff := gocmp.Diff(want2, ingesttest.ReadIncidents(t, dsn)); diff != "" {
		t.Errorf("incidents differ from analyze's (-analyze +ingest):\n%s", diff)
	}
	if n := pgtest.QueryInt(t, dsn, `SELECT max(generation) FROM vigil.partitions`); n < 2 {
		t.Errorf("unexpected generation: got %d; want a rebalance", n)
	}
}
