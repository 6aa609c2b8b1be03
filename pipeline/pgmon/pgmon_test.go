package pgmon

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-ops/vigil/pipeline/metricline/metriclinetest"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

func newMonitor(t *testing.T, o Options) *Monitor {
	t.Helper()
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func snapshot(t *testing.T, m *Monitor) []metriclinetest.Line {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := m.Snapshot(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return metriclinetest.Read(t, b)
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func TestHost(t *testing.T) {
	f := func(dsn, want string) {
		t.Helper()
		m, err := New(Options{DSN: dsn})
		if err != nil {
			t.Fatalf("cannot use DSN %q: %v", dsn, err)
		}
		if m.Host() != want || m.Name() != "postgres://"+want {
			t.Fatalf("unexpected host/name for %q; got %q/%q; want %q", dsn, m.Host(), m.Name(), want)
		}
	}
	f("postgres://vigil:s3cret@db.example:6543/app", "db.example:6543")
	f("postgres://vigil:s3cret@db.example/app", "db.example:5432")
	f("postgres://[::1]:5433/app", "[::1]:5433")
	f("host=127.0.0.1 port=5432 user=postgres password=s3cret dbname=test", "127.0.0.1:5432")
	f("host=/var/run/postgresql dbname=test", "/var/run/postgresql/.s.PGSQL.5432")
	f("postgres:///test?host=/tmp&port=5433", "/tmp/.s.PGSQL.5433")
}

func TestLongQueryFloor(t *testing.T) {
	f := func(threshold float64, want time.Duration) {
		t.Helper()
		if got := LongQueryFloor(threshold); got != want {
			t.Fatalf("unexpected floor for a threshold of %v s; got %v; want %v", threshold, got, want)
		}
	}
	f(300, DefaultLongQuery)
	f(10, DefaultLongQuery)
	f(2.5, 2500*time.Millisecond)
	f(0, DefaultLongQuery)
	f(-1, DefaultLongQuery)
}

func TestNewFailure(t *testing.T) {
	f := func(o Options) {
		t.Helper()
		if _, err := New(o); err == nil {
			t.Fatalf("no error for %+v", o)
		}
	}
	f(Options{})
	f(Options{DSN: "postgres://h:notaport/x"})
	f(Options{DSN: "postgres://h/x", Top: -1})
	f(Options{DSN: "postgres://h/x", Interval: -time.Second})
}

func TestTruncate(t *testing.T) {
	f := func(s string, n int, want string) {
		t.Helper()
		if got := truncate(s, n); got != want {
			t.Fatalf("unexpected truncate(%q, %d); got %q; want %q", s, n, got, want)
		}
	}
	f("SELECT 1", 200, "SELECT 1")
	f("abcdef", 3, "abc")
	f("abé", 3, "ab") // é is two bytes: not split
	f("abé", 4, "abé")
	f("a😀b", 4, "a")
	f(strings.Repeat("x", 300), MaxQueryBytes, strings.Repeat("x", MaxQueryBytes))
}

// TestConnections opens 90 idle connections: db_connections counts them,
// as the sum of pg_connections per state. It holds the server alone, so
// that no other test's connections come and go meanwhile.
func TestConnections(t *testing.T) {
	pgtest.Exclusive(t)
	dsn := pgtest.NewDatabase(t)
	m := newMonitor(t, Options{DSN: dsn})
	before := metriclinetest.Named(snapshot(t, m), "db_connections")
	const idle = 90
	for range idle {
		connect(t, dsn)
	}
	ls := snapshot(t, m)
	total := metriclinetest.Named(ls, "db_connections")
	if len(before) != 1 || len(total) != 1 {
		t.Fatalf("unexpected db_connections lines; got %d before and %d after; want 1", len(before), len(total))
	}
	got := total[0].Value
	if got-before[0].Value < idle || got <= 80 {
		t.Fatalf("unexpected db_connections after opening %d; got %v (%v before); want %d more, over 80", idle, got, before[0].Value, idle)
	}
	if total[0].Labels["host"] != m.Host() || time.Since(total[0].TS) > time.Minute {
		t.Fatalf("unexpected labels or time of %+v; want host %s, now", total[0], m.Host())
	}
	var sum float64
	for _, l := range metriclinetest.Named(ls, "pg_connections") {
		sum += l.Value
		if l.Labels["state"] == "idle" && l.Value < idle {
			t.Fatalf("unexpected idle connections; got %v; want %d or more", l.Value, idle)
		}
	}
	if sum != got {
		t.Fatalf("unexpected sum of pg_connections; got %v; want db_connections %v", sum, got)
	}
}

// longQueries polls until the query of pid is among the long ones.
func longQueries(t *testing.T, m *Monitor, pid uint32) []metriclinetest.Line {
	t.Helper()
	for range 100 {
		ls := metriclinetest.Named(snapshot(t, m), "pg_long_query_seconds")
		for _, l := range ls {
			if l.Labels["pid"] == pidString(pid) {
				return ls
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no pg_long_query_seconds line of pid %d in 10 s", pid)
	return nil
}

func TestLongQuery(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	first := pgtest.Busy(t, dsn, "SELECT pg_sleep(60)")
	m := newMonitor(t, Options{DSN: dsn, LongQuery: 300 * time.Millisecond})
	longQueries(t, m, first)
	second := pgtest.Busy(t, dsn, "SELECT pg_sleep(60)")
	ls := longQueries(t, m, second)
	var seen []string
	longest := 0.0
	for _, l := range ls {
		if strings.Contains(l.Labels["query"], "pg_stat_activity") {
			t.Fatalf("unexpected line of the monitor's own query: %+v", l)
		}
		if l.Labels["host"] != m.Host() {
			t.Fatalf("unexpected host in %+v; want %s", l, m.Host())
		}
		seen = append(seen, l.Labels["pid"])
		longest = max(longest, l.Value)
	}
	i, j := slices.Index(seen, pidString(first)), slices.Index(seen, pidString(second))
	if i < 0 || j < 0 || i > j {
		t.Fatalf("unexpected pids %v; want %d before %d (longest first)", seen, first, second)
	}
	if l := ls[i]; l.Value < 0.3 || l.Labels["query"] != "SELECT pg_sleep(60)" {
		t.Fatalf("unexpected line of the first sleep %+v; want 0.3 s or more and its query", l)
	}

	// Top 1: only the longest, which has run at least as long as any
	// seen before.
	m = newMonitor(t, Options{DSN: dsn, LongQuery: 300 * time.Millisecond, Top: 1})
	ls = metriclinetest.Named(snapshot(t, m), "pg_long_query_seconds")
	if len(ls) != 1 || ls[0].Value < longest {
		t.Fatalf("unexpected lines with Top 1: %+v; want one of %v s or more", ls, longest)
	}
}

func pidString(pid uint32) string { return strconv.FormatUint(uint64(pid), 10) }

// TestStatements creates pg_stat_statements in a database of its own and
// runs a slow statement there: pg_statement_mean_ms shows it over 1000 ms.
func TestStatements(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	pgtest.Statements(t, dsn)
	c := connect(t, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for range 3 {
		if _, err := c.Exec(ctx, "SELECT pg_sleep(1.2)"); err != nil {
			t.Fatal(err)
		}
	}
	var notes []string
	m := newMonitor(t, Options{DSN: dsn, Notef: func(f string, a ...any) { notes = append(notes, f) }})
	ls := metriclinetest.Named(snapshot(t, m), "pg_statement_mean_ms")
	if len(notes) != 0 || len(ls) == 0 || len(ls) > DefaultTop {
		t.Fatalf("unexpected notes %q or number of statements %d; want none and 1 to %d", notes, len(ls), DefaultTop)
	}
	found := false
	for i, l := range ls {
		if i > 0 && l.Value > ls[i-1].Value {
			t.Fatalf("unexpected order: %v ms after %v ms; want the slowest first", l.Value, ls[i-1].Value)
		}
		if _, err := strconv.ParseInt(l.Labels["queryid"], 10, 64); err != nil || l.Labels["host"] != m.Host() {
			t.Fatalf("unexpected labels %v; want a queryid and host %s", l.Labels, m.Host())
		}
		if strings.Contains(l.Labels["query"], "pg_sleep") {
			found = true
			if l.Value < 1000 {
				t.Fatalf("unexpected mean of %q; got %v ms; want over 1000", l.Labels["query"], l.Value)
			}
		}
	}
	if !found {
		t.Fatalf("no pg_sleep statement among %+v", ls)
	}
}

// TestNoStatements polls a database without pg_stat_statements: no
// statement lines, and one note however many polls.
func TestNoStatements(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	var notes []string
	m := newMonitor(t, Options{DSN: dsn, Notef: func(f string, a ...any) { notes = append(notes, f) }})
	for range 2 {
		ls := snapshot(t, m)
		if len(metriclinetest.Named(ls, "pg_statement_mean_ms")) != 0 || len(metriclinetest.Named(ls, "db_connections")) != 1 {
			t.Fatalf("unexpected lines without pg_stat_statements: %+v", ls)
		}
	}
	if len(notes) != 1 {
		t.Fatalf("unexpected notes %q; want one", notes)
	}
}

// TestSnapshotFailure polls a closed port: an error naming the server,
// dst as it was.
func TestSnapshotFailure(t *testing.T) {
	m := newMonitor(t, Options{DSN: "postgres://postgres:s3cret@127.0.0.1:1/test?connect_timeout=5"})
	dst := []byte("kept\n")
	got, err := m.Snapshot(context.Background(), dst)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("unexpected error %v; want one naming 127.0.0.1:1, without the password", err)
	}
	if string(got) != "kept\n" {
		t.Fatalf("unexpected dst after a failure; got %q", got)
	}
}

// TestRun polls until emit fails, and returns its error.
func TestRun(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	m := newMonitor(t, Options{DSN: dsn, Interval: 10 * time.Millisecond})
	stop := errors.New("stop")
	polls := 0
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := m.Run(ctx, func(b []byte) error {
		if len(metriclinetest.Named(metriclinetest.Read(t, b), "db_connections")) != 1 {
			t.Errorf("unexpected poll %q; want one db_connections line", b)
		}
		if polls++; polls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || polls != 3 {
		t.Fatalf("unexpected end of Run after %d polls: %v; want %v after 3", polls, err, stop)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := m.Run(ctx, func([]byte) error { return nil }); err != nil {
		t.Fatalf("unexpected error of Run with a done context: %v", err)
	}
}
