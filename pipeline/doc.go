// Package pipeline is vigil's engine: it reads log sources, parses lines
// into [parsers.Record]s on several workers, aggregates them into mergeable
// summaries and per-window aggregates, and builds the report.
//
// Concurrency model: a reader goroutine per input cuts the byte stream into
// newline-aligned chunks; Options.Workers goroutines parse chunks, each into
// its own [Aggregate] (no locks on the hot path); at the end the aggregates
// are merged. Merging is exact for counts and within the digest's error for
// percentiles, so the result does not depend on the number of workers.
//
// Memory is bounded by default: heavy hitters are Space-Saving summaries,
// unique counts are HyperLogLog sketches beyond a threshold, endpoints are
// capped. Options.Exact switches to exact maps.
//
// Usage:
//
//	rep, err := pipeline.Analyze(ctx, []string{"access.log"}, pipeline.Options{})
package pipeline
