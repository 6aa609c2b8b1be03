package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxTimelineRows bounds the text timeline; longer logs are shown in
// coarser buckets (the JSON keeps every minute).
const maxTimelineRows = 48

// WriteText writes r for people: a summary, then one section per question
// the runbook asks.
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
		plural(in.Lines, "line"), plural(uint64(len(in.Files)), "file"), bytesHuman(in.Bytes), in.Format)
	t.printf("  parsed %s, malformed %s, too long %s", num(in.Parsed), num(in.Malformed), num(in.TooLong))
	if in.Filtered > 0 {
		t.printf(", outside the time filter %s", num(in.Filtered))
	}
	t.printf("\n")
	if r.TimeRange.Start != "" {
		t.printf("  time range %s to %s (%s)\n", r.TimeRange.Start, r.TimeRange.End, span(r.TimeRange))
	}
	if r.Options.Since != "" || r.Options.Until != "" {
		t.printf("  time filter %s to %s\n", orDash(r.Options.Since), orDash(r.Options.Until))
	}
}

func (t *textWriter) requests(r *Report) {
	q := &r.Requests
	t.section(fmt.Sprintf("REQUESTS %s, 5xx %s (%s)", num(q.Total), num(q.Errors5xx), pct(q.ErrorRate)))
	codes := make([]string, 0, len(q.Status))
	for c := range q.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	rows := [][]string{{"status", "count", "share"}}
	for _, c := range codes {
		rows = append(rows, []string{c, num(q.Status[c]), pct(ratio(q.Status[c], q.Total))})
	}
	if len(codes) > 0 {
		t.table(rows)
	}
	if r.AppErrors > 0 {
		t.printf("  application error lines: %s\n", num(r.AppErrors))
	}
}

// latencyCells formats p50, p90, p95, p99, p99.9 and max with format, or
// "-" for each when there are no durations.
func latencyCells(format func(float64) string, l Latency) []string {
	if l.Count == 0 {
		return []string{"-", "-", "-", "-", "-", "-"}
	}
	return []string{format(l.P50), format(l.P90), format(l.P95), format(l.P99), format(l.P999), format(l.Max)}
}

func (t *textWriter) latency(r *Report) {
	l := r.Latency
	if l.Count == 0 {
		t.section("LATENCY: no durations in the input")
		return
	}
	t.section(fmt.Sprintf("LATENCY (ms) over %s requests, mean %s", num(l.Count), ms(l.Mean)))
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
			parts = append(parts, fmt.Sprintf("%s %s (%s)", c.Key, num(c.Count), pct(ratio(c.Count, r.Requests.Total))))
		}
		t.printf("  by class: %s\n", strings.Join(parts, ", "))
	}
	if len(r.UserAgents) == 0 {
		return
	}
	rows := [][]string{{"user agent", "count", "class", "family"}}
	for _, u := range r.UserAgents {
		rows = append(rows, []string{clip(u.Key, 70), approx(u.Count, u.Error), u.Class, u.Family})
	}
	t.table(rows)
}

func (t *textWriter) timeline(r *Report) {
	if len(r.Timeline) == 0 {
		return
	}
	rows, step := rebin(r.Timeline)
	title := "TIMELINE per minute"
	header := "p95 ms"
	if step > 1 {
		title = fmt.Sprintf("TIMELINE per %s (JSON has every minute)", duration(time.Duration(step)*time.Minute))
		header = "max minute p95 ms"
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
		row := []string{m.Start, num(m.Requests), num(m.Errors5xx), p95}
		if r.AppErrors > 0 {
			row = append(row, num(m.AppErrors))
		}
		table = append(table, row)
	}
	t.table(table)
}

