package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// ErrNotLeader is returned by Leader.Save when the leader's connection,
// and with it its lock, was lost: another instance may lead now.
var ErrNotLeader = errors.New("lost the detection lock")

// Leader is the one instance of a consumer group that runs detection: it
// holds a session advisory lock on its own connection, and writes the
// detector's progress and the incidents on that connection, so that a
// leader that lost its lock cannot write.
type Leader struct {
	conn  *pgx.Conn
	group string
}

// TryLead returns the group's Leader if no other connection holds the
// detection lock, else nil.
func (s *Store) TryLead(ctx context.Context) (*Leader, error) {
	return s.tryLock(ctx, "detection")
}

// TryMonitor returns a Leader of the group's monitor lock if no other
// connection holds it, else nil: the one instance that runs the
// PostgreSQL monitor and the probes (ingest.Monitor). A lock of its own,
// so that it neither waits for nor holds back detection; only Alive and
// Close serve it.
func (s *Store) TryMonitor(ctx context.Context) (*Leader, error) {
	return s.tryLock(ctx, "monitor")
}

// tryLock takes the group's advisory lock of role on a connection of its
// own, if no other connection holds it.
func (s *Store) tryLock(ctx context.Context, role string) (*Leader, error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to PostgreSQL: %w", err)
	}
	conn := c.Hijack()
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey(role, s.group)).Scan(&ok); err != nil || !ok {
		conn.Close(context.Background())
		if err != nil {
			return nil, fmt.Errorf("cannot take the %s lock: %w", role, err)
		}
		return nil, nil
	}
	return &Leader{conn: conn, group: s.group}, nil
}

// lockKey is the advisory lock key of group's role ("detection" keeps
// the key it always had).
func lockKey(role, group string) int64 {
	h := fnv.New64a()
	h.Write([]byte("vigil." + role + "\x00" + group))
	return int64(h.Sum64())
}

// Close releases the lock.
func (l *Leader) Close() { l.conn.Close(context.Background()) }

// Progress is what the detector needs to know of the group's partitions.
type Progress struct {
	// ClosedTo is the end of the last window detection passed; zero when
	// detection has not started.
	ClosedTo time.Time
	// Partitions are the partitions with stored state.
	Partitions []Partition
	// OpenSince is the start of the earliest incident not resolved, zero
	// when none is.
	OpenSince time.Time
}

// Progress reads the detector's progress and the partitions' newest times.
func (l *Leader) Progress(ctx context.Context) (Progress, error) {
	var p Progress
	var closed, open *time.Time
	if err := l.conn.QueryRow(ctx, `SELECT (SELECT closed_to FROM vigil.detection WHERE consumer_group = $1),
			(SELECT min(started_at) FROM vigil.incidents WHERE consumer_group = $1 AND status <> 'resolved')`,
		l.group).Scan(&closed, &open); err != nil {
		return p, fmt.Errorf("cannot read detection progress: %w", err)
	}
	p.ClosedTo, p.OpenSince = deref(closed), deref(open)
	rows, err := l.conn.Query(ctx, `SELECT topic, partition, next_offset, newest, last_message_at, lag, caught_up_at, updated_at
		FROM vigil.partitions WHERE consumer_group = $1 ORDER BY topic, partition`, l.group)
	if err != nil {
		return p, fmt.Errorf("cannot read partition progress: %w", err)
	}
	p.Partitions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Partition, error) {
		var q Partition
		var newest, last, caught *time.Time
		err := r.Scan(&q.Topic, &q.Partition, &q.Next, &newest, &last, &q.Lag, &caught, &q.Updated)
		q.Newest, q.LastMessageAt, q.CaughtUpAt = deref(newest), deref(last), deref(caught)
		return q, err
	})
	if err != nil {
		return p, fmt.Errorf("cannot read partition progress: %w", err)
	}
	return p, nil
}

// Starts returns the starts of the windows with data in [from, to), in
// order (any partition).
func (l *Leader) Starts(ctx context.Context, from, to time.Time) ([]time.Time, error) {
	rows, err := l.conn.Query(ctx, `SELECT DISTINCT start FROM vigil.windows
		WHERE consumer_group = $1 AND start >= $2 AND start < $3 ORDER BY start`, l.group, from, to)
	if err != nil {
		return nil, fmt.Errorf("cannot list windows: %w", err)
	}
	ts, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, fmt.Errorf("cannot list windows: %w", err)
	}
	for i := range ts {
		ts[i] = ts[i].UTC()
	}
	return ts, nil
}

// States returns the stored states of every partition's window starting
// at start.
func (l *Leader) States(ctx context.Context, start time.Time) ([][]byte, error) {
	rows, err := l.conn.Query(ctx, `SELECT state FROM vigil.windows
		WHERE consumer_group = $1 AND start = $2 ORDER BY topic, partition`, l.group, start)
	if err != nil {
		return nil, fmt.Errorf("cannot read windows at %s: %w", start.Format(time.RFC3339), err)
	}
	states, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("cannot read windows at %s: %w", start.Format(time.RFC3339), err)
	}
	return states, nil
}

// Save records, in one transaction, that detection passed closedTo and
// the incident events it found on the way: each incident upserted by id,
// the latest event replacing what is stored (the leader is the one writer).
func (l *Leader) Save(ctx context.Context, closedTo time.Time, events []incident.Event) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO vigil.detection (consumer_group, closed_to) VALUES ($1, $2)
		ON CONFLICT (consumer_group) DO UPDATE SET closed_to = excluded.closed_to, updated_at = now()`, l.group, closedTo)
	for i := range events {
		e := &events[i]
		doc, err := report.MarshalIncident(&e.Incident)
		if err != nil {
			return err
		}
		b.Queue(`
			INSERT INTO vigil.incidents AS i (id, consumer_group, kind, severity, subject, status, started_at,
				ended_at, summary, evidence, runbook, superseded_by, seq, doc)
			SELECT d->>'id', $1, d->>'kind', d->>'severity', d->>'subject', d->>'status',
				(d->>'start')::timestamptz, nullif(d->>'end', '')::timestamptz, d->>'summary',
				d->'evidence', d->'runbook', d->>'superseded_by', $2, d
			FROM (SELECT $3::jsonb AS d) AS x
			ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, status = excluded.status,
				started_at = excluded.started_at, ended_at = excluded.ended_at, summary = excluded.summary,
				evidence = excluded.evidence, runbook = excluded.runbook,
				superseded_by = coalesce(excluded.superseded_by, i.superseded_by),
				seq = excluded.seq, doc = excluded.doc, updated_at = now()
`, l.group, int64(e.Seq), doc)
	}
	err := pgx.BeginFunc(ctx, l.conn, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
	if err != nil && l.conn.IsClosed() {
		return fmt.Errorf("%w: %w", ErrNotLeader, err)
	}
	return err
}

// Alive reports whether the leader's connection, and so its lock, is up.
func (l *Leader) Alive(ctx context.Context) bool {
	return !l.conn.IsClosed() && l.conn.Ping(ctx) == nil
}
