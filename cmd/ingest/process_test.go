package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

// getMetrics returns the body of /metrics of the ingest serving HTTP on
// addr, "" when it does not answer (yet).
func getMetrics(addr string) string {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// binary is the ingest command built once for the process tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ingest-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "ingest")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "cannot build ingest: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running ingest process.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	log  []string
	// assigned is closed once the process was given its partitions.
	assigned chan struct{}
}

// start runs ingest against the broker and database with fast timings.
func start(t *testing.T, addrs []string, dsn string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"--brokers", strings.Join(addrs, ","), "--topic", ingesttest.Topic, "--group", "g",
		"--pg", dsn, "--http-addr", "", "--flush", "200ms", "--idle", "3s", "--events", "none",
		"--session-timeout", "1s", "--heartbeat-interval", "100ms", "--rebalance-timeout", "2s"}, extra...)
	p := &proc{cmd: exec.Command(binary, args...), done: make(chan struct{}), assigned: make(chan struct{})}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.OnceFunc(func() { close(p.assigned) })
		for sc.Scan() {
			p.mu.Lock()
			p.log = append(p.log, sc.Text())
			p.mu.Unlock()
			if strings.Contains(sc.Text(), " generation ") {
				once()
			}
		}
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			p.mu.Lock()
			t.Logf("ingest %d:\n%s", p.cmd.Process.Pid, strings.Join(p.log, "\n"))
			p.mu.Unlock()
		}
	})
	return p
}

// TestKilled: ingest killed with SIGKILL at random points mid-stream, ten
// times, restarted each time: the totals are exact, the incidents those
// of analyze, none twice, and the open windows carried across.
func TestKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("a fault test: in the full run, not the -short race run")
	}
	data, lines := ingesttest.Generated(t, 150000)
	c := ingesttest.NewCluster(t, 4)
	dsn := ingesttest.Migrated(t)
	want := ingesttest.Tally(t, data)

	// The log arrives in 60 pieces over about 20 s while ingest is
	// killed and restarted: each incarnation stores some lines, then is
	// killed at a random point while it consumes.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var producer sync.WaitGroup
	producer.Go(func() {
		const pieces = 60
		for i := range pieces {
			ingesttest.Produce(t, c.ListenAddrs(), lines[i*len(lines)/pieces:(i+1)*len(lines)/pieces], 4)
			select {
			case <-ctx.Done():
				return
			case <-time.After(300 * time.Millisecond):
			}
		}
	})
	r := rand.New(rand.NewPCG(1, 2))
	stored := func() int64 {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`)
	}
	var before int64
	for range 10 {
		p := start(t, c.ListenAddrs(), dsn)
		ingesttest.WaitFor(t, 30*time.Second, "the restarted ingest to store lines", func() bool { return stored() > before })
		time.Sleep(time.Duration(r.IntN(400)) * time.Millisecond)
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		before = stored()
		t.Logf("killed with %d lines stored", before)
	}
	if before >= int64(len(lines)) {
		t.Errorf("unexpected end: every line was stored before the last kill; want kills mid-stream")
	}
	producer.Wait()
	start(t, c.ListenAddrs(), dsn)
	ingesttest.WaitConsumed(t, dsn, len(lines), want)
	ingesttest.CheckTotals(t, dsn, want)
	if diff := cmp.Diff(ingesttest.AnalyzeIncidents(t, data), ingesttest.ReadIncidents(t, dsn)); diff != "" {
		t.Errorf("incidents differ from analyze's (-analyze +ingest):\n%s", diff)
	}
}

// TestTwoProcesses: two ingest processes in one group on a 4-partition
// topic, the second joining late (a rebalance): the minute totals equal
// the log's and the incidents analyze's.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("a process test: in the full run, not the -short race run")
	}
	data, lines := ingesttest.Generated(t, 150000)
	c := ingesttest.NewCluster(t, 4)
	dsn := ingesttest.Migrated(t)
	want := ingesttest.Tally(t, data)
	ingesttest.Produce(t, c.ListenAddrs(), lines[:len(lines)/2], 4)
	start(t, c.ListenAddrs(), dsn)
	ingesttest.WaitFor(t, time.Minute, "the first process to store lines", func() bool {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`) > 0
	})
	second := start(t, c.ListenAddrs(), dsn)
	select {
	case <-second.assigned:
	case <-time.After(30 * time.Second):
		t.Fatal("the second process was not assigned partitions within 30s")
	}
	ingesttest.Produce(t, c.ListenAddrs(), lines[len(lines)/2:], 4)
	ingesttest.WaitConsumed(t, dsn, len(lines), want)
	ingesttest.CheckTotals(t, dsn, want)
	if diff := cmp.Diff(ingesttest.AnalyzeIncidents(t, data), ingesttest.ReadIncidents(t, dsn)); diff != "" {
		t.Errorf("incidents differ from analyze's (-analyze +ingest):\n%s", diff)
	}
	if n := pgtest.QueryInt(t, dsn, `SELECT count(DISTINCT generation) FROM vigil.partitions`); n < 1 {
		t.Errorf("no partition stored")
	}
}
