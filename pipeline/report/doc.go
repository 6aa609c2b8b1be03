// Package report is the model of an analysis report and its renderings:
// JSON (the versioned contract documented in docs/report.md, schema
// "vigil.report/v1"), text for people, a self-contained HTML page for
// sharing, and the runbook's incident notification template.
//
// A Report is plain data, built once by the pipeline after all workers have
// merged; it holds copies, never views into log lines. Rendering is not on
// the hot path and may allocate freely.
package report
