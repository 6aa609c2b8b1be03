package main

import (
	"bytes"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		// check is called with the parsed config when err is "".
		err   string
		check func(t *testing.T, c *config)
	}{
		{"flags", []string{"--brokers", "a:9092,b:9092", "--topic", "x", "--topic", "y", "--pg", "postgres://h/db"}, nil, "", func(t *testing.T, c *config) {
			if strings.Join(c.opts.Kafka.Brokers, " ") != "a:9092 b:9092" || strings.Join(c.opts.Kafka.Topics, " ") != "x y" || c.opts.Kafka.Group != "vigil" {
				t.Errorf("unexpected kafka options: %+v", c.opts.Kafka)
			}
		}},
		{"environment", nil, map[string]string{"VIGIL_BROKERS": "a:1,b:2", "VIGIL_TOPIC": "logs", "VIGIL_PG": "postgres://h/db", "VIGIL_FLUSH": "5s", "VIGIL_SASL_PASSWORD": "secret", "VIGIL_SASL_MECHANISM": "PLAIN", "VIGIL_SASL_USER": "u"}, "", func(t *testing.T, c *config) {
			if len(c.opts.Kafka.Brokers) != 2 || c.opts.Kafka.Topics[0] != "logs" || c.opts.Flush != 5*time.Second || c.opts.Kafka.SASLPassword != "secret" {
				t.Errorf("unexpected options from the environment: %+v", c.opts)
			}
		}},
		{"flag wins over environment", []string{"--group", "cli", "--brokers", "a:1", "--topic", "t", "--pg", "postgres://h/db"}, map[string]string{"VIGIL_GROUP": "env"}, "", func(t *testing.T, c *config) {
			if c.opts.Kafka.Group != "cli" {
				t.Errorf("unexpected group; got %q; want %q", c.opts.Kafka.Group, "cli")
			}
		}},
		{"no pg", []string{"--brokers", "a:1", "--topic", "t"}, nil, "without a PostgreSQL DSN", nil},
		{"no topic", []string{"--brokers", "a:1", "--pg", "postgres://h/db"}, nil, "without brokers, topics and a group", nil},
		{"bad events", []string{"--brokers", "a:1", "--topic", "t", "--pg", "x", "--events", "xml"}, nil, `cannot print events as "xml"`, nil},
		{"bad env duration", []string{"--brokers", "a:1", "--topic", "t", "--pg", "x"}, map[string]string{"VIGIL_FLUSH": "soon"}, "cannot use VIGIL_FLUSH=\"soon\"", nil},
		{"bad format", []string{"--brokers", "a:1", "--topic", "t", "--pg", "x", "--format", "nope"}, nil, "nope", nil},
		{"missing CA", []string{"--brokers", "a:1", "--topic", "t", "--pg", "x", "--tls-ca", "/nonexistent"}, nil, "cannot read --tls-ca", nil},
		{"stray argument", []string{"--brokers", "a:1", "--topic", "t", "--pg", "x", "extra"}, nil, "unexpected arguments: extra", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			c, err := parse(tt.args, &bytes.Buffer{}, lookup)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("unexpected error; got %v; want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// TestUsage: a usage error exits 2 and says what is wrong.
func TestUsage(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"--brokers", "a:1"}, &bytes.Buffer{}, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "ingest: cannot") {
		t.Fatalf("unexpected exit %d, stderr %q", code, stderr.String())
	}
}

// TestTerminate: SIGTERM mid-stream stores what was counted and exits 0
// within 10 s; a restart then finishes with exact totals.
func TestTerminate(t *testing.T) {
	if testing.Short() {
		t.Skip("a fault test: in the full run, not the -short race run")
	}
	data, lines := ingesttest.Generated(t, 60000)
	c := ingesttest.NewCluster(t, 4)
	dsn := ingesttest.Migrated(t)
	ingesttest.Produce(t, c.ListenAddrs(), lines, 4)
	addr := freeAddr(t)
	p := start(t, c.ListenAddrs(), dsn, "--flush", "1h", "--http-addr", addr)
	// SIGTERM once lines are consumed (and, with --flush 1h, not stored):
	// a fixed pause after the assignment was sometimes too short under load.
	consumed := regexp.MustCompile(`(?m)^vigil_ingest_lines_consumed_total\{[^}]*\} [1-9]`)
	ingesttest.WaitFor(t, 30*time.Second, "/metrics to show lines consumed", func() bool {
		return consumed.MatchString(getMetrics(addr))
	})
	began := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Fatal("ingest did not exit within 15 s of SIGTERM")
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("unexpected stop time %s; want 10 s at most", took)
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("unexpected exit code %d after SIGTERM; want 0", code)
	}
	// With --flush 1h, only the flush at SIGTERM stored anything.
	if n := pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`); n == 0 {
		t.Fatalf("nothing stored at SIGTERM")
	}
	start(t, c.ListenAddrs(), dsn)
	want := ingesttest.Tally(t, data)
	ingesttest.WaitConsumed(t, dsn, len(lines), want)
	ingesttest.CheckTotals(t, dsn, want)
}

// TestSessionTimeoutRefused: a session timeout the broker refuses (under
// its minimum, 500ms here) stops ingest with exit status 1 and the reason,
// instead of a join retried forever.
func TestSessionTimeoutRefused(t *testing.T) {
	c := ingesttest.NewCluster(t, 1)
	p := start(t, c.ListenAddrs(), ingesttest.Migrated(t), "--session-timeout", "100ms")
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("ingest did not stop within 30 s with a session timeout the broker refuses")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != exitFailed {
		t.Errorf("unexpected exit code %d; want %d", code, exitFailed)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	const want = "ingest: kafka join: session timeout 100ms: [26] Invalid Session Timeout"
	if last := p.log[len(p.log)-1]; !strings.HasPrefix(last, want) {
		t.Errorf("unexpected last line on stderr %q; want it to start with %q", last, want)
	}
}
