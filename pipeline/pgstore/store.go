// Package pgstore keeps ingest's state in PostgreSQL, in the schema vigil
// (docs/schema.md): per Kafka partition, its windows' state and the
// offset after the last message they count, written together in one
// transaction; the detector's progress and the incidents it found.
//
// Effectively once: a partition's row and its windows' rows are the
// state after the messages before next_offset, replaced whole at each
// flush, so that replaying messages after a crash recomputes the same
// rows and never adds twice. A member claims a partition when it is
// assigned it (Claim bumps the partition's epoch); a flush from an older
// claim (a member that lost the partition in a rebalance and has not
// noticed) is refused with ErrFenced and leaves nothing.
//
// A Store is safe for concurrent use.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil-ops/vigil/pipeline"
)

// ErrFenced is matched (errors.Is) by the FencedError of Flush.
var ErrFenced = errors.New("partition claimed by another member")

// FencedError is returned by Flush when another claim of a partition came
// after the flusher's: the partition moved to another member.
type FencedError struct {
	Topic     string
	Partition int
	Epoch     int64
}

func (e *FencedError) Error() string {
	return fmt.Sprintf("cannot flush partition %s/%d (epoch %d): %v", e.Topic, e.Partition, e.Epoch, ErrFenced)
}

// Is makes errors.Is(err, ErrFenced) true.
func (e *FencedError) Is(target error) bool { return target == ErrFenced }

// NoOffset is Partition.Next of a partition that has no stored state.
const NoOffset = -1

// migrationLock serializes the migrations of instances starting together.
const migrationLock = 0x76696769 // "vigi"

// Store is the PostgreSQL state of one consumer group.
type Store struct {
	pool  *pgxpool.Pool
	group string
}

// Open connects to dsn, creates or migrates the schema vigil, and returns
// the store of consumer group group. The pool reconnects by itself: a
// database that goes away fails the calls made meanwhile, not the Store.
func Open(ctx context.Context, dsn, group string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot parse PostgreSQL DSN: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to PostgreSQL: %w", err)
	}
	s := &Store{pool: pool, group: group}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// SchemaVersion is the version the migrations bring the schema to.
func SchemaVersion() int { return len(migrations) }

func (s *Store) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("cannot lock the schema for migration: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS vigil;
			CREATE TABLE IF NOT EXISTS vigil.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("cannot create schema vigil: %w", err)
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM vigil.schema_migrations`).Scan(&have); err != nil {
			return fmt.Errorf("cannot read the schema version: %w", err)
		}
		if have > len(migrations) {
			return fmt.Errorf("schema vigil is at version %d, newer than this ingest knows (%d): upgrade ingest", have, len(migrations))
		}
		for v := have + 1; v <= len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("cannot migrate schema vigil to version %d: %w", v, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO vigil.schema_migrations (version) VALUES ($1)`, v); err != nil {
				return fmt.Errorf("cannot record schema version %d: %w", v, err)
			}
		}
		return nil
	})
}

// Partition is the stored state of one partition besides its windows.
type Partition struct {
	Topic     string
	Partition int
	// Next is the offset of the first message not counted, NoOffset when
	// nothing is stored.
	Next int64
	// Epoch is the claim the state belongs to (see Claim).
	Epoch int64
	// Generation is the Kafka group generation that wrote it, for people.
	Generation int
	Format     string
	// Newest is the newest event time counted (zero: none);
	// LastMessageAt the wall time of the last message counted (zero:
	// none), which tells the detector a partition is idle.
	Newest, LastMessageAt time.Time
	// Lag is how many messages the partition held past the last one
	// counted, as of the last fetch; -1 when unknown.
	Lag int64
	// CaughtUpAt is the last time the partition's reader found no more
	// messages (zero: never).
	CaughtUpAt time.Time
	// Updated is when the row was last claimed or flushed (read only).
	Updated time.Time
	Counts  pipeline.InputCounts
	Rejects map[string]uint64
}

// Window is the stored state of one window of one partition: its totals
// for the minute_totals view, its duration counts (ascending values, µs),
// and its whole state (window.AppendBinary).
type Window struct {
	Start                      time.Time
	Size                       time.Duration
	Lines, Requests, Errors5xx uint64
	LatencyUS, LatencyN        []int64
	State                      []byte
}

