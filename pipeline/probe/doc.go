// Package probe runs health-check probes: an HTTP GET of a URL at an
// interval, a success when it answers 2xx in time with the expected text
// in its body. Results are metric samples, vigil's JSON metric lines
// (package metricline), which the engine maps to the endpoint_down and
// uptime incidents:
//
//	probe_success           1 or 0 (labels probe, url, severity)
//	probe_duration_seconds  from the request to the end of the body read,
//	                        or to the failure (labels probe, url)
//
// each with the time the check started; and counters for /metrics
// ([Runner.Stats]).
//
// # Specs
//
// A probe is written NAME=URL[,OPTION=VALUE...], as --probe takes it:
//
//	api=https://shop.example/api/health,expect=ok
//	db=https://shop.example/api/health/database,expect=connected,every=1m
//	payments=https://shop.example/api/health/payments,expect=operational,severity=P1
//
// The parts:
//
//   - NAME: letters, digits, '_', '-' and '.'.
//   - URL: http or https with a host. It may hold commas: a comma starts
//     an option only when the word after it is an option's name and
//     '='; so may expect's text.
//   - expect=TEXT: the body (its first 64 KiB, [MaxBody]) must contain
//     TEXT. Default: any body.
//   - every=DURATION: time between checks. Default: 30s
//     ([DefaultEvery]).
//   - timeout=DURATION: the whole check, body included. Default: 5s
//     ([DefaultTimeout]), or every when shorter; longer than every is an
//     error.
//   - severity=P1|P2: the severity of the probe's endpoint_down
//     incident, carried as a label. Default: P1 for the application's
//     health URL (the runbook's /api/health, or /health: the path, with
//     or without a trailing slash), P2 for the others.
//
// A check fails on a network error (refused, reset, TLS), on the timeout,
// on a status outside 200–299, or when the body lacks the text. Redirects
// are followed (Go's default, up to 10).
//
// # Concurrency
//
// A [Runner] checks each probe from a goroutine of its own; it hands
// lines to its emit function one call at a time. Stats is safe to call
// from any goroutine.
package probe
