// Package metrics parses metric samples, as monitoring agents write them,
// and maps them to the runbook's infrastructure metrics (memory, CPU,
// database connections, uptime, payment success): the metrics half of
// vigil's input, beside the log parsers of package parsers.
//
// # Usage
//
//	p, err := metrics.NewParser(metrics.FormatInflux, metrics.Options{})
//	m, err := metrics.NewMapper(metrics.MapperOptions{})
//	var s metrics.Sample
//	var pts []metrics.Point
//	for each line {
//		if err := p.Parse(line, &s); err != nil {
//			// ErrNoSample or parsers.ErrDirective: skip, not malformed;
//			// else count err.(*parsers.SyntaxError).Reason and skip
//			continue
//		}
//		for ok := true; ok; ok = p.Next(&s) {
//			if s.Time == metrics.NoTime {
//				s.Time = readTime // one time for the whole scrape
//			}
//			pts = m.AppendPoints(pts[:0], &s)
//			// use pts before the next Parse; copy Subject to keep it
//		}
//	}
//	pts = m.Flush(pts[:0])
//
// [Detect] tells the format of a sample of lines, as the log formats are
// detected.
//
// # Concurrency and cost
//
// Parsers and Mappers are not safe for concurrent use: each goroutine owns
// its own, and one input's lines reach one parser in order (a Prometheus
// "# TYPE" line types the samples after it). A Sample's bytes alias the
// line or the parser's buffers and are valid until the next Parse (or
// Next). Parsing allocates nothing per sample once the parser's buffers
// have grown to the longest line; the tests assert it. Mapping allocates
// only for a new subject or series. Errors are *[parsers.SyntaxError]
// values owned by the parser with one of the Reason constants, valid until
// the next Parse.
//
// # InfluxDB line protocol
//
// What Telegraf writes (outputs.file, outputs.kafka with the influx data
// format), per InfluxDB's line protocol reference
// (https://github.com/influxdata/docs-v2/blob/05c70759288b08cb73c9059aefbe3d906c4755c7/content/influxdb/v2.1/reference/syntax/line-protocol.md):
//
//	measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// Rules and choices:
//
//   - One sample per numeric field: Parse fills the first, Next each
//     other, all with the line's tags as labels and its time. The name
//     is measurement + "_" + field key ("mem_used_percent",
//     "cpu_usage_idle"), as Telegraf's Prometheus output names them.
//   - Field values: floats ("23.5", "1e3", no NaN or Inf), integers with
//     'i' (signed) or 'u' (unsigned), converted to float64 (rounded
//     beyond 2^53), booleans (t, T, true, True, TRUE and the f forms) as
//     1 and 0, and double-quoted strings, which are skipped: a line whose
//     fields are all strings (Telegraf's system.uptime_format) is
//     [ErrNoSample]. Anything else is [ReasonValue].
//   - Escapes: in the measurement, tag keys and values and field keys, a
//     backslash before ',', '=', ' ' or another backslash stands for that
//     byte; any other backslash is itself. Escapes are decoded into the
//     parser's buffer only when a backslash is present. In strings, a
//     backslash escapes the byte after it.
//   - Timestamp: an optional signed integer in [Options].Precision
//     (default ns), converted to Unix ns; without one, Time is [NoTime].
//     Out of int64 ns range is [ReasonTime].
//   - Runs of spaces separate the parts; leading blanks and trailing
//     spaces are ignored. Blank lines and lines starting with '#' are
//     [ErrNoSample].
//   - Rejections: [ReasonName] (no measurement), [ReasonLabel] (a tag
//     without '=', an empty tag key or value), [ReasonField] (no field
//     set, a field without '=' or with an empty key), [ReasonValue],
//     [ReasonTime], [ReasonSyntax] (anything after the timestamp),
//     [ReasonTooMany] (over [MaxLabels] tags or [MaxFields] fields),
//     [ReasonTooLong] (over [MaxLineBytes]).
//
// # Prometheus text exposition format
//
// Version 0.0.4, what node_exporter serves on /metrics
// (https://github.com/prometheus/docs/blob/main/content/docs/instrumenting/exposition_formats.md):
//
//	# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
//	# TYPE node_cpu_seconds_total counter
//	node_cpu_seconds_total{cpu="0",mode="idle"} 183733.47 [timestamp_ms]
//
// Rules and choices:
//
//   - "# HELP", "# TYPE", "# UNIT" and "# EOF" lines are
//     [parsers.ErrDirective]; other '#' lines and blank lines are
//     [ErrNoSample]. "# TYPE name counter|gauge|histogram|summary|untyped"
//     sets the [Type] of the samples of that family after it (name, and
//     name_total and name_created of a counter, name_bucket of a
//     histogram, name_sum and name_count of both, name_created of
//     either); any other type word is [ReasonType].
//   - Names: [a-zA-Z_:][a-zA-Z0-9_:]*, else [ReasonName]; label names
//     [a-zA-Z_][a-zA-Z0-9_]*. Label values are double-quoted with \\, \"
//     and \n decoded (into the parser's buffer, only when a backslash is
//     present); any other backslash is kept, as Prometheus keeps it. A
//     trailing comma in the braces, and blanks before the braces and
//     around the tokens inside them, are allowed. Malformed labels are [ReasonLabel]. UTF-8 names
//     in quotes (Prometheus 3) are not read.
//   - Value: a decimal float, NaN, +Inf, -Inf (any case, "Infinity"
//     too), else [ReasonValue]; hex floats and underscores are rejected.
//   - Timestamp: an optional integer of milliseconds, made Unix ns
//     ([ReasonTime] when it does not fit); without one Time is [NoTime]
//     and the caller stamps the sample with the time it read it.
//     OpenMetrics' float-seconds timestamps and exemplars are rejected
//     ([ReasonTime], [ReasonSyntax]).
//   - Spaces and tabs separate the parts.
//
// # JSON lines
//
// One object a line, read with fastjson:
//
//	{"ts": "2026-03-01T10:00:00Z", "name": "memory_usage_percent", "value": 87.5, "labels": {"host": "web-1"}}
//
// Keys and choices:
//
//   - "name" (or "metric"): a non-empty string, else [ReasonName].
//   - "value": a number (NaN and Infinity too, as fastjson reads them),
//     a string holding a number as Prometheus writes it ("87.5", "NaN",
//     "+Inf"), or a boolean (1 or 0); else or absent [ReasonValue].
//   - "ts" (or "time", "timestamp"): an RFC 3339 string with a zone, or
//     an epoch number, or a string of one, whose magnitude gives its
//     unit as the log parsers read it: below 1e11 seconds, below 1e14
//     milliseconds, below 1e17 microseconds, else nanoseconds; fractions
//     are kept to the nanosecond, exponents and negative numbers are
//     [ReasonTime]. Absent or null: [NoTime].
//   - "labels" (or "tags"): an object of labels, in order; strings as
//     decoded, numbers and booleans as their JSON text, null skipped;
//     an object or array among them, or "labels" not an object, is
//     [ReasonLabel].
//   - "type": optional, a type name as "# TYPE" writes it, else
//     [ReasonType].
//   - Any other key with a scalar value is a label too, after those
//     before it, so {"name": …, "value": …, "host": "web-1"} reads as
//     the example above; objects and arrays under other keys are ignored.
//     Where a key repeats, the last wins (labels keep every occurrence).
//   - A line whose first non-blank byte is not '{' is [ReasonJSON]
//     without reaching fastjson; so is a line fastjson rejects (which
//     costs fastjson's error allocation). Blank lines are [ErrNoSample].
//
// # The runbook's metrics
//
// A [Mapper] turns samples into [Point]s (kind, subject, time, value)
// through [Mapping]s, data a rules file can extend. The built-in ones,
// [DefaultMappings]:
//
//	| sample (format)                                    | kind            | op           | point                                  |
//	|----------------------------------------------------|-----------------|--------------|----------------------------------------|
//	| mem_used_percent (Telegraf mem)                    | memory          | value        | the value                              |
//	| cpu_usage_idle{cpu="cpu-total"} (Telegraf cpu)     | cpu             | idle         | 100 − idle                             |
//	| postgresql_numbackends (Telegraf postgresql)       | db_connections  | sum          | summed over databases, per host & time |
//	| node_memory_MemAvailable_bytes (node_exporter)     | memory          | free         | 100 × (1 − available / total),         |
//	| node_memory_MemTotal_bytes (node_exporter)         | memory          | total        |   paired per subject and time          |
//	| node_cpu_seconds_total{mode="idle"} (node_exporter)| cpu             | idle_seconds | 100 × (1 − mean over CPUs of rate)     |
//	| memory_usage_percent                               | memory          | value        | the value                              |
//	| cpu_usage_percent                                  | cpu             | value        | the value                              |
//	| db_connections                                     | db_connections  | value        | the value                              |
//	| uptime_percent                                     | uptime          | value        | the value                              |
//	| payment_success_percent                            | payment_success | value        | the value                              |
//	| pg_long_query_seconds{host,pid,query} (monitor)    | long_query      | value        | seconds; subject "host pid N"          |
//	| pg_statement_mean_ms{host,queryid,query} (monitor) | slow_statement  | value        | ms; subject "host queryid N"           |
//	| probe_success{probe,url,severity} (probes)         | endpoint_down   | value        | 1 or 0; subject the probe              |
//	| probe_success{probe,url} (probes)                  | uptime          | percent      | 100 × the value                        |
//
// The subject is the first of the labels host and instance that the
// sample carries ([MapperOptions].SubjectLabels), else
// [MapperOptions].Subject; a mapping may name its own subject labels
// ([Mapping].Subject: "db-1 pid 4242"), and a label whose value is the
// point's Detail (the query, the probe's URL) or Severity (a probe's
// "P1" or "P2"). The monitor's lines are vigil's JSON lines
// (docs/metrics.md); pg_connections and probe_duration_seconds are
// informational and not mapped. Percentages computed by the mapper are clamped
// to [0, 100].
//
// The stateful ops need times: sum, free/total and idle_seconds ignore
// samples without one (counted in [MapperStats].Untimed), so stamp
// untimed samples first, with one time per scrape, as halves pair and
// CPUs average only at equal times. A sum or mean is emitted when a later
// time of its subject arrives (one scrape late), or by [Mapper.Flush] at
// the end of the input. Rates are per series (its subject, name and
// labels), computed by [Rates] between consecutive samples, a counter
// reset counting as a restart from zero; pairs are made by a [Combiner].
// Samples older than their key's latest are ignored (Late); each stateful
// table holds at most [MapperOptions].MaxSeries keys (beyond: Dropped).
package metrics
