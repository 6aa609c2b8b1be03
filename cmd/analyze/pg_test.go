package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
	"github.com/vigil-ops/vigil/pipeline/report"
)

func TestPGUsage(t *testing.T) {
	f := func(want string, args ...string) {
		t.Helper()
		_, stderr, code := analyze(t, nil, args...)
		if code != exitUsage || !strings.Contains(stderr, want) {
			t.Fatalf("unexpected exit status or message for %q; got %d %q; want %d and %q", args, code, stderr, exitUsage, want)
		}
		if strings.Contains(stderr, "s3cret") {
			t.Fatalf("the message for %q holds the DSN's password: %q", args, stderr)
		}
	}
	f("--pg takes one snapshot", "--pg", "postgres://h/db", "--follow", "x.log")
	f("leave the formats detected", "--pg", "postgres://h/db", "--format", "combined", "x.log")
	f("cannot parse the PostgreSQL DSN", "--pg", "postgres://u:s3cret@h:port/db")
	f("cannot apply --since 1h to --pg alone: a duration counts back from the end of the files, and a snapshot is now", "--pg", "postgres://h/db", "--since", "1h")
}

// pgReport runs analyze with args and decodes its JSON report.
func pgReport(t *testing.T, args ...string) *report.Report {
	t.Helper()
	out, stderr, code := analyze(t, nil, append([]string{"-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("unexpected exit status of analyze %q; got %d; want 0; stderr: %s", args, code, stderr)
	}
	if strings.Contains(out, "s3cret") {
		t.Fatalf("the report holds the DSN's password:\n%s", out)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("cannot decode the JSON report: %v", err)
	}
	return &rep
}

// TestPGSnapshot reads a snapshot beside a log file: each input has its
// own format, the snapshot is named by the server without the password,
// and the missing pg_stat_statements is a warning of its input.
func TestPGSnapshot(t *testing.T) {
	dsn := strings.Replace(pgtest.NewDatabase(t), "postgres@", "postgres:s3cret@", 1)
	rep := pgReport(t, "--pg", dsn, "../../testdata/apache_logs")
	files := rep.Input.Files
	if len(files) != 2 || files[0].Format != "combined" || files[1].Path != "postgres://127.0.0.1:5432" || files[1].Format != "metrics-json" {
		t.Fatalf("unexpected inputs %+v; want apache_logs (combined), then postgres://127.0.0.1:5432 (metrics-json)", files)
	}
	pg := files[1]
	if pg.Lines < 2 || len(pg.Warnings) == 0 || !strings.Contains(pg.Warnings[0], "pg_stat_statements") {
		t.Fatalf("unexpected snapshot input %+v; want 2 lines or more and a warning about pg_stat_statements", pg)
	}
	if rep.Input.Malformed != 1 { // apache_logs' one
		t.Fatalf("unexpected malformed lines %d; want 1", rep.Input.Malformed)
	}
}

// incidentsOf decodes the incidents of a JSON report.
func incidentsOf(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rep struct {
		Incidents []map[string]any `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("cannot decode the JSON report: %v", err)
	}
	return rep.Incidents
}

// findIncident returns the incident of kind and subject, nil if none.
func findIncident(ins []map[string]any, kind, subject string) map[string]any {
	for _, in := range ins {
		if in["kind"] == kind && in["subject"] == subject {
			return in
		}
	}
	return nil
}

// TestPGLongQueryIncident: a query running past a long_query threshold
// shortened by the rules file raises long_query naming its pid.
func TestPGLongQueryIncident(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	pid := pgtest.Busy(t, dsn, "SELECT pg_sleep(60)")
	for i := 0; pgtest.QueryInt(t, dsn, `SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND now() - query_start > interval '1.5 s'`, int(pid)) == 0; i++ {
		if i == 300 {
			t.Fatalf("pid %d is not running its sleep after 30 s", pid)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rules := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(rules, []byte(`{"metrics": {"long_query": {"threshold": 1}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := analyze(t, nil, "-o", "json", "--rules", rules, "--pg", dsn)
	if code != 0 {
		t.Fatalf("unexpected exit status %d; stderr: %s", code, stderr)
	}
	subject := fmt.Sprintf("127.0.0.1:5432 pid %d", pid)
	in := findIncident(incidentsOf(t, out), "long_query", subject)
	if in == nil || in["severity"] != "P1" || !strings.Contains(fmt.Sprint(in["summary"]), "pg_sleep(60)") {
		t.Fatalf("unexpected long_query incident of %s: %v; want P1 with the query; incidents:\n%s", subject, in, out)
	}
}

// TestPGConnectionsIncident: 90 idle connections raise db_connections
// (over 80 by default) for the server. It holds the server alone, so
// that no other test's connections come or go (max_connections is 100).
func TestPGConnectionsIncident(t *testing.T) {
	pgtest.Exclusive(t)
	dsn := pgtest.NewDatabase(t)
	for range 90 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		c, err := pgx.Connect(ctx, dsn)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
	}
	out, stderr, code := analyze(t, nil, "-o", "json", "--pg", dsn)
	if code != 0 {
		t.Fatalf("unexpected exit status %d; stderr: %s", code, stderr)
	}
	in := findIncident(incidentsOf(t, out), "db_connections", "127.0.0.1:5432")
	if in == nil || in["severity"] != "P2" {
		t.Fatalf("unexpected db_connections incident: %v; want P2 for 127.0.0.1:5432; report:\n%s", in, out)
	}
}

// TestPGSlowStatementIncident: with pg_stat_statements in the database, a
// statement averaging 1.2 s raises slow_statement (over 1000 ms by
// default).
func TestPGSlowStatementIncident(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	pgtest.Statements(t, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for range 3 {
		if _, err := c.Exec(ctx, "SELECT pg_sleep(1.2)"); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code := analyze(t, nil, "-o", "json", "--pg", dsn)
	if code != 0 {
		t.Fatalf("unexpected exit status %d; stderr: %s", code, stderr)
	}
	for _, in := range incidentsOf(t, out) {
		if in["kind"] == "slow_statement" && strings.Contains(fmt.Sprint(in["summary"]), "pg_sleep") {
			if in["severity"] != "P2" {
				t.Fatalf("unexpected severity of %v; want P2", in)
			}
			return
		}
	}
	t.Fatalf("no slow_statement incident of the pg_sleep statement; report:\n%s", out)
}
