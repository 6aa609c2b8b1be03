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

// NewDatabase creates a database for the test and returns its DSN; the
// database is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
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

// QueryInt runs a query that returns one integer.
func QueryInt(t testing.TB, dsn, q string, args ...any) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
