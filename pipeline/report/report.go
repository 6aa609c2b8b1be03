package report

// Schema is the value of Report.Schema for this version of the contract.
const Schema = "vigil.report/v1"

// Report is the result of analysing one or more logs. Its JSON form is the
// contract documented in docs/report.md.
type Report struct {
	Schema            string        `json:"schema"`
	Input             Input         `json:"input"`
	TimeRange         TimeRange     `json:"time_range"`
	Requests          Requests      `json:"requests"`
	Latency           Latency       `json:"latency_ms"`
	Endpoints         []Endpoint    `json:"endpoints"`
	TopIPs            []Count       `json:"top_ips"`
	TopAuthFailureIPs []Count       `json:"top_auth_failure_ips"`
	TopUsers          []Count       `json:"top_users"`
	UniqueIPs         uint64        `json:"unique_ips"`
	UniqueIPsExact    bool          `json:"unique_ips_exact"`
	UserAgents        []UserAgent   `json:"user_agents"`
	UserAgentClasses  []Count       `json:"user_agent_classes"`
	Timeline          []Minute      `json:"timeline"`
	AppErrors         uint64        `json:"app_errors"`
	Incidents         []Incident    `json:"incidents"`
	Options           ReportOptions `json:"options"`
}

// Input summarises what was read.
type Input struct {
	Files            []File   `json:"files"`
	Lines            uint64   `json:"lines"`
	Parsed           uint64   `json:"parsed"`
	Malformed        uint64   `json:"malformed"`
	TooLong          uint64   `json:"too_long"`
	Filtered         uint64   `json:"filtered"`
	Bytes            uint64   `json:"bytes"`
	Format           string   `json:"format"`
	MalformedReasons []Count  `json:"malformed_reasons"`
	MalformedSamples []Sample `json:"malformed_samples"`
}

// File is one input file (or "-" for standard input).
type File struct {
	Path        string `json:"path"`
	Compression string `json:"compression"`
	Format      string `json:"format"`
	Lines       uint64 `json:"lines"`
	Bytes       uint64 `json:"bytes"`
}

// Sample is one rejected line, truncated, with where it came from and why.
type Sample struct {
	File   string `json:"file"`
	Line   uint64 `json:"line"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// TimeRange is the span of event times of the counted lines, RFC 3339 UTC.
// Both are empty when no line had a time.
type TimeRange struct {
	Start string `json:"start"`
	End   string `json:"end"`
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
// is 0. Quantiles come from a t-digest (see docs/report.md for the error).
type Latency struct {
	Count uint64  `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
}

// Endpoint is one endpoint key ("GET /api/properties/{id}").
type Endpoint struct {
	Endpoint  string  `json:"endpoint"`
	Count     uint64  `json:"count"`
	Errors5xx uint64  `json:"errors_5xx"`
	Latency   Latency `json:"latency_ms"`
}

// Count is a key with its count. Error bounds an approximate count:
// the true count lies in [Count-Error, Count]; 0 means exact.
type Count struct {
	Key   string `json:"key"`
	Count uint64 `json:"count"`
	Error uint64 `json:"error"`
}

// UserAgent is a user-agent string with its class and family.
type UserAgent struct {
	Key    string `json:"key"`
	Count  uint64 `json:"count"`
	Error  uint64 `json:"error"`
	Class  string `json:"class"`
	Family string `json:"family"`
}

// Minute is one bucket of the timeline.
type Minute struct {
	Start     string  `json:"start"`
	Requests  uint64  `json:"requests"`
	Errors5xx uint64  `json:"errors_5xx"`
	P95       float64 `json:"p95_ms"`
	AppErrors uint64  `json:"app_errors"`
}

// ReportOptions records the settings that shaped the report.
type ReportOptions struct {
	Top        int    `json:"top"`
	Exact      bool   `json:"exact"`
	Since      string `json:"since,omitempty"`
	Until      string `json:"until,omitempty"`
	Workers    int    `json:"workers"`
	WindowSecs int    `json:"window_seconds"`
}
