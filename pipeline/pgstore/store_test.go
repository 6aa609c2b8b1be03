package pgstore

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

func open(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, "g")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestMigrateTwice: a second instance finds the schema at its version.
func TestMigrateTwice(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	open(t, dsn)
	open(t, dsn)
	if v := pgtest.QueryInt(t, dsn, `SELECT max(version) FROM vigil.schema_migrations`); v != int64(SchemaVersion()) {
		t.Fatalf("unexpected schema version; got %d; want %d", v, SchemaVersion())
	}
}

// TestFenced: once a partition is claimed again, the earlier owner's
// flush is refused whole, and the new owner resumes from what was stored.
func TestFenced(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	s := open(t, dsn)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a, ws, _, err := s.Claim(ctx, "logs", 0, time.Minute)
	if err != nil || a.Next != NoOffset || len(ws) != 0 {
		t.Fatalf("unexpected first claim: %+v %v %v", a, ws, err)
	}
	a.Next, a.Newest, a.Counts.Lines = 10, start.Add(30*time.Second), 10
	w := Window{Start: start, Size: time.Minute, Lines: 10, Requests: 10, LatencyUS: []int64{1000}, LatencyN: []int64{10}, State: []byte{1, 2}}
	if err := s.Flush(ctx, []Flush{{Partition: a, Windows: []Window{w}}}); err != nil {
		t.Fatal(err)
	}
	b, ws, _, err := s.Claim(ctx, "logs", 0, time.Minute)
	if err != nil || b.Next != 10 || b.Counts.Lines != 10 || len(ws) != 1 || !slices.Equal(ws[0].State, w.State) {
		t.Fatalf("unexpected second claim: %+v %+v %v", b, ws, err)
	}
	// The first owner flushes again with a partition it lost and one it
	// still has: nothing of it is written.
	other, _, _, err := s.Claim(ctx, "logs", 1, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	other.Next = 5
	a.Next = 20
	err = s.Flush(ctx, []Flush{{Partition: other}, {Partition: a}})
	var fe *FencedError
	if !errors.Is(err, ErrFenced) || !errors.As(err, &fe) || fe.Partition != 0 {
		t.Fatalf("unexpected flush error: %v", err)
	}
	if n := pgtest.QueryInt(t, dsn, `SELECT next_offset FROM vigil.partitions WHERE partition = 1`); n != NoOffset {
		t.Fatalf("unexpected offset of the partition flushed with a fenced one; got %d; want %d", n, NoOffset)
	}
	if n := pgtest.QueryInt(t, dsn, `SELECT next_offset FROM vigil.partitions WHERE partition = 0`); n != 10 {
		t.Fatalf("unexpected offset after a fenced flush; got %d; want 10", n)
	}
}

// TestClaimWindows: a claim returns only the windows that may still
// change: after the partition's newest time less lateness and after
// detection's progress.
func TestClaimWindows(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.NewDatabase(t))
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	p, _, _, err := s.Claim(ctx, "logs", 0, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p.Next, p.Newest = 100, start.Add(10*time.Minute+30*time.Second)
	var ws []Window
	for i := range 11 {
		ws = append(ws, Window{Start: start.Add(time.Duration(i) * time.Minute), Size: time.Minute, State: []byte{byte(i)}, LatencyUS: []int64{}, LatencyN: []int64{}})
	}
	if err := s.Flush(ctx, []Flush{{Partition: p, Windows: ws}}); err != nil {
		t.Fatal(err)
	}
	_, got, _, err := s.Claim(ctx, "logs", 0, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// newest − lateness = 10:08:30: the windows from 10:08 on.
	if len(got) != 3 || !got[0].Start.Equal(start.Add(8*time.Minute)) {
		t.Fatalf("unexpected windows: got %d from %v; want 3 from 10:08", len(got), got[0].Start)
	}
}

// TestMinuteTotals: the view merges partitions and takes percentiles by
// nearest rank over the merged counts, as a sort of every value does.
func TestMinuteTotals(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	s := open(t, dsn)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var all []int64
	var flushes []Flush
	for part := range 3 {
		p, _, _, err := s.Claim(ctx, "logs", part, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		p.Next = 1
		counts := map[int64]int64{}
		for i := range 101 + part*37 {
			v := int64((i*7919+part*104729)%997) * 1000
			counts[v]++
			all = append(all, v)
		}
		w := Window{Start: start, Size: time.Minute, Requests: uint64(101 + part*37), Errors5xx: uint64(part), State: []byte{0}}
		for _, v := range slices.Sorted(maps.Keys(counts)) {
			w.LatencyUS, w.LatencyN = append(w.LatencyUS, v), append(w.LatencyN, counts[v])
		}
		flushes = append(flushes, Flush{Partition: p, Windows: []Window{w}})
	}
	if err := s.Flush(ctx, flushes); err != nil {
		t.Fatal(err)
	}
	slices.Sort(all)
	rank := func(q float64) float64 { return float64(all[int(math.Ceil(q*float64(len(all))))-1]) / 1000 }
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var req, e5 int64
	var p50, p95, p99 float64
	if err := conn.QueryRow(ctx, `SELECT requests, errors_5xx, p50_ms::float8, p95_ms::float8, p99_ms::float8 FROM vigil.minute_totals`).Scan(&req, &e5, &p50, &p95, &p99); err != nil {
		t.Fatal(err)
	}
	if req != int64(len(all)) || e5 != 3 || p50 != rank(0.5) || p95 != rank(0.95) || p99 != rank(0.99) {
		t.Fatalf("unexpected totals: got %d %d %v %v %v; want %d 3 %v %v %v", req, e5, p50, p95, p99, len(all), rank(0.5), rank(0.95), rank(0.99))
	}
}

// TestDropBefore: retention drops the windows that started before the
// bound, of every partition, and keeps the others.
func TestDropBefore(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	s := open(t, dsn)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var fs []Flush
	for part := range 2 {
		p, _, _, err := s.Claim(ctx, "logs", part, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		p.Next = 1
		f := Flush{Partition: p}
		for i := range 5 {
			f.Windows = append(f.Windows, Window{Start: start.Add(time.Duration(i) * time.Minute), Size: time.Minute, State: []byte{0}, LatencyUS: []int64{}, LatencyN: []int64{}})
		}
		fs = append(fs, f)
	}
	if err := s.Flush(ctx, fs); err != nil {
		t.Fatal(err)
	}
	n, err := s.DropBefore(ctx, start.Add(3*time.Minute))
	if err != nil || n != 6 {
		t.Fatalf("unexpected drop: %d rows, %v; want 6", n, err)
	}
	if left := pgtest.QueryInt(t, dsn, `SELECT count(*) FROM vigil.windows WHERE start >= $1`, start.Add(3*time.Minute)); left != 4 {
		t.Fatalf("unexpected windows left: %d; want 4", left)
	}
}
