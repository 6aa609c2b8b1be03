package ingest

import (
	"context"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

// produceSlowly produces the lines in pieces, one every gap, until done
// or the test ends.
func produceSlowly(t *testing.T, addrs []string, lines [][]byte, pieces int, gap time.Duration) *sync.WaitGroup {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range pieces {
			ingesttest.Produce(t, addrs, lines[i*len(lines)/pieces:(i+1)*len(lines)/pieces], 4)
			select {
			case <-ctx.Done():
				return
			case <-time.After(gap):
			}
		}
	})
	return &wg
}

// watchHealth records whether the service reported its database degraded.
func watchHealth(t *testing.T, svc *Service) *atomic.Bool {
	var degraded atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			if !svc.Health()["database"].OK {
				degraded.Store(true)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return &degraded
}

// TestDatabaseFaults: the service's connections are terminated
// (pg_terminate_backend) and the server is restarted mid-stream; the
// service says so in its health, and the totals are exact once it has
// recovered by itself.
func TestDatabaseFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a fault test: in the full run, not the -short race run")
	}
	pgtest.Exclusive(t)
	data, lines := ingesttest.Generated(t, 150000)
	c := ingesttest.NewCluster(t, 4)
	dsn := ingesttest.Migrated(t)
	want := ingesttest.Tally(t, data)
	var l ingesttest.Logs
	defer l.Dump(t)
	svc, _ := testService(t, c.ListenAddrs(), dsn, "g", &l)
	degraded := watchHealth(t, svc)
	producer := produceSlowly(t, c.ListenAddrs(), lines, 20, 400*time.Millisecond)

	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		time.Sleep(700 * time.Millisecond)
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		l.Logf("test: terminated %d connections", n)
	}
	admin.Close(ctx)
	if !degraded.Load() {
		t.Errorf("health never said the database was degraded while its connections were terminated")
	}
	degraded.Store(false)
	time.Sleep(500 * time.Millisecond)
	pgtest.Restart(t)
	l.Logf("test: restarted PostgreSQL")
	producer.Wait()
	if !degraded.Load() {
		t.Errorf("health never said the database was degraded while the server restarted")
	}
	ingesttest.WaitConsumed(t, dsn, len(lines), want)
	if h := svc.Health()["database"]; !h.OK {
		t.Errorf("health still degraded after recovery: %s", h.Error)
	}
	ingesttest.CheckTotals(t, dsn, want)
}

// TestBrokerRestart: the broker goes away mid-stream and comes back with
// its data (kfake with a data directory, on the same port): consumption
// resumes by itself and the totals are exact.
func TestBrokerRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("a fault test: in the full run, not the -short race run")
	}
	data, lines := ingesttest.Generated(t, 60000)
	dir := t.TempDir()
	c := ingesttest.NewCluster(t, 4, kfake.DataDir(dir))
	addrs := c.ListenAddrs()
	_, port, err := net.SplitHostPort(addrs[0])
	if err != nil {
		t.Fatal(err)
	}
	dsn := ingesttest.Migrated(t)
	want := ingesttest.Tally(t, data)
	var l ingesttest.Logs
	defer l.Dump(t)
	svc, _ := testService(t, addrs, dsn, "g", &l)
	ingesttest.Produce(t, addrs, lines[:len(lines)/2], 4)
	ingesttest.WaitFor(t, time.Minute, "half the lines stored", func() bool {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`) == int64(len(lines)/2)
	})
	c.Close()
	l.Logf("test: broker stopped")
	ingesttest.WaitFor(t, 30*time.Second, "health to report Kafka degraded", func() bool { return !svc.Health()["kafka"].OK })
	p, _ := strconv.Atoi(port)
	c = ingesttest.NewCluster(t, 4, kfake.DataDir(dir), kfake.Ports(p))
	l.Logf("test: broker restarted")
	ingesttest.Produce(t, c.ListenAddrs(), lines[len(lines)/2:], 4)
	ingesttest.WaitConsumed(t, dsn, len(lines), want)
	ingesttest.CheckTotals(t, dsn, want)
	if h := svc.Health()["kafka"]; !h.OK {
		t.Errorf("health still says Kafka is degraded after recovery: %s", h.Error)
	}
}
