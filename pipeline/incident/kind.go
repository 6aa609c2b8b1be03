package incident

import (
	"fmt"
	"strconv"
)

// Severity is the runbook's P1 (critical) … P4 (low). The zero value is
// not a severity.
type Severity uint8

// The runbook's severities.
const (
	P1 Severity = 1 + iota
	P2
	P3
	P4
)

var severities = [...]struct{ name, within, escalation string }{
	P1: {"Critical", "15 min", "escalate to CTO"},
	P2: {"High", "1 h", "escalate to team lead"},
	P3: {"Medium", "4 h", "no escalation"},
	P4: {"Low", "24 h", "no escalation"},
}

// String returns "P1" … "P4".
func (s Severity) String() string { return "P" + strconv.Itoa(int(s)) }

// Name is the runbook's name of s: "Critical", "High", "Medium", "Low".
func (s Severity) Name() string { return severities[s.index()].name }

// RespondWithin is the runbook's response time for s ("15 min").
func (s Severity) RespondWithin() string { return severities[s.index()].within }

// Escalation is who the runbook escalates s to ("escalate to CTO").
func (s Severity) Escalation() string { return severities[s.index()].escalation }

func (s Severity) index() Severity {
	if s < P1 || s > P4 {
		panic("BUG: severity " + strconv.Itoa(int(s)) + " out of P1..P4")
	}
	return s
}

// MarshalText writes "P1" … "P4".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "P1" … "P4".
func (s *Severity) UnmarshalText(b []byte) error {
	if len(b) == 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '4' {
		*s = Severity(b[1] - '0')
		return nil
	}
	return fmt.Errorf("cannot parse severity %q: want P1, P2, P3 or P4", b)
}

// Kind is what an incident is about, spelled as in the JSON report.
type Kind string

// Kinds of incident, in the runbook's order of precedence.
const (
	Outage          Kind = "outage"
	PaymentFailures Kind = "payment_failures"
	Attack          Kind = "attack"
	Exfiltration    Kind = "exfiltration"
	ErrorRate       Kind = "error_rate"
	Latency         Kind = "latency"
	AuthFailures    Kind = "auth_failures"
	ErrorBurst      Kind = "error_burst"
	NotFoundSpike   Kind = "not_found_spike"
	BotSurge        Kind = "bot_surge"
)

// SubjectAll is the subject of service-wide incidents.
const SubjectAll = "*"

type kindInfo struct {
	rank    int
	section string
	impact  string
	// subsumes names the kind this one hides at the same severity.
	subsumes Kind
}

var kinds = map[Kind]kindInfo{
	Outage:          {0, "Service Outage", "the service is down for most users", ""},
	PaymentFailures: {1, "Payment Failures", "customers cannot pay", ""},
	Attack:          {2, "Suspected Attack", "accounts are at risk of takeover", ""},
	Exfiltration:    {3, "Data Breach Suspicion", "data may be leaving in bulk", ""},
	ErrorRate:       {4, "High Error Rate", "a share of requests fail", ErrorBurst},
	Latency:         {5, "High Response Times", "requests are slow", ""},
	AuthFailures:    {6, "Authentication Issues", "users cannot log in", ""},
	ErrorBurst:      {7, "Error Burst", "errors rose above normal", ""},
	NotFoundSpike:   {8, "404 Spike", "many requests hit missing pages (broken links or scanning)", ""},
	BotSurge:        {9, "Bot Surge", "crawlers add load", ""},
}

func (k Kind) info() kindInfo {
	info, ok := kinds[k]
	if !ok {
		panic("BUG: unknown incident kind " + strconv.Quote(string(k)))
	}
	return info
}

// Rank orders kinds by the runbook's precedence (outage first).
func (k Kind) Rank() int { return k.info().rank }

// Impact says what users feel during an incident of kind k.
func (k Kind) Impact() string { return k.info().impact }

// Outranks reports whether an incident of kind k at severity s hides one
// of kind o at severity t over the same windows: a higher severity of
// another kind, or the same severity of a kind k subsumes.
func (k Kind) Outranks(s Severity, o Kind, t Severity) bool {
	return k != o && (s < t || (s == t && k.info().subsumes == o))
}

// Runbook is the response the runbook prescribes for an incident.
type Runbook struct {
	Section       string `json:"section"`
	RespondWithin string `json:"respond_within"`
	Escalation    string `json:"escalation"`
}

// RunbookOf returns the runbook's response to an incident of kind k at
// severity s.
func RunbookOf(k Kind, s Severity) Runbook {
	section := k.info().section
	if k == Latency && s == P2 {
		section += " (P2)"
	}
	return Runbook{Section: section, RespondWithin: s.RespondWithin(), Escalation: s.Escalation()}
}
