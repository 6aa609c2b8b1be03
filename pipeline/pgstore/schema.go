package pgstore

// migrations are the schema's versions, applied in order, each once, in
// one transaction with its row in vigil.schema_migrations. A released
// migration never changes: a change of the schema is a new one.
var migrations = []string{
	// 1: windows per partition, offsets with the state, rejects, the
	// detector's progress, incidents, and the minute_totals view.
	`
CREATE TABLE vigil.partitions (
	consumer_group  text        NOT NULL,
	topic           text        NOT NULL,
	partition       integer     NOT NULL,
	next_offset     bigint      NOT NULL,
	epoch           bigint      NOT NULL,
	generation      integer     NOT NULL,
	format          text        NOT NULL DEFAULT '',
	newest          timestamptz,
	last_message_at timestamptz,
	lag             bigint      NOT NULL DEFAULT -1,
	caught_up_at    timestamptz,
	lines           bigint      NOT NULL DEFAULT 0,
	parsed          bigint      NOT NULL DEFAULT 0,
	malformed       bigint      NOT NULL DEFAULT 0,
	too_long        bigint      NOT NULL DEFAULT 0,
	late            bigint      NOT NULL DEFAULT 0,
	rejects         jsonb       NOT NULL DEFAULT '{}',
	updated_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (consumer_group, topic, partition)
);

CREATE TABLE vigil.windows (
	consumer_group text        NOT NULL,
	topic          text        NOT NULL,
	partition      integer     NOT NULL,
	start          timestamptz NOT NULL,
	size_seconds   integer     NOT NULL,
	lines          bigint      NOT NULL,
	requests       bigint      NOT NULL,
	errors_5xx     bigint      NOT NULL,
	latency_us     bigint[]    NOT NULL,
	latency_n      bigint[]    NOT NULL,
	state          bytea       NOT NULL,
	updated_at     timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (consumer_group, topic, partition, start)
);
CREATE INDEX windows_start ON vigil.windows (start);

CREATE TABLE vigil.detection (
	consumer_group text        PRIMARY KEY,
	closed_to      timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vigil.incidents (
	id             text        PRIMARY KEY,
	consumer_group text        NOT NULL,
	kind           text        NOT NULL,
	severity       text        NOT NULL,
	subject        text        NOT NULL,
	status         text        NOT NULL,
	started_at     timestamptz NOT NULL,
	ended_at       timestamptz,
	summary        text        NOT NULL,
	evidence       jsonb       NOT NULL,
	runbook        jsonb       NOT NULL,
	superseded_by  text,
	seq            bigint      NOT NULL,
	doc            jsonb       NOT NULL,
	updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_started_at ON vigil.incidents (started_at);
CREATE INDEX incidents_open ON vigil.incidents (status) WHERE status <> 'resolved';

-- minute_totals merges every partition's windows: sums, and percentiles
-- by nearest rank over the merged duration counts (exact while each
-- window's durations were, else within the windows' histogram error).
CREATE VIEW vigil.minute_totals AS
WITH w AS (
	SELECT start AS minute, sum(requests)::bigint AS requests, sum(errors_5xx)::bigint AS errors_5xx
	FROM vigil.windows GROUP BY start
), v AS (
	SELECT w.start AS minute, u.us, sum(u.n) AS n
	FROM vigil.windows w CROSS JOIN LATERAL unnest(w.latency_us, w.latency_n) AS u(us, n)
	GROUP BY w.start, u.us
), c AS (
	SELECT minute, us,
		sum(n) OVER (PARTITION BY minute ORDER BY us) AS cum,
		sum(n) OVER (PARTITION BY minute) AS total
	FROM v
)
SELECT w.minute, w.requests, w.errors_5xx,
	(SELECT min(us) FROM c WHERE c.minute = w.minute AND c.cum >= ceil(0.50 * c.total)) / 1000.0 AS p50_ms,
	(SELECT min(us) FROM c WHERE c.minute = w.minute AND c.cum >= ceil(0.95 * c.total)) / 1000.0 AS p95_ms,
	(SELECT min(us) FROM c WHERE c.minute = w.minute AND c.cum >= ceil(0.99 * c.total)) / 1000.0 AS p99_ms
FROM w;
`,
	// 2: minute_totals computes a minute's percentiles from that minute's
	// windows only (a function per output row, through windows_start), so
	// that a query for a few hours reads those hours, not every window.
	`
CREATE FUNCTION vigil.latency_quantile(at timestamptz, q numeric) RETURNS numeric
LANGUAGE sql STABLE AS $$
	SELECT min(us) / 1000.0 FROM (
		SELECT us, sum(n) OVER (ORDER BY us) AS cum, sum(n) OVER () AS total
		FROM (
			SELECT u.us, sum(u.n) AS n
			FROM vigil.windows w CROSS JOIN LATERAL unnest(w.latency_us, w.latency_n) AS u(us, n)
			WHERE w.start = at
			GROUP BY u.us
		) AS v
	) AS c
	WHERE cum >= ceil(q * total)
$$;

CREATE OR REPLACE VIEW vigil.minute_totals AS
SELECT start AS minute, sum(requests)::bigint AS requests, sum(errors_5xx)::bigint AS errors_5xx,
	vigil.latency_quantile(start, 0.50) AS p50_ms,
	vigil.latency_quantile(start, 0.95) AS p95_ms,
	vigil.latency_quantile(start, 0.99) AS p99_ms
FROM vigil.windows
GROUP BY start;
`,
}
