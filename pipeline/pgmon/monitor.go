package pgmon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-ops/vigil/pipeline/metricline"
)

// Monitor polls one PostgreSQL server. It is not safe for concurrent use.
type Monitor struct {
	o    Options
	cfg  *pgx.ConnConfig
	host string
	conn *pgx.Conn
	// noted is set once Notef was told that statements cannot be read.
	noted bool
}

// New returns a Monitor of the server of o.DSN; it connects at the first
// poll.
func New(o Options) (*Monitor, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(o.DSN)
	if err != nil {
		// pgx's message quotes no password, but may quote the DSN's
		// shape; say only what failed.
		return nil, fmt.Errorf("cannot parse the PostgreSQL DSN to watch: %w", err)
	}
	cfg.RuntimeParams["application_name"] = "vigil pgmon"
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	return &Monitor{o: o.withDefaults(), cfg: cfg, host: hostOf(cfg.Host, cfg.Port)}, nil
}

// hostOf names a server as its DSN does: host:port, or the path of the
// Unix socket in the directory host.
func hostOf(host string, port uint16) string {
	p := strconv.Itoa(int(port))
	if len(host) > 0 && host[0] == '/' {
		return path.Join(host, ".s.PGSQL."+p)
	}
	return net.JoinHostPort(host, p)
}

// Host is the server's label: host:port, or the Unix socket's path.
func (m *Monitor) Host() string { return m.host }

// Name names the monitor's input: "postgres://" and the host, for a
// socket "postgres://" and its path.
func (m *Monitor) Name() string { return "postgres://" + m.host }

// Close closes the connection, if one is open.
func (m *Monitor) Close() error {
	if m.conn == nil {
		return nil
	}
	err := m.conn.Close(context.Background())
	m.conn = nil
	return err
}

// Snapshot polls the server once and appends the poll's lines to dst (see
// the package doc). On an error it returns dst as it was, and the next
// poll connects again.
func (m *Monitor) Snapshot(ctx context.Context, dst []byte) ([]byte, error) {
	if m.conn == nil {
		conn, err := pgx.ConnectConfig(ctx, m.cfg)
		if err != nil {
			return dst, fmt.Errorf("cannot connect to PostgreSQL at %s: %w", m.host, err)
		}
		m.conn = conn
	}
	out, err := m.poll(ctx, dst)
	if err != nil {
		m.Close()
		return dst, fmt.Errorf("cannot poll PostgreSQL at %s: %w", m.host, err)
	}
	return out, nil
}

// poll runs a poll's queries in one read-only transaction.
func (m *Monitor) poll(ctx context.Context, dst []byte) ([]byte, error) {
	tx, err := m.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return dst, err
	}
	// Read only: nothing to commit.
	defer tx.Rollback(context.Background())
	timeout := strconv.FormatInt(m.o.StatementTimeout.Milliseconds(), 10) + "ms"
	var now time.Time
	if err := tx.QueryRow(ctx, "SELECT set_config('statement_timeout', $1, true), now()", timeout).Scan(nil, &now); err != nil {
		return dst, err
	}
	if dst, err = m.connections(ctx, tx, dst, now); err != nil {
		return dst, err
	}
	if dst, err = m.longQueries(ctx, tx, dst, now); err != nil {
		return dst, err
	}
	// Last: a failure here (the extension not loaded) ends the
	// transaction, and the lines above are kept.
	return m.statements(ctx, tx, dst, now), nil
}

