// Package metricline writes vigil's JSON metric lines, the form that
// parsers/metrics reads (its doc, "JSON lines"), one object a line:
//
//	{"ts":"2026-03-01T10:00:00.5Z","name":"db_connections","value":91,"labels":{"host":"127.0.0.1:5432"}}
//
// It is what vigil's own sources of samples (pipeline/pgmon, the
// PostgreSQL monitor; pipeline/probe, the health-check probes) produce, so
// that their samples travel through the engine like any metric input.
//
// Strings are written as valid JSON whatever their bytes: invalid UTF-8
// becomes U+FFFD, and control characters are escaped (\n, \t, \u001b),
// so that a reader gets them back as they were. Appending allocates
// nothing beyond dst's growth. Functions are safe for concurrent use.
package metricline
