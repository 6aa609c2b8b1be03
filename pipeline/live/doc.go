// Package live builds the report of a time range from what ingest stored
// in PostgreSQL: the windows of every partition (merged per window start
// into the timeline, and over the whole range into the totals, the
// latency percentiles, the endpoints and the top lists) and the incidents
// that overlap the range. It is what ingest's live page and its
// /api/report serve (cmd/ingest, docs/ingest.md).
//
// The report has the model and JSON contract of analyze's
// (report.Report, vigil.report/v1). Windows keep less than analyze's
// whole-run summary, so some sections hold less, and the report says so in
// its input's warnings rather than inventing numbers: no per-endpoint
// percentiles, unique client IPs or user-agent strings; the client IPs are
// those of notable requests only (4xx, 5xx, slow, bots) and the users those
// of export endpoints only, as the windows count them for the detectors.
// Requests, status codes, latency percentiles (exact while the range's
// distinct durations fit analyze's budget), the timeline and the incidents
// are the ones analyze gives for the same lines.
//
// Usage:
//
//	src, _ := pgstore.OpenReader(dsn, group)
//	r, err := live.Report(ctx, src, 6*time.Hour, time.Time{}, live.Options{Rules: rules})
//
// Concurrency: Report keeps no state between calls and may run
// concurrently with itself; its cost is one decode of every stored window
// in the range, which it streams (memory: one window start's partitions
// plus the range's totals).
package live
