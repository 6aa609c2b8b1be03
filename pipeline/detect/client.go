package pipeline

import (
	"fmt"

	"github.com/vigil-ops/vigil/sketches/topk"
)

// Client detectors: their subject is a client IP or a user. Counts come
// from the windows' heavy hitters, taken at their guaranteed lower bound
// (Count - Err).

// attack raises the clients with a flood of auth failures.
func (d *detection) attack() {
	r := d.rules.Attack
	if r.Off {
		return
	}
	limit := r.MinPerMinute * d.minutes
	tier := d.newTier(incidentAttack, 1, limit, r.For, describeAttack)
	for i, w := range d.t.windows {
		for _, it := range d.top(w.AuthFailureClients) {
			if n := float64(it.Count - it.Err); n >= limit {
				d.emit(tier, it.Key, hit{i: i, value: n})
			}
		}
	}
}

func describeAttack(d *detection, in *incident) string {
	n := d.sumTop(in, func(w *Window) *topk.TopK { return w.AuthFailureClients })
	return fmt.Sprintf("%s made %s failed auth requests (401/403/429) %s", in.subject, num(n), d.between(in))
}

// exfiltration raises the users (or, for requests without a user, the
// client IPs) that pull export endpoints far beyond the trailing
// baseline's heaviest exporter.
func (d *detection) exfiltration() {
	r := d.rules.Exfiltration
	if r.Off {
		return
	}
	minimum := r.MinPerMinute * d.minutes
	tier := d.newTier(incidentExfiltration, 1, minimum, r.For, describeExfiltration)
	users := d.topCounts(func(w *Window) *topk.TopK { return w.ExportUsers })
	clients := d.topCounts(func(w *Window) *topk.TopK { return w.ExportClients })
	hot := make([]float64, len(d.t.windows))
	var scratch []float64
	limit := func(i int, tops []float64) float64 {
		scratch = d.trailing(scratch[:0], i, hot, func(j int) (float64, bool) { return tops[j], true })
		if len(scratch) < d.minBaseline() {
			return minimum
		}
		return max(minimum, r.Factor*medianOf(scratch))
	}
	for i, w := range d.t.windows {
		hot[i] = d.emitAbove(tier, i, w.ExportUsers, limit(i, users))
		if hot[i] == 0 {
			hot[i] = d.emitAbove(tier, i, w.ExportClients, limit(i, clients))
		}
	}
}

// emitAbove emits a hit at window i for every key of t counted at least
// limit, and returns the largest count emitted (0 for none).
func (d *detection) emitAbove(tier, i int, t *topk.TopK, limit float64) float64 {
	var most float64
	for _, it := range d.top(t) {
		if n := float64(it.Count - it.Err); n >= limit {
			d.emit(tier, it.Key, hit{i: i, value: n, base: limit})
			most = max(most, n)
		}
	}
	return most
}

// topCounts returns the lower-bound count of each window's top key of the
// summary that pick selects.
func (d *detection) topCounts(pick func(w *Window) *topk.TopK) []float64 {
	out := make([]float64, len(d.t.windows))
	for i, w := range d.t.windows {
		if items := d.top(pick(w)); len(items) > 0 {
			out[i] = float64(items[0].Count - items[0].Err)
		}
	}
	return out
}

func describeExfiltration(d *detection, in *incident) string {
	users := d.sumTop(in, func(w *Window) *topk.TopK { return w.ExportUsers })
	who, n := "user "+in.subject, users
	if users == 0 {
		who, n = "client "+in.subject, d.sumTop(in, func(w *Window) *topk.TopK { return w.ExportClients })
	}
	return fmt.Sprintf("%s made %s export requests %s (peak %s in one window, limit %s)",
		who, num(n), d.between(in), num(uint64(in.peak.value)), num(uint64(in.peak.base)))
}
