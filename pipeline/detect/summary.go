package pipeline

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vigil-ops/vigil/sketches/topk"
)

// Summaries: one line a person can read, with the numbers that matter.

func describeFailures(d *detection, in *incident) string {
	c := d.sum(in, func(w *Window) tally { return tally{w.Status[5], w.Requests} })
	return fmt.Sprintf("5xx on %s of %s requests %s", pct(c.ratio()), num(c.total), d.between(in))
}

func describeCollapse(d *detection, in *incident) string {
	c := d.sum(in, func(w *Window) tally { return tally{0, w.Requests} })
	return fmt.Sprintf("traffic fell %s below its baseline of %s requests per window: %s requests %s",
		pct(in.peak.value), num(uint64(in.peak.base)), num(c.total), d.between(in))
}

func describeErrorRate(d *detection, in *incident) string {
	c := d.sum(in, func(w *Window) tally { return tally{w.Status[5], w.Requests} })
	return fmt.Sprintf("5xx on %s of %s requests %s (peak %s)", pct(c.ratio()), num(c.total), d.between(in), pct(in.peak.value))
}

func describeAuthFailures(d *detection, in *incident) string {
	c := d.sum(in, func(w *Window) tally { return tally{w.LoginFailures, w.Logins} })
	clients := 0
	for _, w := range d.t.windows[in.first : in.last+1] {
		clients = max(clients, len(d.top(w.AuthFailureClients)))
	}
	return fmt.Sprintf("%s of %s logins failed (%s) %s, from at least %d clients",
		num(c.bad), num(c.total), pct(c.ratio()), d.between(in), clients)
}

// sum adds measure over the incident's windows.
func (d *detection) sum(in *incident, measure func(w *Window) tally) tally {
	var c tally
	for _, w := range d.t.windows[in.first : in.last+1] {
		m := measure(w)
		c.bad += m.bad
		c.total += m.total
	}
	return c
}

// sumTop adds the subject's lower-bound counts in the heavy hitters that
// pick selects over the incident's windows.
func (d *detection) sumTop(in *incident, pick func(w *Window) *topk.TopK) uint64 {
	var n uint64
	for _, w := range d.t.windows[in.first : in.last+1] {
		for _, it := range d.top(pick(w)) {
			if it.Key == in.subject {
				n += it.Count - it.Err
			}
		}
	}
	return n
}

// between formats the incident's span in UTC: "between 03:12 and 03:19",
// with the date of the end when it differs from the start's.
func (d *detection) between(in *incident) string {
	start := time.Unix(0, d.t.at(in.first)).UTC()
	end := time.Unix(0, d.t.at(in.last+1)).UTC()
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
