package detect

import "github.com/vigil-ops/vigil/sketches/topk"

// Client detectors: their subject is a client IP or a user. Counts come
// from the windows' heavy hitters, taken at their guaranteed lower bound
// (Count - Err).

// attack raises the clients with a flood of auth failures.
func (e *Engine) attack(i int, ent *entry) {
	t := e.attackTier
	if t == nil {
		return
	}
	for _, it := range ent.w.AuthFailureClients {
		if float64(it.Count) < t.threshold {
			break // largest first: no later one reaches it
		}
		if n := float64(it.Count - it.Err); n >= t.threshold {
			t.obs = append(t.obs, obs{subject: it.Key, hit: hit{i: i, value: n}})
		}
	}
}

// exfiltration raises the users (or, for requests without a user, the
// client IPs) that pull export endpoints far beyond the trailing
// baseline's heaviest exporter.
func (e *Engine) exfiltration(i int, ent *entry) {
	t := e.exfilTier
	if t == nil {
		return
	}
	w := ent.w
	ent.topUser, ent.topClient = topCount(w.ExportUsers), topCount(w.ExportClients)
	var most float64
	if ent.topUser >= t.threshold {
		most = e.emitAbove(t, i, w.ExportUsers, e.exportLimit(i, func(x *entry) float64 { return x.topUser }))
	}
	if most == 0 && ent.topClient >= t.threshold {
		most = e.emitAbove(t, i, w.ExportClients, e.exportLimit(i, func(x *entry) float64 { return x.topClient }))
	}
	ent.exfilHot = most != 0
}

// exportLimit is the count a window's exporter must reach: MinPerMinute,
// and Factor times the median of the trailing windows' top count.
func (e *Engine) exportLimit(i int, top func(*entry) float64) float64 {
	minimum := e.exfilTier.threshold
	e.scratch = e.trailing(e.scratch[:0], i, func(x *entry) (float64, bool) { return top(x), !x.exfilHot })
	if len(e.scratch) < e.minBaseline() {
		return minimum
	}
	return max(minimum, e.rules.Exfiltration.Factor*medianOf(e.scratch))
}

// emitAbove records a bad window of t at i for every key of items counted
// at least limit, and returns the largest count recorded (0 for none).
func (e *Engine) emitAbove(t *tier, i int, items []topk.Item, limit float64) float64 {
	var most float64
	for _, it := range items {
		if float64(it.Count) < limit {
			break
		}
		if n := float64(it.Count - it.Err); n >= limit {
			t.obs = append(t.obs, obs{subject: it.Key, hit: hit{i: i, value: n, base: limit}})
			most = max(most, n)
		}
	}
	return most
}

// topCount is the lower-bound count of the heaviest of items (largest
// first), 0 for none.
func topCount(items []topk.Item) float64 {
	if len(items) == 0 {
		return 0
	}
	return float64(items[0].Count - items[0].Err)
}
