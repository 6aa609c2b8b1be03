package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// severityNames are the runbook's names of P1 … P4.
var severityNames = map[string]string{"P1": "Critical", "P2": "High", "P3": "Medium", "P4": "Low"}

// impacts says, per incident kind, what users feel.
var impacts = map[string]string{
	"outage":           "the service is down for most users",
	"payment_failures": "customers cannot pay",
	"attack":           "accounts are at risk of takeover",
	"exfiltration":     "data may be leaving in bulk",
	"error_rate":       "a share of requests fail",
	"latency":          "requests are slow",
	"auth_failures":    "users cannot log in",
	"error_burst":      "errors rose above normal",
	"not_found_spike":  "many requests hit missing pages (broken links or scanning)",
	"bot_surge":        "crawlers add load",
}

// WriteNotification writes each incident of r in the runbook's internal
// notification template ("INCIDENT ALERT", Severity, Started, Status,
// Issue, Impact, then the runbook's response), blocks separated by a blank
// line. It writes nothing when r has no incident, so that its output can
// be piped to a pager or mail command as it is.
func WriteNotification(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for i := range r.Incidents {
		in := &r.Incidents[i]
		if i > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "INCIDENT ALERT\nSeverity: %s %s\nStarted: %s\nStatus: %s\nIssue: %s\nImpact: %s\n",
			in.Severity, severityNames[in.Severity], humanTime(in.Start), status(in, r.TimeRange.End),
			issue(in), impact(in))
		fmt.Fprintf(bw, "Runbook: %s; respond within %s, %s\nIncident: %s\n",
			in.Runbook.Section, in.Runbook.RespondWithin, in.Runbook.Escalation, in.ID)
	}
	return bw.Flush()
}

// status says whether the incident was still on when the log ended.
func status(in *Incident, logEnd string) string {
	start, err1 := time.Parse(time.RFC3339, in.Start)
	end, err2 := time.Parse(time.RFC3339, in.End)
	if err1 != nil || err2 != nil {
		return "unknown"
	}
	if last, err := time.Parse(time.RFC3339, logEnd); err == nil && end.After(last) {
		return "ongoing at the end of the log (" + humanTime(logEnd) + ")"
	}
	return fmt.Sprintf("resolved at %s, after %s", humanTime(in.End), duration(end.Sub(start)))
}

func issue(in *Incident) string {
	subject := in.Subject
	if subject == "*" {
		subject = "whole service"
	}
	return in.Kind + " (" + subject + "): " + in.Summary
}

// impact is the kind's impact followed by what dominated the incident.
func impact(in *Incident) string {
	parts := []string{impacts[in.Kind]}
	if parts[0] == "" {
		parts[0] = in.Kind
	}
	for _, l := range []struct {
		title string
		cs    []Count
	}{{"endpoints", in.Evidence.Endpoints}, {"clients", in.Evidence.Clients}, {"status", in.Evidence.Status}} {
		if len(l.cs) == 0 {
			continue
		}
		items := make([]string, 0, 3)
		for _, c := range l.cs[:min(3, len(l.cs))] {
			items = append(items, c.Key+" ("+approx(c.Count, c.Error)+")")
		}
		parts = append(parts, l.title+" "+strings.Join(items, ", "))
	}
	return strings.Join(parts, "; ")
}

// humanTime turns an RFC 3339 time into "2026-03-01 03:12 UTC".
func humanTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 MST")
}
