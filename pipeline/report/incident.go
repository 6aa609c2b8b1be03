package report

// Incident is one detected problem: consecutive windows of the same kind
// and subject merged into one event, classified by the runbook's P1–P4.
type Incident struct {
	// ID is a stable hash of kind, subject and start.
	ID       string `json:"id"`
	Severity string `json:"severity"` // "P1" … "P4"
	Kind     string `json:"kind"`
	// Subject is what the incident is about: an endpoint key, a client
	// IP, a user, or "*" for the whole service.
	Subject   string   `json:"subject"`
	Start     string   `json:"start"`
	End       string   `json:"end"`
	Peak      Peak     `json:"peak"`
	Threshold float64  `json:"threshold"`
	Summary   string   `json:"summary"`
	Evidence  Evidence `json:"evidence"`
	Runbook   Runbook  `json:"runbook"`
}

// Peak is the worst value the incident's measure reached, and when.
type Peak struct {
	Value float64 `json:"value"`
	At    string  `json:"at"`
}

// Evidence lists what dominated the incident's windows.
type Evidence struct {
	Endpoints []Count `json:"endpoints"`
	Clients   []Count `json:"clients"`
	Status    []Count `json:"status"`
}

// Runbook is the response the runbook prescribes for an incident.
type Runbook struct {
	Section       string `json:"section"`
	RespondWithin string `json:"respond_within"`
	Escalation    string `json:"escalation"`
}