// connections appends db_connections and pg_connections per state.
func (m *Monitor) connections(ctx context.Context, tx pgx.Tx, dst []byte, now time.Time) ([]byte, error) {
	rows, err := tx.Query(ctx, `SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity
		WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return dst, err
	}
	var (
		state string
		n     int64
		total int64
	)
	_, err = pgx.ForEachRow(rows, []any{&state, &n}, func() error {
		total += n
		dst = metricline.Append(dst, now, "pg_connections", float64(n), "host", m.host, "state", state)
		return nil
	})
	if err != nil {
		return dst, err
	}
	return metricline.Append(dst, now, "db_connections", float64(total), "host", m.host), nil
}

// longQueries appends pg_long_query_seconds per query running since
// LongQuery or longer, the longest first.
func (m *Monitor) longQueries(ctx context.Context, tx pgx.Tx, dst []byte, now time.Time) ([]byte, error) {
	rows, err := tx.Query(ctx, `SELECT pid, extract(epoch FROM now() - query_start)::float8, left(coalesce(query, ''), $3)
		FROM pg_stat_activity
		WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()
			AND query_start <= now() - make_interval(secs => $1)
		ORDER BY query_start, pid LIMIT $2`, m.o.LongQuery.Seconds(), m.o.Top, MaxQueryBytes)
	if err != nil {
		return dst, err
	}
	var (
		pid   int32
		secs  float64
		query string
	)
	_, err = pgx.ForEachRow(rows, []any{&pid, &secs, &query}, func() error {
		dst = metricline.Append(dst, now, "pg_long_query_seconds", secs,
			"host", m.host, "pid", strconv.Itoa(int(pid)), "query", truncate(query, MaxQueryBytes))
		return nil
	})
	return dst, err
}

// statements appends pg_statement_mean_ms of the Top slowest statements
// of pg_stat_statements, when the database has the extension and the
// server loads it; otherwise it tells Notef, once.
func (m *Monitor) statements(ctx context.Context, tx pgx.Tx, dst []byte, now time.Time) []byte {
	view, column, err := statementsView(ctx, tx)
	if err == nil && view == "" {
		err = errors.New("the extension is not created in the database (CREATE EXTENSION pg_stat_statements)")
	}
	if err == nil {
		var out []byte
		if out, err = m.appendStatements(ctx, tx, dst, now, view, column); err == nil {
			return out
		}
	}
	if !m.noted {
		m.noted = true
		m.o.Notef("no statement samples from %s: cannot read pg_stat_statements: %v", m.host, err)
	}
	return dst
}

// statementsView finds pg_stat_statements: the view's qualified name
// ("" when the extension is not created) and the name of its column of
// mean times.
func statementsView(ctx context.Context, tx pgx.Tx) (view, column string, err error) {
	err = tx.QueryRow(ctx, `SELECT quote_ident(n.nspname) || '.pg_stat_statements', coalesce((
			SELECT a.attname::text FROM pg_attribute a
			WHERE a.attrelid = to_regclass(quote_ident(n.nspname) || '.pg_stat_statements')
				AND a.attname IN ('mean_exec_time', 'mean_time') AND NOT a.attisdropped
			ORDER BY a.attname LIMIT 1), '')
		FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_stat_statements'`).Scan(&view, &column)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", "", nil
	case err != nil:
		return "", "", err
	case column == "":
		return "", "", fmt.Errorf("%s has neither mean_exec_time nor mean_time", view)
	}
	return view, column, nil
}

// appendStatements appends the Top slowest statements of view by column.
func (m *Monitor) appendStatements(ctx context.Context, tx pgx.Tx, dst []byte, now time.Time, view, column string) ([]byte, error) {
	// view and column come from the catalog, view quoted by
	// quote_ident, column one of two fixed names.
	rows, err := tx.Query(ctx, `SELECT queryid, `+column+`, left(query, $2) FROM `+view+`
		WHERE queryid IS NOT NULL AND calls > 0 ORDER BY 2 DESC, 1 LIMIT $1`, m.o.Top, MaxQueryBytes)
	if err != nil {
		return dst, err
	}
	var (
		id    int64
		mean  float64
		query *string
	)
	out := dst
	_, err = pgx.ForEachRow(rows, []any{&id, &mean, &query}, func() error {
		q := ""
		if query != nil {
			q = *query
		}
		out = metricline.Append(out, now, "pg_statement_mean_ms", mean,
			"host", m.host, "queryid", strconv.FormatInt(id, 10), "query", truncate(q, MaxQueryBytes))
		return nil
	})
	if err != nil {
		return dst, err
	}
	return out, nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Run polls the server every Interval, the first time at once, and gives
// each poll's lines to emit (valid until emit returns). A failed poll is
// logged (Logf) and the next one tried; Run returns when ctx is done
// (nil) or emit fails (its error).
func (m *Monitor) Run(ctx context.Context, emit func(lines []byte) error) error {
	tick := time.NewTicker(m.o.Interval)
	defer tick.Stop()
	var buf []byte
	for {
		var err error
		if buf, err = m.Snapshot(ctx, buf[:0]); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			m.o.Logf("%v", err)
		} else if err := emit(buf); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
