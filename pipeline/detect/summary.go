package detect

import (
	"fmt"
	"strconv"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// Summaries: one line a person can read, with the numbers that matter,
// from the sums the incident accumulated over its windows.

func describeFailures(e *Engine, tr *track) string {
	c := tr.acc.errors
	return fmt.Sprintf("5xx on %s of %s requests %s", pct(c.ratio()), num(c.total), e.between(tr))
}

func describeCollapse(e *Engine, tr *track) string {
	return fmt.Sprintf("traffic fell %s below its baseline of %s requests per window: %s requests %s",
		pct(tr.peak.value), num(uint64(tr.peak.base)), num(tr.acc.errors.total), e.between(tr))
}

func describeErrorRate(e *Engine, tr *track) string {
	c := tr.acc.errors
	return fmt.Sprintf("5xx on %s of %s requests %s (peak %s)", pct(c.ratio()), num(c.total), e.between(tr), pct(tr.peak.value))
}

func describeAuthFailures(e *Engine, tr *track) string {
	c := tr.acc.logins
	return fmt.Sprintf("%s of %s logins failed (%s) %s, from at least %d clients",
		num(c.bad), num(c.total), pct(c.ratio()), e.between(tr), tr.acc.authClients)
}

func describePayments(e *Engine, tr *track) string {
	c := tr.acc.failures
	return fmt.Sprintf("%s succeeded for %s of %s requests %s", tr.key.subject, pct(1-c.ratio()), num(c.total), e.between(tr))
}

func describeLatency(e *Engine, tr *track) string {
	l := e.rules.Latency
	lv, above := 1, l.Warn.Above
	if tr.tier.sev <= incident.P2 {
		lv, above = 0, l.Alert.Above
	}
	c, what := tr.acc.slow[lv], "requests"
	if tr.key.subject != incident.SubjectAll {
		c, what = tr.acc.subSlow[lv], "requests to "+tr.key.subject
	}
	return fmt.Sprintf("p%g above %s: %s of %s %s took longer %s",
		l.Percentile, above, num(c.bad), num(c.total), what, e.between(tr))
}

func describeAttack(e *Engine, tr *track) string {
	return fmt.Sprintf("%s made %s failed auth requests (401/403/429) %s", tr.key.subject, num(tr.acc.top[0]), e.between(tr))
}

func describeExfiltration(e *Engine, tr *track) string {
	who, n := "user "+tr.key.subject, tr.acc.top[1]
	if n == 0 {
		who, n = "client "+tr.key.subject, tr.acc.top[2]
	}
	return fmt.Sprintf("%s made %s export requests %s (peak %s in one window, limit %s)",
		who, num(n), e.between(tr), num(uint64(tr.peak.value)), num(uint64(tr.peak.base)))
}

func describeBurst(e *Engine, tr *track) string {
	for b, r := range bursts {
		if r.kind == tr.key.kind {
			return fmt.Sprintf("%s rose to %s of requests (%s before) %s: %s in all",
				r.what, pct(tr.peak.value), pct(tr.peak.base), e.between(tr), num(tr.acc.burst[b]))
		}
	}
	panic("BUG: no burst rule for " + string(tr.key.kind))
}

// between formats the incident's span in UTC: "between 03:12 and 03:19",
// with the date of the end when it differs from the start's.
func (e *Engine) between(tr *track) string {
	start, end := e.startOf(tr.first).UTC(), e.startOf(tr.end).UTC()
	layout := "15:04"
	if start.YearDay() != end.YearDay() || start.Year() != end.Year() {
		layout = "2006-01-02 15:04"
	}
	return "between " + start.Format("15:04") + " and " + end.Format(layout)
}

// num formats n with thousands separators: 4,212.
func num(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// pct formats a ratio as a percentage with one decimal: 12.5%.
func pct(r float64) string {
	return strconv.FormatFloat(r*100, 'f', 1, 64) + "%"
}
