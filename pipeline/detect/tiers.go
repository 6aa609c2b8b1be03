package detect

import (
	"cmp"
	"slices"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// tier is one severity of one rule: what its bad windows are, how long
// they must last (minRun) and how long a quiet stretch ends them (quiet).
type tier struct {
	kind      incident.Kind
	sev       incident.Severity
	threshold float64
	// relative marks a threshold that is a factor over the baseline.
	relative bool
	// minRun is the shortest run of windows that makes an incident (the
	// rule's for); quiet the windows without a bad one that end a run.
	minRun, quiet int
	// ratio, for ratio rules, is the rule in windows, and measure gives a
	// window's tally for a subject and that of the rest of the service;
	// their runs' edges grow by likelihood.
	ratio   *ratioSpec
	measure func(ent *entry, subject string) (s, rest tally)
	// describe writes the incident's one-line summary.
	describe func(e *Engine, tr *track) string
	// obs are the tier's bad windows found in the current window.
	obs []obs
	// active holds the tier's series that have a run, by subject.
	active map[string]*series
	// metric is the threshold rule of a metric tier (metrics.go); lower
	// marks a rule crossed below its threshold, whose worst value is the
	// lowest.
	metric *metricTier
	lower  bool
}

// worse reports whether value a is worse than b for t.
func (t *tier) worse(a, b float64) bool {
	if t.lower {
		return a < b
	}
	return a > b
}

// obs is a bad window of a tier for a subject, with its tally for ratio
// tiers.
type obs struct {
	subject string
	hit     hit
	s       tally
}

// hit is one bad window: the measured value and, for baseline rules, the
// baseline it was compared with.
type hit struct {
	i           int
	value, base float64
}

// newTier registers a tier. A rule's `for` and window round up to whole
// windows. The quiet period is 2 windows, so that one quiet window never
// ends a run; for ratio rules it is twice the rule's window (at least 2),
// ended sooner by likelihood (see quietEnds).
func (e *Engine) newTier(kind incident.Kind, sev incident.Severity, threshold float64, forDur Duration, describe func(*Engine, *track) string) *tier {
	t := &tier{
		kind: kind, sev: sev, threshold: threshold, describe: describe,
		minRun: windowsIn(time.Duration(forDur), e.size), quiet: 2,
		active: make(map[string]*series),
	}
	e.tiers = append(e.tiers, t)
	return t
}

// withRatio makes t a ratio tier of rule (threshold, min, window).
func (e *Engine) withRatio(t *tier, min uint64, window Duration, measure func(*entry, string) (tally, tally)) *tier {
	t.ratio = &ratioSpec{threshold: t.threshold, min: min, window: windowsIn(time.Duration(window), e.size)}
	t.measure = measure
	t.quiet = max(2, 2*t.ratio.window)
	return t
}

// newTiers registers the tiers of every rule that is on, in the order the
// detectors run, then orders e.tiers for the runs: by severity, then kind
// rank.
func (e *Engine) newTiers() {
	r := &e.rules
	if p := r.PaymentFailures; !p.Off {
		e.payment = e.withRatio(e.newTier(incident.PaymentFailures, incident.P1, 1-p.MinSuccess, p.For, describePayments),
			p.MinRequests, p.Window, paymentMeasure)
	}
	l := r.Latency
	threshold := 1 - l.Percentile/100
	if !l.Off && !l.Alert.Off {
		e.endpointSlow = e.withRatio(e.newTier(incident.Latency, incident.P2, threshold, l.Alert.For, describeLatency),
			l.MinEndpointRequests, l.Alert.Window, endpointSlowMeasure)
	}
	if f := r.Outage.Failures; !f.Off {
		e.failures = e.withRatio(e.newTier(incident.Outage, incident.P1, f.Threshold, f.For, describeFailures),
			f.MinRequests, f.Window, func(ent *entry, _ string) (tally, tally) {
				return tally{ent.w.Status[5], ent.w.Requests}, tally{}
			})
	}
	if c := r.Outage.Collapse; !c.Off {
		e.collapse = e.newTier(incident.Outage, incident.P1, c.Drop, c.For, describeCollapse)
	}
	errMeasure := func(ent *entry, _ string) (tally, tally) { return ent.err5xx, tally{} }
	if a := r.ErrorRate.Alert; !a.Off {
		e.errAlert = e.withRatio(e.newTier(incident.ErrorRate, incident.P2, a.Threshold, a.For, describeErrorRate), a.MinRequests, a.Window, errMeasure)
	}
	if w := r.ErrorRate.Warn; !w.Off {
		e.errWarn = e.withRatio(e.newTier(incident.ErrorRate, incident.P3, w.Threshold, w.For, describeErrorRate), w.MinRequests, w.Window, errMeasure)
	}
	if !l.Off && !l.Alert.Off {
		e.slowAlert = e.withRatio(e.newTier(incident.Latency, incident.P2, threshold, l.Alert.For, describeLatency),
			l.Alert.MinRequests, l.Alert.Window, func(ent *entry, _ string) (tally, tally) { return ent.slow[0], tally{} })
	}
	if !l.Off && !l.Warn.Off {
		e.slowWarn = e.withRatio(e.newTier(incident.Latency, incident.P3, threshold, l.Warn.For, describeLatency),
			l.Warn.MinRequests, l.Warn.Window, func(ent *entry, _ string) (tally, tally) { return ent.slow[1], tally{} })
	}
	if a := r.Attack; !a.Off {
		e.attackTier = e.newTier(incident.Attack, incident.P1, a.MinPerMinute*e.minutes, a.For, describeAttack)
	}
	if x := r.Exfiltration; !x.Off {
		e.exfilTier = e.newTier(incident.Exfiltration, incident.P1, x.MinPerMinute*e.minutes, x.For, describeExfiltration)
	}
	if a := r.AuthFailures; !a.Off {
		e.authTier = e.withRatio(e.newTier(incident.AuthFailures, incident.P2, a.Threshold, a.For, describeAuthFailures),
			a.MinRequests, a.Window, func(ent *entry, _ string) (tally, tally) {
				return tally{ent.w.LoginFailures, ent.w.Logins}, tally{}
			})
	}
	for b := range numBursts {
		if rule := e.burstRule(b); !rule.Off {
			t := e.newTier(bursts[b].kind, bursts[b].sev, rule.Factor, rule.For, describeBurst)
			t.relative = true
			e.burstTiers[b] = t
		}
	}
	e.newMetricTiers()
	slices.SortStableFunc(e.tiers, func(a, b *tier) int {
		return cmp.Or(cmp.Compare(a.sev, b.sev), cmp.Compare(a.kind.Rank(), b.kind.Rank()))
	})
}
