package detect

import "github.com/vigil-ops/vigil/pipeline/window"

// entry is one window of the ring: the closed window while it is within
// the detail horizon, and the few numbers the trailing baselines read
// over the longer one (4 baselines).
type entry struct {
	// w is the closed window; nil once older than Engine.detail windows.
	w *window.Closed
	// requests is the window's request count (collapse baseline).
	requests float64
	// err5xx is 5xx / requests without the payment endpoints found
	// failing in the window: they have their own incident.
	err5xx tally
	// slow is slow / timed requests above the alert (0) and warn (1)
	// latency, without the endpoints found slow in the window.
	slow [2]tally
	// burst holds the measure of each burst rule.
	burst [numBursts]tally
	// topUser and topClient are the lower-bound counts of the window's
	// heaviest exporter, by user and by client (exfiltration baseline).
	topUser, topClient float64
	// Whether the trailing-baseline rules broke in the window: such
	// windows stay out of later baselines.
	collapseHot, exfilHot bool
	burstHot              [numBursts]bool
	// failing lists the payment endpoints found failing in the window,
	// slowKeys the endpoints found slow.
	failing, slowKeys []string
}

// put stores window i (the newest) in the ring, dropping the closed form
// of the window that leaves the detail horizon, and returns its entry.
func (e *Engine) put(i int, w *window.Closed) *entry {
	if old := i - e.detail; old >= 0 {
		e.at(old).w = nil
	}
	ent := e.at(i)
	failing, slowKeys := ent.failing[:0], ent.slowKeys[:0]
	clear(failing[:cap(failing)])
	clear(slowKeys[:cap(slowKeys)])
	*ent = entry{w: w, requests: float64(w.Requests), failing: failing, slowKeys: slowKeys}
	return ent
}

// at returns the entry of window j, which must be in the ring.
func (e *Engine) at(j int) *entry { return &e.ring[j%len(e.ring)] }

// oldestDetail is the oldest window whose closed form the ring holds.
func (e *Engine) oldestDetail() int { return max(0, e.n-e.detail) }

// oldestHeld is the oldest window the ring holds.
func (e *Engine) oldestHeld() int { return max(0, e.n-len(e.ring)) }

// trailing appends to dst the values of up to e.baseline windows before
// i that did not break the rule (hot) and have a value (ok), looking back
// at most four baselines.
func (e *Engine) trailing(dst []float64, i int, value func(*entry) (float64, bool)) []float64 {
	for j := i - 1; j >= max(e.oldestHeld(), i-4*e.baseline) && len(dst) < e.baseline; j-- {
		if v, ok := value(e.at(j)); ok {
			dst = append(dst, v)
		}
	}
	return dst
}

// minBaseline is the fewest windows a trailing baseline needs.
func (e *Engine) minBaseline() int { return max(1, e.baseline/2) }
