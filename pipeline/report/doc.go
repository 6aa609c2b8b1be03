// Package report is the model of an analysis report and its renderings:
// JSON (the versioned contract documented in docs/report.md, schema
// "vigil.report/v1"), text for people, a self-contained HTML page for
// sharing (and, with one script that refreshes it in place, ingest's
// live page: WriteLiveHTML), and the runbook's incident notification
// template.
//
// A Report is plain data, built once by the pipeline after all workers have
// merged; it holds copies, never views into log lines. Times and
// severities stay typed in it; each rendering formats them. Rendering is
// not on the hot path and may allocate freely.
//
// Strings in a report come from the logs and may be hostile. JSON and
// HTML escape them; the text, notification and HTML renderings also spell
// out control characters and invalid UTF-8 (see [Visible]), so that a user
// agent cannot drive the terminal that prints the report.
//
// Concurrency: the Write functions only read the report; they may run
// concurrently on the same one.
package report
