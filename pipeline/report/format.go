package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// This file holds what the renderings for people (text, notification,
// HTML) share: number, time and duration formats and the order of
// incidents.

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

// latencyCells formats p50, p90, p95, p99, p99.9 and max with format, or
// "-" for each when there are no durations.
func latencyCells(format func(float64) string, l Latency) []string {
	if l.Count == 0 {
		return []string{"-", "-", "-", "-", "-", "-"}
	}
	return []string{format(l.P50), format(l.P90), format(l.P95), format(l.P99), format(l.P999), format(l.Max)}
}

// latencyMethod says how the run-wide percentiles were computed.
func latencyMethod(r *Report) string {
	if r.Exact.Latency {
		return "exact"
	}
	return "estimated, within 0.4 %"
}

func uniqueIPs(r *Report) string {
	if r.UniqueIPsExact {
		return num(r.UniqueIPs)
	}
	return "~" + num(r.UniqueIPs) + " (HyperLogLog estimate, about 0.8% standard error)"
}

// stamp formats t as the JSON report does (RFC 3339 in UTC, a fraction
// only when t has one), or "-" when t is zero.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// humanTime formats t to the minute for a message: "2026-03-01 03:12 UTC",
// or "-" when t is zero.
func humanTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 MST")
}

func span(tr TimeRange) string {
	if tr.Start.IsZero() || tr.End.IsZero() {
		return "?"
	}
	d := tr.End.Sub(tr.Start)
	if d == math.MaxInt64 {
		// Sub saturates past 292 years: count whole days from seconds.
		secs := tr.End.Unix() - tr.Start.Unix()
		days := strconv.FormatInt(secs/86400, 10) + "d"
		if rest := time.Duration(secs%86400) * time.Second; rest > 0 {
			return days + duration(rest)
		}
		return days
	}
	return duration(d)
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

// stepName names a timeline step: "minute" for a minute, else its
// duration ("10s", "5m").
func stepName(d time.Duration) string {
	if d == time.Minute {
		return "minute"
	}
	return duration(d)
}

// openFirst returns the incidents still open at the end of the input
// before the resolved ones, each group in the report's order (severity,
// then start, kind and subject). It does not modify incs.
func openFirst(incs []incident.Incident) []incident.Incident {
	out := slices.Clone(incs)
	slices.SortStableFunc(out, func(a, b incident.Incident) int {
		return cmp.Compare(rankStatus(a.Status), rankStatus(b.Status))
	})
	return out
}

func rankStatus(s incident.Status) int {
	if s == incident.Open {
		return 0
	}
	return 1
}

// runbook is the runbook's response to in, from the one table of them.
func runbook(in *incident.Incident) incident.Runbook {
	return incident.RunbookOf(in.Kind, in.Severity)
}

// fileError is what the renderings say of a file whose reading stopped
// early.
func fileError(f *File) string {
	return Visible(f.Error) + "; the lines before it are counted"
}

// value formats a metric value to at most 2 decimals: "87.5", "1,500.5".
func value(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	if n, err := strconv.ParseUint(strings.TrimPrefix(whole, "-"), 10, 64); err == nil {
		whole = num(n)
		if neg {
			whole = "-" + whole
		}
	}
	if frac != "" {
		return whole + "." + frac
	}
	return whole
}

// threshold formats a metric series' rule: "> 85 (mean)", "< 99.9 (mean
// 1h)" over a rolling window, or "-" without one.
func threshold(m *MetricSeries) string {
	stat := m.Statistic
	if m.Window > 0 {
		stat += " " + duration(m.Window)
	}
	switch m.Direction {
	case "above":
		return "> " + value(m.Threshold) + " (" + stat + ")"
	case "below":
		return "< " + value(m.Threshold) + " (" + stat + ")"
	}
	return "-"
}

// crossing formats the time a metric series crossed its threshold: "6m",
// "0s", or "-" without a rule.
func crossing(m *MetricSeries) string {
	if m.Direction == "" {
		return "-"
	}
	return duration(m.Crossing)
}
