package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteText writes r for people: a summary, then one section per question
// the runbook asks. Every string from the input is passed through
// [Visible], so the output holds no control character but newlines.
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw}
	t.input(r)
	t.requests(r)
	t.latency(r)
	t.endpoints(r)
	t.counts("TOP CLIENT IPS", r.TopIPs, "unique client IPs: "+uniqueIPs(r))
	t.counts("AUTH FAILURES (401/403/429) BY CLIENT IP", r.TopAuthFailureIPs, "")
	if len(r.TopUsers) > 0 {
		t.counts("TOP USERS", r.TopUsers, "")
	}
	t.userAgents(r)
	t.timeline(r)
	t.metrics(r)
	t.incidents(r)
	t.malformed(r)
	if t.err != nil {
		return t.err
	}
	return bw.Flush()
}

type textWriter struct {
	w   *bufio.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// table writes rows in aligned columns, two spaces apart: numeric columns
// right-aligned, the others left-aligned. Widths count runes. The first row
// is the header.
func (t *textWriter) table(rows [][]string) {
	var widths []int
	var right []bool
	for r, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
				right = append(right, i > 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
			if r > 0 && !numeric(cell) {
				right[i] = false
			}
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			b.WriteString("  ")
			if right[i] {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		t.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}

// numeric reports whether cell is a number as this file formats them
// ("1,044", "12.5", "0.03%", "5 ±2") or "-".
func numeric(cell string) bool {
	return cell != "" && strings.Trim(cell, "0123456789,.%± -") == ""
}

func (t *textWriter) section(title string) {
	t.printf("\n%s\n", title)
}

func (t *textWriter) input(r *Report) {
	in := &r.Input
	t.printf("vigil report: %s from %s (%s), format %s\n",
		plural(in.Lines, "line"), plural(uint64(len(in.Files)), "file"), bytesHuman(in.Bytes), Visible(in.Format))
	t.printf("  parsed %s, malformed %s, too long %s", num(in.Parsed), num(in.Malformed), num(in.TooLong))
	if in.Filtered > 0 {
		t.printf(", outside the time filter %s", num(in.Filtered))
	}
	if in.Directives > 0 {
		t.printf(", directives %s", num(in.Directives))
	}
	if in.Continuations > 0 {
		t.printf(", continuation lines (stack traces, app logs' blank lines) %s", num(in.Continuations))
	}
	t.printf("\n")
	t.formats(in.Files)
	if in.Late > 0 {
		t.printf("  late (older than their window's close) %s: in every total, in no timeline row or incident\n", num(in.Late))
	}
	for i := range in.Files {
		f := &in.Files[i]
		if f.Error != "" {
			t.printf("  ERROR %s: %s\n", Visible(f.Path), fileError(f))
		}
		for _, w := range f.Warnings {
			// A format's warning names the file already (for stderr).
			w = strings.TrimPrefix(w, f.Path+": ")
			t.printf("  WARNING %s: %s\n", Visible(f.Path), Visible(w))
		}
	}
	if !r.TimeRange.Start.IsZero() {
		t.printf("  time range %s to %s (%s)\n", stamp(r.TimeRange.Start), stamp(r.TimeRange.End), span(r.TimeRange))
	}
	if o := &r.Options; !o.Since.IsZero() || !o.Until.IsZero() {
		t.printf("  time filter %s to %s\n", stamp(o.Since), stamp(o.Until))
	}
}

// maxFormatRows bounds the rows that say how each input's format was
// chosen; -o json has every file's.
const maxFormatRows = 8

// formats writes, per input, its format and how it was chosen (detected
// from how many sample lines, or given): one row for the files that share
// both, so rotated logs of one format take one row.
func (t *textWriter) formats(files []File) {
	type group struct {
		format, detection string
		paths             []string
	}
	var groups []group
	for i := range files {
		f := &files[i]
		if f.Format == "" {
			continue
		}
		j := slices.IndexFunc(groups, func(g group) bool { return g.format == f.Format && g.detection == f.Detection })
		if j < 0 {
			j = len(groups)
			groups = append(groups, group{format: f.Format, detection: f.Detection})
		}
		groups[j].paths = append(groups[j].paths, f.Path)
	}
	for i, g := range groups {
		if i == maxFormatRows-1 && len(groups) > maxFormatRows {
			rest := 0
			for _, g := range groups[i:] {
				rest += len(g.paths)
			}
			t.printf("  formats of the other %s in -o json (input.files[].detection)\n", plural(uint64(rest), "file"))
			return
		}
		how := ""
		if g.detection != "" {
			how = ", " + Visible(g.detection)
		}
		t.printf("  format %s%s: %s\n", Visible(g.format), how, pathList(g.paths, 3))
	}
}

// pathList names up to n of paths, then how many more there are.
func pathList(paths []string, n int) string {
	shown := make([]string, 0, n)
	for _, p := range paths[:min(len(paths), n)] {
		shown = append(shown, Visible(p))
	}
	s := strings.Join(shown, ", ")
	if len(paths) > n {
		s += fmt.Sprintf(" and %s more", num(uint64(len(paths)-n)))
	}
	return s
}

func (t *textWriter) requests(r *Report) {
	q := &r.Requests
	k := r.Input.Kinds
	if k.HTTP == 0 && k.App > 0 {
		t.section(fmt.Sprintf("REQUESTS 0: an application log (%s, %s at level error or worse)", plural(k.App, "application line"), num(r.AppErrors)))
		t.tcp(k)
		return
	}
	t.section(fmt.Sprintf("REQUESTS %s, 5xx %s (%s)", num(q.Total), num(q.Errors5xx), pct(q.ErrorRate)))
	codes := make([]string, 0, len(q.Status))
	for c := range q.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	rows := [][]string{{"status", "count", "share"}}
	for _, c := range codes {
		rows = append(rows, []string{Visible(c), num(q.Status[c]), pct(ratio(q.Status[c], q.Total))})
	}
	if len(codes) > 0 {
		t.table(rows)
	}
	if r.AppErrors > 0 {
		t.printf("  application error lines: %s\n", num(r.AppErrors))
	}
	t.tcp(k)
}

// tcp says how many lines were TCP proxy connections, which no figure of
// the report counts: a database connection's minutes are no latency.
func (t *textWriter) tcp(k Kinds) {
	if k.TCP > 0 {
		t.printf("  %s (not HTTP requests): in no request, latency or client figure\n", plural(k.TCP, "TCP connection"))
	}
}

func (t *textWriter) latency(r *Report) {
	l := r.Latency
	if l.Count == 0 {
		t.section("LATENCY: no durations in the input")
		return
	}
	t.section(fmt.Sprintf("LATENCY (%s) in ms over %s requests, mean %s", latencyMethod(r), num(l.Count), ms(l.Mean)))
	t.table([][]string{{"p50", "p90", "p95", "p99", "p99.9", "max"}, latencyCells(ms, l)})
}

func (t *textWriter) endpoints(r *Report) {
	if len(r.Endpoints) == 0 {
		return
	}
	t.section("ENDPOINTS by requests")
	rows := [][]string{{"endpoint", "count", "5xx", "p50", "p90", "p95", "p99", "p99.9", "max"}}
	for _, e := range r.Endpoints {
		rows = append(rows, append([]string{clip(e.Endpoint, 60), num(e.Count), num(e.Errors5xx)}, latencyCells(ms, e.Latency)...))
	}
	t.table(rows)
}

func (t *textWriter) counts(title string, cs []Count, footer string) {
	t.section(title)
	if len(cs) == 0 {
		t.printf("  none\n")
	} else {
		rows := [][]string{{"key", "count"}}
		for _, c := range cs {
			rows = append(rows, []string{clip(c.Key, 60), approx(c.Count, c.Error)})
		}
		t.table(rows)
	}
	if footer != "" {
		t.printf("  %s\n", footer)
	}
}

func (t *textWriter) userAgents(r *Report) {
	t.section("USER AGENTS")
	if len(r.UserAgentClasses) > 0 {
		parts := make([]string, 0, len(r.UserAgentClasses))
		for _, c := range r.UserAgentClasses {
			parts = append(parts, fmt.Sprintf("%s %s (%s)", Visible(c.Key), num(c.Count), pct(ratio(c.Count, r.Requests.Total))))
		}
		t.printf("  by class: %s\n", strings.Join(parts, ", "))
	}
	if len(r.UserAgents) == 0 {
		if len(r.UserAgentClasses) == 0 {
			t.printf("  none\n")
		}
		return
	}
	rows := [][]string{{"user agent", "count", "class", "family"}}
	for _, u := range r.UserAgents {
		rows = append(rows, []string{clip(u.Key, 70), approx(u.Count, u.Error), Visible(u.Class), Visible(u.Family)})
	}
	t.table(rows)
}

// timeline writes r.Timeline, its rows merged into coarser ones when
// there are too many for a screen.
func (t *textWriter) timeline(r *Report) {
	if len(r.Timeline) == 0 {
		return
	}
	base := timelineStep(r)
	rows, step := rebin(r)
	title := "TIMELINE per " + stepName(base)
	header := "p95 ms"
	if step != base {
		title = fmt.Sprintf("TIMELINE per %s (JSON has every %s)", stepName(step), stepName(base))
		header = "max " + stepName(base) + " p95 ms"
	}
	t.section(title)
	table := [][]string{{"start", "requests", "5xx", header}}
	if r.AppErrors > 0 {
		table[0] = append(table[0], "app errors")
	}
	for _, m := range rows {
		p95 := "-"
		if m.P95 > 0 {
			p95 = ms(m.P95)
		}
		row := []string{stamp(m.Start), num(m.Requests), num(m.Errors5xx), p95}
		if r.AppErrors > 0 {
			row = append(row, num(m.AppErrors))
		}
		table = append(table, row)
	}
	t.table(table)
}

// incidents writes the incidents still open at the end of the input
// first, then the resolved ones.
func (t *textWriter) incidents(r *Report) {
	t.section(fmt.Sprintf("INCIDENTS %d", len(r.Incidents)))
	if len(r.Incidents) == 0 {
		t.printf("  none\n")
		return
	}
	incs := openFirst(r.Incidents)
	rows := [][]string{{"sev", "status", "kind", "subject", "start", "end", "summary"}}
	for _, in := range incs {
		rows = append(rows, []string{in.Severity.String(), Visible(string(in.Status)), Visible(string(in.Kind)),
			clip(in.Subject, 40), stamp(in.Start), stamp(in.End), Visible(in.Summary)})
	}
	t.table(rows)
	for i := range incs {
		in := &incs[i]
		rb := runbook(in)
		t.printf("  %s %s: %s; respond within %s, %s\n", in.Severity, Visible(in.ID), rb.Section, rb.RespondWithin, rb.Escalation)
		if m := in.Evidence.Metric; m != nil {
			if m.Detail != "" {
				t.printf("    detail: %s\n", clip(m.Detail, 200))
			}
			for _, c := range m.Commands {
				t.printf("    run: %s\n", Visible(c))
			}
		}
	}
}

// malformed writes the rejects by reason and the first rejected lines,
// quoted with Go escapes (which spell out the same characters as Visible).
func (t *textWriter) malformed(r *Report) {
	in := &r.Input
	if in.Malformed == 0 && in.TooLong == 0 {
		return
	}
	t.section("REJECTED LINES")
	for _, c := range in.MalformedReasons {
		t.printf("  %s: %s\n", Visible(c.Key), approx(c.Count, c.Error))
	}
	for _, s := range in.MalformedSamples {
		t.printf("  %s:%d: %s: %s\n", Visible(s.File), s.Line, Visible(s.Reason), strconv.Quote(s.Text))
	}
}

// metrics writes the metric series: their values and how long they
// crossed their rule's threshold. Nothing without metrics.
func (t *textWriter) metrics(r *Report) {
	if len(r.Metrics) == 0 {
		return
	}
	t.section(fmt.Sprintf("METRICS %d series", len(r.Metrics)))
	rows := [][]string{{"metric", "subject", "samples", "min", "mean", "p95", "max", "threshold", "crossing"}}
	for _, m := range r.Metrics {
		rows = append(rows, []string{Visible(m.Metric), clip(m.Subject, 40), num(m.Samples),
			value(m.Min), value(m.Mean), value(m.P95), value(m.Max), threshold(&m), crossing(&m)})
	}
	t.table(rows)
}
