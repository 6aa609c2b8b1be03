// Package pipeline is vigil's engine: it takes batches of lines from
// sources ([Source]: files, standard input, followed files, Kafka
// partitions), parses them on several workers, counts them into event-time
// windows and the whole-run summary, closes windows as the watermark
// passes them, runs the detectors on each closed window and turns their
// findings into incident events.
//
// Concurrency model: each source's Read runs on a goroutine of its own and
// hands batches to Options.Workers parsing goroutines. A worker counts a
// batch into a part of its own (a summary and windows for just those
// lines; no locks on the hot path) and one merger goroutine merges the
// parts of each source in input order, so the result is the one a single
// worker would give: reports are byte-identical whatever the worker count.
//
// Watermark: per source, the newest event time seen minus
// Options.Lateness; a window closes when every source's watermark has
// passed its end. A line whose window had already closed for its source
// is late: it counts in the whole-run summary and in InputCounts.Late, in
// no window. An idle source (Batch.Idle) holds nothing back until it has
// lines again. Several inputs pass a gate (gate.go): each starts when the
// running ones have reached its first event time, so rotated logs given
// together are read one after the other in time order and logs of the
// same hours side by side.
//
// Metric inputs (influx, prometheus, metrics-json; metrics.go,
// docs/metrics.md) take the same path: workers parse and copy the samples
// a mapping names, the merger maps each source's in input order and
// counts the points into the open windows, where they meet the log
// lines of the same minutes; the detectors' threshold rules read them.
//
// Usage:
//
//	res, err := pipeline.Run(ctx, sources, pipeline.Options{Rules: rules})
//	rep := res.Report()
package pipeline
