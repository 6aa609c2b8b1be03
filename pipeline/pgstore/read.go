package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Read-only queries of what ingest stored, for readers such as the live
// page (pipeline/live): they take no lock and write nothing, so they may
// run beside ingest's own connections at any time.

// readerConns bounds the connections of a reader's pool: the live page's
// queries must not crowd out ingest's flushes on the same server.
const readerConns = 4

// OpenReader returns a Store of consumer group group for reading only. It
// neither connects nor migrates: the pool connects on the first query, so
// a database that is down (or a schema that ingest has not created yet)
// fails the queries, not OpenReader. Only the read methods (read.go) are
// meant for it.
func OpenReader(dsn, group string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot parse PostgreSQL DSN: %w", err)
	}
	cfg.MaxConns = readerConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to PostgreSQL: %w", err)
	}
	return &Store{pool: pool, group: group}, nil
}

// StoredWindow is one partition's window as EachWindow reads it.
type StoredWindow struct {
	Topic     string
	Partition int
	Start     time.Time
	Size      time.Duration
	// State is the window's encoded state (window.Decode); valid only
	// during the call that received it.
	State []byte
}

// EachWindow calls fn with every partition's stored window whose start
// is in [from, to], in order of start, then topic and partition, and
// stops at fn's first error, which it returns. Rows are streamed: memory
// holds one window at a time.
func (s *Store) EachWindow(ctx context.Context, from, to time.Time, fn func(*StoredWindow) error) error {
	rows, err := s.pool.Query(ctx, `SELECT topic, partition, start, size_seconds, state FROM vigil.windows
		WHERE consumer_group = $1 AND start >= $2 AND start <= $3
		ORDER BY start, topic, partition`, s.group, from, to)
	if err != nil {
		return fmt.Errorf("cannot read windows: %w", err)
	}
	defer rows.Close()
	var w StoredWindow
	var secs int
	for rows.Next() {
		if err := rows.Scan(&w.Topic, &w.Partition, &w.Start, &secs, &w.State); err != nil {
			return fmt.Errorf("cannot read windows: %w", err)
		}
		w.Start, w.Size = w.Start.UTC(), time.Duration(secs)*time.Second
		if err := fn(&w); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cannot read windows: %w", err)
	}
	return nil
}

// IncidentDocs returns the incidents that overlap [from, to] (started at
// or before to, and open or ended after from), leaving out the
// superseded ones as the report does: each is its doc column, the
// incident as the JSON report has it (report.MarshalIncident). Order:
// by start, then id.
func (s *Store) IncidentDocs(ctx context.Context, from, to time.Time) ([]json.RawMessage, error) {
	rows, err := s.pool.Query(ctx, `SELECT doc::text FROM vigil.incidents
		WHERE consumer_group = $1 AND superseded_by IS NULL AND started_at <= $3
			AND (ended_at IS NULL OR ended_at > $2)
		ORDER BY started_at, id`, s.group, from, to)
	if err != nil {
		return nil, fmt.Errorf("cannot read incidents: %w", err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (json.RawMessage, error) {
		var doc string
		err := r.Scan(&doc)
		return json.RawMessage(doc), err
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read incidents: %w", err)
	}
	return docs, nil
}

// Partitions returns the stored state of every partition of the group
// besides its windows, by topic and partition.
func (s *Store) Partitions(ctx context.Context) ([]Partition, error) {
	rows, err := s.pool.Query(ctx, `SELECT topic, partition, next_offset, epoch, generation, format, newest,
			last_message_at, lag, caught_up_at, updated_at, lines, parsed, malformed, too_long, late, rejects
		FROM vigil.partitions WHERE consumer_group = $1 ORDER BY topic, partition`, s.group)
	if err != nil {
		return nil, fmt.Errorf("cannot read partitions: %w", err)
	}
	parts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Partition, error) {
		var p Partition
		var newest, last, caught *time.Time
		var rejects []byte
		err := r.Scan(&p.Topic, &p.Partition, &p.Next, &p.Epoch, &p.Generation, &p.Format, &newest,
			&last, &p.Lag, &caught, &p.Updated, &p.Counts.Lines, &p.Counts.Parsed, &p.Counts.Malformed,
			&p.Counts.TooLong, &p.Counts.Late, &rejects)
		if err != nil {
			return p, err
		}
		p.Newest, p.LastMessageAt, p.CaughtUpAt, p.Updated = deref(newest), deref(last), deref(caught), p.Updated.UTC()
		return p, json.Unmarshal(rejects, &p.Rejects)
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read partitions: %w", err)
	}
	return parts, nil
}
