package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/vigil-ops/vigil/pipeline/ingest"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgmon"
	"github.com/vigil-ops/vigil/pipeline/probe"
)

func TestMonitorFlags(t *testing.T) {
	base := []string{"--brokers", "a:1", "--topic", "logs", "--pg", "postgres://h/db"}
	f := func(args []string, env map[string]string, check func(c *config)) {
		t.Helper()
		lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		c, err := parse(append(base[:len(base):len(base)], args...), &bytes.Buffer{}, lookup)
		if err != nil {
			t.Fatalf("cannot parse %q with %v: %v", args, env, err)
		}
		check(c)
	}
	f(nil, nil, func(c *config) {
		if c.monitorOpts != nil || len(c.opts.Kafka.Topics) != 1 {
			t.Fatalf("unexpected monitor %+v or topics %q without --pg-monitor or --probe", c.monitorOpts, c.opts.Kafka.Topics)
		}
	})
	f([]string{"--probe", "api=http://h/api/health,expect=ok", "--probe", "db=http://h/api/health/database,expect=connected,every=1m"}, nil, func(c *config) {
		m := c.monitorOpts
		if m == nil || len(m.Probes) != 2 || m.Probes[0].Severity != probe.SeverityP1 || m.Probes[1].Every != time.Minute || m.PG.DSN != "" {
			t.Fatalf("unexpected monitor options %+v", m)
		}
		if strings.Join(c.opts.Kafka.Topics, " ") != "logs vigil-monitor" || m.Topic != "vigil-monitor" || m.Group != "vigil" || m.DSN != "postgres://h/db" {
			t.Fatalf("unexpected topics %q or monitor %+v; want logs and vigil-monitor consumed", c.opts.Kafka.Topics, m)
		}
	})
	f(nil, map[string]string{
		"VIGIL_PROBE":               "api=http://h/api/health,expect=ok\npay=http://h/api/health/payments,expect=all operational,severity=P1\n",
		"VIGIL_PG_MONITOR":          "postgres://u:pw@db:5432/app",
		"VIGIL_PG_MONITOR_INTERVAL": "10s",
		"VIGIL_MONITOR_TOPIC":       "mon",
	}, func(c *config) {
		m := c.monitorOpts
		if m == nil || len(m.Probes) != 2 || m.Probes[1].Expect != "all operational" || m.PG.DSN != "postgres://u:pw@db:5432/app" || m.PG.Interval != 10*time.Second || m.Topic != "mon" {
			t.Fatalf("unexpected monitor options from the environment %+v", m)
		}
		if strings.Join(c.opts.Kafka.Topics, " ") != "logs mon" {
			t.Fatalf("unexpected topics %q; want logs mon", c.opts.Kafka.Topics)
		}
	})
	// A long-query rule under the monitor's floor lowers it.
	rules := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(rules, []byte(`{"metrics": {"long_query": {"threshold": 2.5}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	f([]string{"--pg-monitor", "postgres://db/app", "--rules", rules}, nil, func(c *config) {
		if got := c.monitorOpts.PG.LongQuery; got != 2500*time.Millisecond {
			t.Fatalf("unexpected long-query floor with a rule of 2.5 s; got %v; want 2.5s", got)
		}
	})
	f([]string{"--pg-monitor", "postgres://db/app"}, nil, func(c *config) {
		if got := c.monitorOpts.PG.LongQuery; got != pgmon.DefaultLongQuery {
			t.Fatalf("unexpected long-query floor with the default rules; got %v; want %v", got, pgmon.DefaultLongQuery)
		}
	})
	// The monitor topic named among the topics is consumed once.
	f([]string{"--topic", "vigil-monitor", "--pg-monitor", "postgres://db/app"}, nil, func(c *config) {
		if strings.Join(c.opts.Kafka.Topics, " ") != "logs vigil-monitor" {
			t.Fatalf("unexpected topics %q; want logs vigil-monitor", c.opts.Kafka.Topics)
		}
	})
}

func TestMonitorFlagsFailure(t *testing.T) {
	base := []string{"--brokers", "a:1", "--topic", "logs", "--pg", "postgres://h/db"}
	f := func(want string, args ...string) {
		t.Helper()
		_, err := parse(append(base[:len(base):len(base)], args...), &bytes.Buffer{}, func(string) (string, bool) { return "", false })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for %q; got %v; want one saying %q", args, err, want)
		}
	}
	f(`cannot parse probe "api"`, "--probe", "api")
	f("severity", "--probe", "api=http://h/,severity=P4")
	f("leave the formats detected", "--probe", "api=http://h/", "--format", "combined")
	f("--pg-monitor-interval", "--pg-monitor", "postgres://db/app", "--pg-monitor-interval", "0s")
	f("--monitor-topic", "--pg-monitor", "postgres://db/app", "--monitor-topic", "")
}

// fakeMonitor stands for ingest.Monitor in the metrics tests.
type fakeMonitor struct{ stats []probe.Stats }

func (f fakeMonitor) ProbeStats() []probe.Stats { return f.stats }
func (f fakeMonitor) Leading() bool             { return true }
func (f fakeMonitor) WriteErrors() uint64       { return 2 }

func TestProbeMetrics(t *testing.T) {
	m := fakeMonitor{[]probe.Stats{
		{Name: "api", URL: "http://shop/api/health", Checks: 10, Failures: 3, Success: true, Duration: 250 * time.Millisecond},
		{Name: "db", URL: "http://shop/api/health/database", Checks: 4, Failures: 4, Duration: 5 * time.Second},
		{Name: "new", URL: "http://shop/new"},
	}}
	body := scrape(t, newHandler(healthyService(), monitorCollector{m}))
	checkLines(t, body,
		`# TYPE vigil_probe_success gauge`,
		`vigil_probe_success{probe="api",url="http://shop/api/health"} 1`,
		`vigil_probe_success{probe="db",url="http://shop/api/health/database"} 0`,
		`vigil_probe_duration_seconds{probe="api",url="http://shop/api/health"} 0.25`,
		`vigil_probe_duration_seconds{probe="db",url="http://shop/api/health/database"} 5`,
		`vigil_probe_checks_total{outcome="passed",probe="api"} 7`,
		`vigil_probe_checks_total{outcome="failed",probe="api"} 3`,
		`vigil_probe_checks_total{outcome="failed",probe="db"} 4`,
		`vigil_probe_checks_total{outcome="passed",probe="new"} 0`,
		`vigil_monitor_leading 1`,
		`vigil_monitor_write_errors_total 2`,
	)
	if strings.Contains(body, `vigil_probe_success{probe="new"`) {
		t.Errorf("unexpected vigil_probe_success of a probe never checked:\n%s", vigilLines(body))
	}
	promtoolCheck(t, body) // Last: it may skip.
}

// TestProbeThroughBinary runs ingest with probes of a loopback server,
// given on the command line or in a config file: its /metrics shows them
// passing.
func TestProbeThroughBinary(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"ok"}`)) }))
	defer srv.Close()
	var body string
	f := func(probes []string, args func(addr string) []string) {
		t.Helper()
		c := ingesttest.NewCluster(t, 1, kfake.SeedTopics(1, ingest.DefaultMonitorTopic))
		dsn := ingesttest.Migrated(t)
		addr := freeAddr(t)
		start(t, c.ListenAddrs(), dsn, args(addr)...)
		ingesttest.WaitFor(t, time.Minute, fmt.Sprintf("/metrics to show the probes %q passing", probes), func() bool {
			body = getMetrics(addr)
			for _, p := range probes {
				if !strings.Contains(body, fmt.Sprintf(`vigil_probe_success{probe=%q,url="%s/%s"} 1`+"\n", p, srv.URL, p)) {
					return false
				}
			}
			return strings.Contains(body, "vigil_monitor_leading 1\n")
		})
	}
	f([]string{"api"}, func(addr string) []string {
		return []string{"--http-addr", addr, "--probe", "api=" + srv.URL + "/api,expect=ok,every=100ms"}
	})
	// start's flags (--http-addr among them) win over a config file: the
	// file holds the probes.
	f([]string{"api", "db"}, func(addr string) []string {
		return []string{"--http-addr", addr, "--config", writeConfig(t, fmt.Sprintf("# probes\nprobe = api=%s/api,expect=ok,every=100ms\nprobe db=%s/db,every=100ms  # any body\n", srv.URL, srv.URL))}
	})
	promtoolCheck(t, body) // Last: it may skip.
}
