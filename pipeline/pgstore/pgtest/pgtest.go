// Package pgtest gives tests a PostgreSQL database of their own on the
// local server (VIGIL_TEST_PG overrides its address). A test never skips
// for lack of PostgreSQL: it fails saying how to start it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// AdminDSN is the DSN of the server's test database.
func AdminDSN() string {
	if dsn := os.Getenv("VIGIL_TEST_PG"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// lockPath is the lock that tests using the server share, and that a test
// restarting the server takes alone, across the test binaries that go
// test runs side by side. intentPath gives the one who waits to take it
// alone the right of way: shared holders come and go test after test,
// and flock alone would let them pass a waiting exclusive one forever.
const (
	lockPath   = "/tmp/vigil-pgtest.lock"
	intentPath = "/tmp/vigil-pgtest.intent"
)

// exclusive is set while this process holds the lock alone.
var exclusive atomic.Bool

// lock takes the lock, shared or alone (how), until the test ends: first
// the intent lock the same way, which a shared taker lets go once it
// holds the lock, so that it waits while someone waits to be alone.
func lock(t testing.TB, how int) {
	t.Helper()
	intent := flock(t, intentPath, how)
	f := flock(t, lockPath, how)
	if how == syscall.LOCK_SH {
		intent.Close()
	} else {
		t.Cleanup(func() { intent.Close() })
	}
	t.Cleanup(func() { f.Close() })
}

// flock opens path and locks it how.
func flock(t testing.TB, path string, how int) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("cannot open %s: %v", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		t.Fatalf("cannot lock %s: %v", path, err)
	}
	return f
}

// Restart restarts the PostgreSQL server (pg_ctlcluster as in .ci/run),
// which fails every connection. A test that calls it first calls
// Exclusive, so that tests of other packages are not running against the
// server meanwhile.
func Restart(t testing.TB) {
	t.Helper()
	if !exclusive.Load() {
		t.Fatal("pgtest.Restart without pgtest.Exclusive")
	}
	versions, err := os.ReadDir("/etc/postgresql")
	if err != nil || len(versions) != 1 {
		t.Fatalf("cannot find the PostgreSQL cluster in /etc/postgresql: %v", err)
	}
	out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", versions[0].Name(), "main", "restart", "--", "-m", "fast").CombinedOutput()
	if err != nil {
		t.Fatalf("cannot restart PostgreSQL: %v\n%s", err, out)
	}
}

// Exclusive makes the test the only one using the server until it ends:
// it waits for the tests of other packages to finish theirs.
func Exclusive(t testing.TB) {
	t.Helper()
	lock(t, syscall.LOCK_EX)
	exclusive.Store(true)
	t.Cleanup(func() { exclusive.Store(false) })
}

// NewDatabase creates a database for the test and returns its DSN; the
// database is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	if !exclusive.Load() {
		lock(t, syscall.LOCK_SH)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, AdminDSN())
	if err != nil {
		t.Fatalf("cannot reach PostgreSQL at %s (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): %v", AdminDSN(), err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "vigil_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("cannot create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, AdminDSN())
		if err != nil {
			t.Errorf("cannot drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("cannot drop database %s: %v", name, err)
		}
	})
	cfg, err := pgx.ParseConfig(AdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

// connect connects to dsn, failing the test if it cannot.
func connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// QueryInt runs a query that returns one integer.
func QueryInt(t testing.TB, dsn, q string, args ...any) int64 {
	t.Helper()
	ctx := context.Background()
	conn := connect(t, dsn)
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// Busy runs query (a SELECT pg_sleep(…)) on a connection of its own,
// in the background until the test ends, and returns the connection's
// pid (the query may not have started yet).
func Busy(t testing.TB, dsn, query string) uint32 {
	t.Helper()
	conn := connect(t, dsn)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn.Exec(ctx, query) // cancelled when the test ends
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		conn.Close(context.Background())
	})
	return conn.PgConn().PID()
}

// Statements creates pg_stat_statements in the database of dsn. Where the
// server does not load it (shared_preload_libraries), the test skips
// saying so, or fails under CI=true, where `make deps` sets it up.
func Statements(t testing.TB, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn := connect(t, dsn)
	defer conn.Close(ctx)
	var preload string
	if err := conn.QueryRow(ctx, "SHOW shared_preload_libraries").Scan(&preload); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(preload, "pg_stat_statements") {
		msg := fmt.Sprintf("pg_stat_statements is not in the server's shared_preload_libraries (%q), so its statistics cannot be read: make deps sets it up (.ci/deps: ALTER SYSTEM SET shared_preload_libraries, then a restart)", preload)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := conn.Exec(ctx, "CREATE EXTENSION pg_stat_statements"); err != nil {
		t.Fatalf("cannot create pg_stat_statements: %v", err)
	}
}
