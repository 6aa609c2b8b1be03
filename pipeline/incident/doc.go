// Package incident owns what an incident is: its kinds and severities with
// the runbook's response to each (the one table of them), the Incident
// value every output renders, and the [Tracker] that turns the detectors'
// per-window findings into a lifecycle of events (opened, escalated,
// updated, resolved, superseded), keyed by (kind, subject) as Prometheus
// keys alerts by their labels.
//
// Concurrency: the kind table is read-only; a Tracker is not safe for
// concurrent use (the engine feeds it from one goroutine).
package incident
