// Package pgmon reads the health of a PostgreSQL server straight from the
// server, as metric samples: vigil's JSON metric lines (package
// metricline), which the engine reads like any metric input and maps to
// the db_connections, long_query and slow_statement incidents.
//
// One poll ([Monitor.Snapshot]) writes, all with the time of the poll (the
// server's now()) and the label host (the server as the DSN names it,
// host:port or the Unix socket's path; never the password):
//
//	db_connections         client backends of the server (pg_stat_activity,
//	                       backend_type 'client backend'), all states
//	pg_connections         the same per state (label state: active, idle,
//	                       idle in transaction, ...; "unknown" where the
//	                       role may not see it)
//	pg_long_query_seconds  per client query not idle and running for
//	                       Options.LongQuery or longer: seconds since it
//	                       started (labels pid, query); the Options.Top
//	                       longest, longest first; never the monitor's own
//	pg_statement_mean_ms   per statement of pg_stat_statements, where the
//	                       extension is installed in the DSN's database:
//	                       its mean execution time (mean_exec_time,
//	                       mean_time before PostgreSQL 13) in ms (labels
//	                       queryid, query); the Options.Top slowest
//
// Query texts are cut to [MaxQueryBytes] at a character boundary; their
// control characters are kept (the lines escape them, renderers escape
// them again). Without pg_stat_statements (not created in the database,
// or not loaded through shared_preload_libraries) there are no statement
// samples, and Options.Notef is told once.
//
// Read only: each poll is one read-only transaction under a
// statement_timeout, on a session opened with
// default_transaction_read_only. The monitor never cancels or terminates
// a backend.
//
// # Concurrency and cost
//
// A Monitor holds one connection, opened at the first poll and opened
// again after a failed one; it is not safe for concurrent use. A poll is
// four small queries; its lines are appended to the caller's buffer.
//
// # Usage
//
//	m, err := pgmon.New(pgmon.Options{DSN: dsn})
//	defer m.Close()
//	lines, err := m.Snapshot(ctx, nil) // one poll: analyze --pg
//	err = m.Run(ctx, func(lines []byte) error { … })  // every Interval: ingest
package pgmon
