package incident

import "time"

// Status is an incident's state: open until the tracker resolves it.
type Status string

// Statuses, spelled as in the JSON report.
const (
	Open     Status = "open"
	Resolved Status = "resolved"
)

// Incident is one problem: a run of windows of one kind and subject,
// classified by the runbook's P1–P4. Times are UTC; a renderer formats
// them.
type Incident struct {
	// ID is assigned when the incident opens and never changes: a hash of
	// kind, subject and start, so that the same incident found again (a
	// replay, another worker count) keeps it.
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Kind     Kind     `json:"kind"`
	// Subject is what the incident is about: an endpoint key, a client
	// IP, a user, or "*" for the whole service.
	Subject string `json:"subject"`
	Status  Status `json:"status"`
	// Start and End bound the windows of the incident: [Start, End).
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Peak      Peak      `json:"peak"`
	Threshold float64   `json:"threshold"`
	Summary   string    `json:"summary"`
	Evidence  Evidence  `json:"evidence"`
	Runbook   Runbook   `json:"runbook"`
	// SupersededBy is set only on the last event of a superseded incident:
	// the ID of the service-wide incident that covers it (see [Tracker]).
	SupersededBy string `json:"superseded_by,omitempty"`
}

// Peak is the worst value the incident's measure reached, and when.
type Peak struct {
	Value float64   `json:"value"`
	At    time.Time `json:"at"`
}

// Evidence lists what dominated the incident's windows, largest first.
type Evidence struct {
	Endpoints []Count `json:"endpoints"`
	Clients   []Count `json:"clients"`
	Status    []Count `json:"status"`
	// Metric is the evidence of an incident of a metric kind, nil for
	// the others.
	Metric *MetricEvidence `json:"metric,omitempty"`
}

// MetricEvidence is what a metric series did over an incident's windows.
type MetricEvidence struct {
	// Samples counts the series' points; Min, Mean, P95 and Max are
	// their values' (P95 the nearest rank, exact up to the windows'
	// budgets).
	Samples uint64  `json:"samples"`
	Min     float64 `json:"min"`
	Mean    float64 `json:"mean"`
	P95     float64 `json:"p95"`
	Max     float64 `json:"max"`
	// Statistic is what each window compared with the threshold ("mean",
	// "max" or "min" of its points, over Window when the rule pools
	// several windows), Direction whether crossing is "above" or
	// "below" it.
	Statistic string `json:"statistic"`
	Direction string `json:"direction"`
	// Window is the rule's rolling window ("1h"), empty for each window
	// alone.
	Window string `json:"window,omitempty"`
	// Detail is the latest point's detail: a query's text, a probe's
	// URL.
	Detail string `json:"detail,omitempty"`
	// Commands are the runbook's diagnostic commands for the kind.
	Commands []string `json:"commands,omitempty"`
}

// Count is a key with its count. Error bounds an approximate count: the
// true count lies in [Count-Error, Count]; 0 means exact.
type Count struct {
	Key   string `json:"key"`
	Count uint64 `json:"count"`
	Error uint64 `json:"error"`
}

// EventType is what happened to an incident.
type EventType string

// Event types, spelled as in analyze --follow's output.
const (
	Opened     EventType = "opened"
	Escalated  EventType = "escalated"
	Updated    EventType = "updated"
	ResolvedEv EventType = "resolved"
	Superseded EventType = "superseded"
)

// Event is one change of an incident, with the incident as it is after
// the change. Seq numbers the events of one incident from 1, so that a
// receiver can drop duplicates and reorderings.
type Event struct {
	Type     EventType `json:"event"`
	Seq      uint64    `json:"seq"`
	Incident Incident  `json:"incident"`
}