// Claim makes the caller the owner of a partition it was assigned: it
// bumps the partition's epoch, which refuses the flushes of earlier
// owners, forgets that the partition was caught up (the new owner says so
// once it is), and returns the stored state, the windows that may still change
// (those ending after the partition's newest time less lateness and after
// the detector's progress), and the detector's progress (zero: none).
func (s *Store) Claim(ctx context.Context, topic string, partition int, lateness time.Duration) (Partition, []Window, time.Time, error) {
	var (
		p        = Partition{Topic: topic, Partition: partition}
		ws       []Window
		closedTo time.Time
	)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var newest, last, closed *time.Time
		var rejects []byte
		err := tx.QueryRow(ctx, `
			INSERT INTO vigil.partitions AS p (consumer_group, topic, partition, next_offset, epoch, generation)
			VALUES ($1, $2, $3, $4, 1, 0)
			ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET epoch = p.epoch + 1, caught_up_at = NULL, updated_at = now()
			RETURNING next_offset, epoch, generation, format, newest, last_message_at,
				lines, parsed, malformed, too_long, late, rejects,
				(SELECT closed_to FROM vigil.detection WHERE consumer_group = $1)`,
			s.group, topic, partition, NoOffset).Scan(&p.Next, &p.Epoch, &p.Generation, &p.Format, &newest, &last,
			&p.Counts.Lines, &p.Counts.Parsed, &p.Counts.Malformed, &p.Counts.TooLong, &p.Counts.Late, &rejects, &closed)
		if err != nil {
			return fmt.Errorf("cannot claim partition %s/%d: %w", topic, partition, err)
		}
		if err := json.Unmarshal(rejects, &p.Rejects); err != nil {
			return fmt.Errorf("cannot read the rejects of partition %s/%d: %w", topic, partition, err)
		}
		p.Newest, p.LastMessageAt, closedTo = deref(newest), deref(last), deref(closed)
		bound := closedTo
		if !p.Newest.IsZero() && p.Newest.Add(-lateness).After(bound) {
			bound = p.Newest.Add(-lateness)
		}
		rows, err := tx.Query(ctx, `
			SELECT start, size_seconds, lines, requests, errors_5xx, state FROM vigil.windows
			WHERE consumer_group = $1 AND topic = $2 AND partition = $3
				AND ($4::timestamptz IS NULL OR start + make_interval(secs => size_seconds) > $4)
			ORDER BY start`, s.group, topic, partition, nullTime(bound))
		if err != nil {
			return fmt.Errorf("cannot read the windows of partition %s/%d: %w", topic, partition, err)
		}
		ws, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Window, error) {
			var w Window
			var secs int
			err := r.Scan(&w.Start, &secs, &w.Lines, &w.Requests, &w.Errors5xx, &w.State)
			w.Size = time.Duration(secs) * time.Second
			return w, err
		})
		if err != nil {
			return fmt.Errorf("cannot read the windows of partition %s/%d: %w", topic, partition, err)
		}
		return nil
	})
	return p, ws, closedTo, err
}

// Flush is one partition's part of a flush: its state and its windows
// changed since the last flush.
type Flush struct {
	Partition
	Windows []Window
}

// Flush writes the state of several partitions in one transaction: all
// of it or, on an error, none. It returns a *FencedError when a partition was claimed again since its Epoch.
func (s *Store) Flush(ctx context.Context, parts []Flush) error {
	b := &pgx.Batch{}
	for i := range parts {
		p := &parts[i].Partition
		rejects, err := json.Marshal(p.Rejects)
		if err != nil {
			return err
		}
		b.Queue(`
			UPDATE vigil.partitions SET next_offset = $5, generation = $6, format = $7, newest = $8,
				last_message_at = $9, lines = $10, parsed = $11, malformed = $12, too_long = $13,
				late = $14, rejects = $15, lag = $16, caught_up_at = $17, updated_at = now()
			WHERE consumer_group = $1 AND topic = $2 AND partition = $3 AND epoch = $4`,
			s.group, p.Topic, p.Partition, p.Epoch, p.Next, p.Generation, p.Format, nullTime(p.Newest),
			nullTime(p.LastMessageAt), p.Counts.Lines, p.Counts.Parsed, p.Counts.Malformed, p.Counts.TooLong,
			p.Counts.Late, rejects, p.Lag, nullTime(p.CaughtUpAt)).Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() != 1 {
				return &FencedError{Topic: p.Topic, Partition: p.Partition, Epoch: p.Epoch}
			}
			return nil
		})
		for j := range parts[i].Windows {
			w := &parts[i].Windows[j]
			b.Queue(`
				INSERT INTO vigil.windows AS w (consumer_group, topic, partition, start, size_seconds, lines,
					requests, errors_5xx, latency_us, latency_n, state)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				ON CONFLICT (consumer_group, topic, partition, start) DO UPDATE SET
					size_seconds = excluded.size_seconds, lines = excluded.lines, requests = excluded.requests,
					errors_5xx = excluded.errors_5xx, latency_us = excluded.latency_us,
					latency_n = excluded.latency_n, state = excluded.state, updated_at = now()`,
				s.group, p.Topic, p.Partition, w.Start, int(w.Size/time.Second), w.Lines, w.Requests,
				w.Errors5xx, w.LatencyUS, w.LatencyN, w.State)
		}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
}

// DropBefore deletes the windows that started before t (retention).
func (s *Store) DropBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM vigil.windows WHERE consumer_group = $1 AND start < $2`, s.group, t)
	if err != nil {
		return 0, fmt.Errorf("cannot drop windows before %s: %w", t.Format(time.RFC3339), err)
	}
	return tag.RowsAffected(), nil
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullTime is nil for the zero time (SQL NULL), else t.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// ClosedTo returns detection's progress: the end of the last window it
// passed, zero when it has not started.
func (s *Store) ClosedTo(ctx context.Context) (time.Time, error) {
	var t *time.Time
	err := s.pool.QueryRow(ctx, `SELECT closed_to FROM vigil.detection WHERE consumer_group = $1`, s.group).Scan(&t)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("cannot read detection progress: %w", err)
	}
	return deref(t), nil
}
