package report

import (
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// Schema is the value of Report.Schema for this version of the contract.
const Schema = "vigil.report/v1"

// Report is the result of analysing one or more logs. Its JSON form is the
// contract documented in docs/report.md. Times and severities stay typed
// here; the renderers format them.
type Report struct {
	Schema            string      `json:"schema"`
	Input             Input       `json:"input"`
	TimeRange         TimeRange   `json:"time_range"`
	Requests          Requests    `json:"requests"`
	Latency           Latency     `json:"latency_ms"`
	Endpoints         []Endpoint  `json:"endpoints"`
	TopIPs            []Count     `json:"top_ips"`
	TopAuthFailureIPs []Count     `json:"top_auth_failure_ips"`
	TopUsers          []Count     `json:"top_users"`
	UniqueIPs         uint64      `json:"unique_ips"`
	UniqueIPsExact    bool        `json:"unique_ips_exact"`
	UserAgents        []UserAgent `json:"user_agents"`
	UserAgentClasses  []Count     `json:"user_agent_classes"`
	// Timeline has one row per TimelineStep of the log that had traffic.
	Timeline     []TimelineRow `json:"timeline"`
	TimelineStep time.Duration `json:"-"`
	AppErrors    uint64        `json:"app_errors"`
	// Incidents is the final state of the incident tracker: open ones (at
	// the end of the input) and resolved ones, by severity, then start,
	// kind and subject.
	Incidents []incident.Incident `json:"incidents"`
	// Metrics has one row per metric series of the input (a runbook
	// metric of one host, database, query or probe), by metric then
	// subject; none for logs (JSON: the key is left out).
	Metrics []MetricSeries `json:"metrics,omitempty"`
	Exact   Exactness      `json:"exact"`
	Options ReportOptions  `json:"options"`
}

// MetricSeries is one metric series over the input: its points' values
// and how long its windows crossed the rule's threshold.
type MetricSeries struct {
	// Metric is the runbook metric ("memory", "long_query"); Subject is
	// the host, database, query ("db-1 pid 4242") or probe.
	Metric  string `json:"metric"`
	Subject string `json:"subject"`
	// Samples counts the points; Min, Mean, P95 and Max are their
	// values' in the metric's unit (P95 the nearest rank, exact when
	// Exact, else within 0.4 %).
	Samples uint64  `json:"samples"`
	Min     float64 `json:"min"`
	Mean    float64 `json:"mean"`
	P95     float64 `json:"p95"`
	Max     float64 `json:"max"`
	Exact   bool    `json:"exact"`
	// Threshold, Direction ("above", "below") and Statistic ("mean",
	// "max", "min") are the metric's rule; Direction is empty when no
	// rule reads the metric.
	Threshold float64 `json:"threshold"`
	Direction string  `json:"direction"`
	Statistic string  `json:"statistic"`
	// Window is the rule's rolling window, over which Statistic pools
	// the trailing windows' points (uptime: an hour); 0 for each window
	// alone.
	Window time.Duration `json:"-"`
	// Crossing is the time of the windows with points of the series
	// whose statistic crossed the threshold: the rule's statistic over
	// its rolling window ending with the window (uptime: the trailing
	// hour), as detection computes it; each window alone when the rule
	// has no rolling window.
	Crossing time.Duration `json:"-"`
	// Points are that statistic per PointStep, its worst window's value
	// (the highest for a rule "above", else the lowest), for steps
	// with points.
	Points    []MetricPoint `json:"points"`
	PointStep time.Duration `json:"-"`
}

// MetricPoint is a metric series' value over one step.
type MetricPoint struct {
	Start time.Time `json:"start"`
	Value float64   `json:"value"`
}

// Exactness says, per section, whether its numbers are exact (true) or
// come from a bounded summary with its stated error (false).
type Exactness struct {
	// Latency: run-wide percentiles are nearest-rank over every duration.
	Latency bool `json:"latency_ms"`
	// Endpoints: no endpoint was folded into "other" and every listed
	// endpoint's percentiles are exact.
	Endpoints bool `json:"endpoints"`
	// TopIPs, TopAuthFailureIPs, TopUsers, UserAgents: exact counts (every
	// error is 0).
	TopIPs            bool `json:"top_ips"`
	TopAuthFailureIPs bool `json:"top_auth_failure_ips"`
	TopUsers          bool `json:"top_users"`
	UserAgents        bool `json:"user_agents"`
	// Timeline: every row's p95 is exact.
	Timeline bool `json:"timeline"`
}

// Input summarises what was read.
type Input struct {
	Files     []File `json:"files"`
	Lines     uint64 `json:"lines"`
	Parsed    uint64 `json:"parsed"`
	Malformed uint64 `json:"malformed"`
	TooLong   uint64 `json:"too_long"`
	Filtered  uint64 `json:"filtered"`
	// Directives counts lines that are directives of the format, not
	// records (W3C "#Fields:", "#Version:"…). Lines = Parsed + Malformed
	// + TooLong + Filtered + Directives + Continuations.
	Directives uint64 `json:"directives"`
	// Continuations counts lines that continue the record above them (a
	// stack trace under an application log line).
	Continuations uint64 `json:"continuations"`
	// Kinds counts the parsed lines by kind: HTTP requests, application
	// lines (a level and a message, no HTTP fields) and TCP proxy
	// connections (Envoy's and Istio's "- - -" lines, in no request
	// figure).
	Kinds Kinds `json:"kinds"`
	// Late counts parsed lines older than the close of their window (see
	// --lateness): they are in every whole-run figure but in no window,
	// so neither in the timeline nor in incident detection.
	Late             uint64   `json:"late"`
	Bytes            uint64   `json:"bytes"`
	Format           string   `json:"format"`
	MalformedReasons []Count  `json:"malformed_reasons"`
	MalformedSamples []Sample `json:"malformed_samples"`
}

// Kinds counts lines by what they describe.
type Kinds struct {
	HTTP uint64 `json:"http"`
	App  uint64 `json:"app"`
	// TCP counts TCP proxy connections: not HTTP requests, so not in
	// Requests, Latency, endpoints, client IPs or user agents. Added
	// within v1 (docs/report.md).
	TCP uint64 `json:"tcp"`
}

// File is one input file (or "-" for standard input).
type File struct {
	Path        string `json:"path"`
	Compression string `json:"compression"`
	Format      string `json:"format"`
	// Detection says how the format was chosen: "given with --format"
	// or "detected: 100 of 100 sample lines".
	Detection string `json:"detection,omitempty"`
	Lines     uint64 `json:"lines"`
	Bytes     uint64 `json:"bytes"`
	// Error says why reading stopped early (a damaged compressed file);
	// the lines read before it are counted. Empty when the file was read
	// to its end.
	Error string `json:"error,omitempty"`
	// Warnings are conditions that did not stop reading.
	Warnings []string `json:"warnings,omitempty"`
}

// Sample is one rejected line, truncated, with where it came from and why.
type Sample struct {
	File   string `json:"file"`
	Line   uint64 `json:"line"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// TimeRange is the span of event times of the counted lines. Both are
// zero when no line had a time (JSON: "").
type TimeRange struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Requests counts HTTP requests by status.
type Requests struct {
	Total     uint64            `json:"total"`
	Status    map[string]uint64 `json:"status"`
	Errors5xx uint64            `json:"errors_5xx"`
	ErrorRate float64           `json:"error_rate"`
}

// Latency summarises request durations in milliseconds. Count is the
// number of requests that had a duration; the other fields are 0 when it
// is 0. Percentiles are nearest-rank when Exact, histogram estimates
// otherwise (see docs/report.md for the error).
type Latency struct {
	Count uint64  `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
	Exact bool    `json:"exact"`
}

// Endpoint is one endpoint key ("GET /api/properties/{id}").
type Endpoint struct {
	Endpoint  string  `json:"endpoint"`
	Count     uint64  `json:"count"`
	Errors5xx uint64  `json:"errors_5xx"`
	Latency   Latency `json:"latency_ms"`
}

// Count is a key with its count; see [incident.Count].
type Count = incident.Count

// UserAgent is a user-agent string with its class and family.
type UserAgent struct {
	Key    string `json:"key"`
	Count  uint64 `json:"count"`
	Error  uint64 `json:"error"`
	Class  string `json:"class"`
	Family string `json:"family"`
}

// TimelineRow is one step of the timeline.
type TimelineRow struct {
	Start     time.Time `json:"start"`
	Requests  uint64    `json:"requests"`
	Errors5xx uint64    `json:"errors_5xx"`
	P95       float64   `json:"p95_ms"`
	AppErrors uint64    `json:"app_errors"`
}

// ReportOptions records the settings that shaped the report.
type ReportOptions struct {
	Top   int  `json:"top"`
	Exact bool `json:"exact"`
	// Since and Until are the time filter; zero when unbounded (JSON: "",
	// omitted).
	Since    time.Time     `json:"since"`
	Until    time.Time     `json:"until"`
	Window   time.Duration `json:"-"`
	Lateness time.Duration `json:"-"`
}
