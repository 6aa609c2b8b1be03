package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// WriteNotification writes each incident of r in the runbook's internal
// notification template ("INCIDENT ALERT", Severity, Started, Status,
// Issue, Impact, then the runbook's response), blocks separated by a blank
// line, the incidents still open first. It writes nothing when r has no
// incident, so that its output can be piped to a pager or mail command as
// it is. Every string from the input is passed through [Visible].
func WriteNotification(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for i, in := range openFirst(r.Incidents) {
		if i > 0 {
			bw.WriteString("\n")
		}
		rb := runbook(&in)
		fmt.Fprintf(bw, "INCIDENT ALERT\nSeverity: %s %s\nStarted: %s\nStatus: %s\nIssue: %s\nImpact: %s\n",
			in.Severity, in.Severity.Name(), humanTime(in.Start), status(&in, r),
			issue(&in), impact(&in))
		fmt.Fprintf(bw, "Runbook: %s; respond within %s, %s\nIncident: %s\n",
			rb.Section, rb.RespondWithin, rb.Escalation, Visible(in.ID))
	}
	return bw.Flush()
}

// status says whether the incident was still open when the input ended,
// as the incident tracker decided.
func status(in *incident.Incident, r *Report) string {
	switch in.Status {
	case incident.Open:
		if end := r.TimeRange.End; !end.IsZero() {
			return "ongoing at the end of the log (" + humanTime(end) + ")"
		}
		return "ongoing"
	case incident.Resolved:
		return fmt.Sprintf("resolved at %s, after %s", humanTime(in.End), duration(in.End.Sub(in.Start)))
	}
	return Visible(string(in.Status))
}

func issue(in *incident.Incident) string {
	subject := Visible(in.Subject)
	if in.Subject == incident.SubjectAll {
		subject = "whole service"
	}
	return Visible(string(in.Kind)) + " (" + subject + "): " + Visible(in.Summary)
}

// impact is the kind's impact followed by what dominated the incident.
func impact(in *incident.Incident) string {
	parts := []string{in.Kind.Impact()}
	for _, l := range []struct {
		title string
		cs    []Count
	}{{"endpoints", in.Evidence.Endpoints}, {"clients", in.Evidence.Clients}, {"status", in.Evidence.Status}} {
		if len(l.cs) == 0 {
			continue
		}
		items := make([]string, 0, 3)
		for _, c := range l.cs[:min(3, len(l.cs))] {
			items = append(items, Visible(c.Key)+" ("+approx(c.Count, c.Error)+")")
		}
		parts = append(parts, l.title+" "+strings.Join(items, ", "))
	}
	return strings.Join(parts, "; ")
}
