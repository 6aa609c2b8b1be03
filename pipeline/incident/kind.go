package incident

import (
	"fmt"
	"strconv"
	"strings"
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
	// Metric kinds: a threshold rule over a metric series (the names of
	// parsers/metrics' kinds), about a host, a database server, a query
	// or a probe.
	DBConnections  Kind = "db_connections"
	LongQuery      Kind = "long_query"
	PaymentSuccess Kind = "payment_success"
	EndpointDown   Kind = "endpoint_down"
	Uptime         Kind = "uptime"
	SlowStatement  Kind = "slow_statement"
	Memory         Kind = "memory"
	CPU            Kind = "cpu"
)

// SubjectAll is the subject of service-wide incidents.
const SubjectAll = "*"

type kindInfo struct {
	rank    int
	section string
	impact  string
	// subsumes names the kind this one hides at the same severity.
	subsumes Kind
	// metric marks a kind of metric series: it neither hides nor is
	// hidden by a kind of the logs (an outage does not explain a host's
	// memory, nor the reverse).
	metric bool
	// commands are the runbook's diagnostic commands for the kind.
	commands []string
}

// pgActivity and pgStates are the runbook's Database Issues commands;
// pgSlow lists pg_stat_statements' slowest statements (the view
// slow_statement reads).
var (
	pgActivity = "SELECT pid, now() - query_start AS duration, query FROM pg_stat_activity WHERE state != 'idle' ORDER BY duration DESC;"
	pgStates   = "SELECT count(*), state FROM pg_stat_activity GROUP BY state;"
	pgSlow     = "SELECT queryid, calls, mean_exec_time, query FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 20;"
	// memory and cpu are the runbook's High Memory/CPU Usage commands,
	// to run on the host; health are its Health Check Endpoints' smoke
	// tests, each with the answer it expects.
	memory = []string{"free -m", "ps aux --sort=-%mem | head", "top", "vmstat 1 5"}
	cpu    = []string{"top", "ps aux --sort=-%cpu | head", "vmstat 1 5", "free -m"}
	health = []string{"curl -fsS https://HOST/api/health  # ok", "curl -fsS https://HOST/api/health/database  # connected", "curl -fsS https://HOST/api/health/payments  # operational"}
)

var kinds = map[Kind]kindInfo{
	Outage:          {0, "Service Outage", "the service is down for most users", "", false, nil},
	PaymentFailures: {1, "Payment Failures", "customers cannot pay", "", false, nil},
	Attack:          {2, "Suspected Attack", "accounts are at risk of takeover", "", false, nil},
	Exfiltration:    {3, "Data Breach Suspicion", "data may be leaving in bulk", "", false, nil},
	ErrorRate:       {4, "High Error Rate", "a share of requests fail", ErrorBurst, false, nil},
	Latency:         {5, "High Response Times", "requests are slow", "", false, nil},
	AuthFailures:    {6, "Authentication Issues", "users cannot log in", "", false, nil},
	ErrorBurst:      {7, "Error Burst", "errors rose above normal", "", false, nil},
	NotFoundSpike:   {8, "404 Spike", "many requests hit missing pages (broken links or scanning)", "", false, nil},
	BotSurge:        {9, "Bot Surge", "crawlers add load", "", false, nil},
	DBConnections:   {10, "Database Issues", "the database is running out of connections", "", true, []string{pgStates, pgActivity}},
	LongQuery:       {11, "Database Issues", "a query holds the database for minutes", "", true, []string{pgActivity, pgStates}},
	PaymentSuccess:  {12, "Payment Failures", "customers cannot pay", "", true, nil},
	EndpointDown:    {13, "Health Check Endpoints", "a health check fails", "", true, health},
	Uptime:          {14, "Service Outage", "the service was up less than its objective", "", true, health},
	SlowStatement:   {15, "Database Issues", "a statement is slow on average", "", true, []string{pgSlow, pgActivity}},
	Memory:          {16, "High Memory/CPU Usage", "a host is short of memory", "", true, memory},
	CPU:             {17, "High Memory/CPU Usage", "a host is short of CPU", "", true, cpu},
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
// another kind, or the same severity of a kind k subsumes. Metric kinds
// neither hide nor are hidden.
func (k Kind) Outranks(s Severity, o Kind, t Severity) bool {
	if k.info().metric || o.info().metric {
		return false
	}
	return k != o && (s < t || (s == t && k.info().subsumes == o))
}

// Metric reports whether k is a kind of metric series.
func (k Kind) Metric() bool { return k.info().metric }

// Commands returns the runbook's diagnostic commands for an incident of
// kind k (nil for none); the caller must not modify them.
func (k Kind) Commands() []string { return k.info().commands }

// CommandsFor returns the commands for an incident of kind k whose
// series' latest detail is detail: for a failing health check or uptime
// with the checked URL as detail, a curl of that URL (status, time and
// the body's start) comes before the runbook's smoke tests.
func (k Kind) CommandsFor(detail string) []string {
	cmds := k.Commands()
	if (k != EndpointDown && k != Uptime) || !checkable(detail) {
		return cmds
	}
	curl := "curl -sS -m 10 -w '\\n%{http_code} %{time_total}s\\n' '" + detail + "' | tail -c 300"
	return append([]string{curl}, cmds...)
}

// checkable reports whether detail is an http(s) URL that can be quoted
// in single quotes for a shell: no quote, no space, no control byte.
func checkable(detail string) bool {
	if !strings.HasPrefix(detail, "http://") && !strings.HasPrefix(detail, "https://") {
		return false
	}
	for i := 0; i < len(detail); i++ {
		if c := detail[i]; c <= ' ' || c == '\'' || c == 0x7f {
			return false
		}
	}
	return true
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
