// Package live builds the report of a time range from windows and
// incidents kept by a [Source]: what ingest stored in PostgreSQL
// (pgstore) or what a run of analyze --follow keeps in memory
// ([Recent], fed by the engine's OnWindow and OnEvent). The windows of
// every partition are merged per window start into the timeline, and
// over the whole range into the totals, the latency percentiles, the
// endpoints and the top lists; the incidents are those that overlap the
// range. [Handler] serves it: the live page and /api/report of both
// front doors (cmd/ingest, cmd/analyze; docs/ingest.md).
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
//	src, _ := pgstore.OpenReader(dsn, group) // or live.NewRecent(…)
//	r, err := live.Report(ctx, src, 6*time.Hour, time.Time{}, live.Options{Rules: rules})
//	…
//	live.NewHandler(src, live.HandlerOptions{}).Register(mux)
//
// Concurrency: Report keeps no state between calls and may run
// concurrently with itself; its cost is one decode of every window in
// the range, which it streams (memory: one window start's partitions
// plus the range's totals). A Handler and a Recent are safe for
// concurrent use.
package live
