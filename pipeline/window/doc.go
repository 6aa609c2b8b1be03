// Package window holds the event-time windows the detectors read: the
// open [Window] that lines are counted into (exact tables, mergeable), the
// compact [Closed] form a window takes once the watermark passes it, and
// the [Watermark] that decides when that is.
//
// A window covers [Start, Start+Config.Size). Windows are mergeable: the
// engine counts a chunk of lines into windows of its own and merges them
// into the shared open windows in input order, so that the result does
// not depend on how many workers counted them.
//
// Metric points (parsers/metrics' Points: memory of a host, a long query)
// count into the same windows, per series (kind, subject): the values in
// an exact-first quantile sketch of thousandths (count, min, max, mean
// exact; p95 exact up to 256 distinct values a series and window) and the
// latest point's detail and severity ([Window.AddMetric]). They merge and
// encode with the rest of the window (codec version 2 on), so that a log
// line and a metric sample of the same minute meet in one window,
// whichever front door they came through.
//
// Concurrency: a Window is not safe for concurrent use; a Closed window is
// read-only once made and may be shared.
package window