// rebin merges consecutive minutes so that at most maxTimelineRows rows
// remain, with a step of 1, 5, 15, 60 minutes or a multiple of a day.
func rebin(ms []Minute) ([]Minute, int) {
	first, err1 := time.Parse(time.RFC3339, ms[0].Start)
	last, err2 := time.Parse(time.RFC3339, ms[len(ms)-1].Start)
	if err1 != nil || err2 != nil {
		return ms, 1
	}
	minutes := int(last.Sub(first)/time.Minute) + 1
	step := 1
	for _, s := range []int{1, 5, 15, 60, 360, 1440} {
		step = s
		if minutes/s < maxTimelineRows {
			break
		}
	}
	for minutes/step >= maxTimelineRows {
		step += 1440
	}
	if step == 1 {
		return ms, 1
	}
	var out []Minute
	var bucket time.Time
	for _, m := range ms {
		at, err := time.Parse(time.RFC3339, m.Start)
		if err != nil {
			return ms, 1
		}
		b := at.Truncate(time.Duration(step) * time.Minute)
		if len(out) == 0 || !b.Equal(bucket) {
			bucket = b
			out = append(out, Minute{Start: b.Format(time.RFC3339)})
		}
		o := &out[len(out)-1]
		o.Requests += m.Requests
		o.Errors5xx += m.Errors5xx
		o.AppErrors += m.AppErrors
		o.P95 = max(o.P95, m.P95)
	}
	return out, step
}

func (t *textWriter) incidents(r *Report) {
	t.section(fmt.Sprintf("INCIDENTS %d", len(r.Incidents)))
	if len(r.Incidents) == 0 {
		t.printf("  none\n")
		return
	}
	rows := [][]string{{"sev", "kind", "subject", "start", "end", "summary"}}
	for _, in := range r.Incidents {
		rows = append(rows, []string{in.Severity, in.Kind, clip(in.Subject, 40), in.Start, in.End, in.Summary})
	}
	t.table(rows)
	for _, in := range r.Incidents {
		t.printf("  %s %s: %s; respond within %s, %s\n", in.Severity, in.ID, in.Runbook.Section, in.Runbook.RespondWithin, in.Runbook.Escalation)
	}
}

func (t *textWriter) malformed(r *Report) {
	in := &r.Input
	if in.Malformed == 0 && in.TooLong == 0 {
		return
	}
	t.section("REJECTED LINES")
	for _, c := range in.MalformedReasons {
		t.printf("  %s: %s\n", c.Key, num(c.Count))
	}
	for _, s := range in.MalformedSamples {
		t.printf("  %s:%d: %s: %s\n", s.File, s.Line, s.Reason, strconv.Quote(s.Text))
	}
}

func uniqueIPs(r *Report) string {
	if r.UniqueIPsExact {
		return num(r.UniqueIPs)
	}
	return "~" + num(r.UniqueIPs) + " (HyperLogLog estimate, about 0.8% standard error)"
}

func num(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func approx(n, errBound uint64) string {
	if errBound == 0 {
		return num(n)
	}
	return num(n) + " ±" + num(errBound)
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 2, 64) + "%" }

func ms(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func plural(n uint64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return num(n) + " " + word + "s"
}

func bytesHuman(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + " B"
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return strconv.FormatFloat(float64(n)/float64(div), 'f', 1, 64) + " " + string("KMGTPE"[exp]) + "iB"
}

func span(tr TimeRange) string {
	a, err1 := time.Parse(time.RFC3339, tr.Start)
	b, err2 := time.Parse(time.RFC3339, tr.End)
	if err1 != nil || err2 != nil {
		return "?"
	}
	return duration(b.Sub(a))
}

// duration formats d as days, hours, minutes and seconds, omitting zero
// trailing units: "3d11h0m59s", "6h", "15m".
func duration(d time.Duration) string {
	if d < time.Minute {
		return d.String()
	}
	var b strings.Builder
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	rest := d.Truncate(time.Second)
	for _, u := range units {
		if rest == 0 {
			break
		}
		if n := rest / u.d; n > 0 || b.Len() > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			rest -= n * u.d
		}
	}
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
