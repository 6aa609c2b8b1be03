package pipeline

import (
	"fmt"

	"github.com/vigil-ops/vigil/parsers/useragent"
)

// Service-wide detectors: their subject is "*".

// series measures every window of the segment.
func (d *detection) series(measure func(i int, w *Window) tally) []tally {
	s := make([]tally, len(d.t.windows))
	for i, w := range d.t.windows {
		s[i] = measure(i, w)
	}
	return s
}

// errors5xx measures 5xx against requests, leaving out the payment
// endpoints found failing in the window: they have their own incident.
func (d *detection) errors5xx(i int, w *Window) tally {
	c := tally{w.Status[5], w.Requests}
	for _, k := range d.failingPayments[i] {
		e := w.Endpoints[k]
		c.bad -= e.Errors5xx
		c.total -= e.Requests
	}
	return c
}

func (d *detection) outage() {
	f := d.rules.Outage.Failures
	if !f.Off {
		tier := d.newTier(incidentOutage, 1, f.Threshold, f.For, describeFailures)
		s := d.series(func(_ int, w *Window) tally { return tally{w.Status[5], w.Requests} })
		d.emitAll(tier, subjectAll, d.ratio(nil, s, nil, d.spec(f.Threshold, f.MinRequests, f.Window)), nil)
	}
	c := d.rules.Outage.Collapse
	if !c.Off {
		tier := d.newTier(incidentOutage, 1, c.Drop, c.For, describeCollapse)
		values, bases := d.collapse(c)
		d.emitAll(tier, subjectAll, values, bases)
	}
}

// collapse returns, for each window, how far its requests fell below the
// trailing baseline when they fell by c.Drop or more, and 0 otherwise;
// bases holds the baseline for those windows. The baseline is the lower
// quartile of the trailing windows' requests, not their median: when a
// surge of traffic ends, the return to normal is not a collapse.
func (d *detection) collapse(c CollapseRule) (values, bases []float64) {
	n := len(d.t.windows)
	values, bases = make([]float64, n), make([]float64, n)
	minBase := c.MinBaselinePerMinute * d.minutes
	var scratch []float64
	for i, w := range d.t.windows {
		scratch = d.trailing(scratch[:0], i, values, func(j int) (float64, bool) {
			return float64(d.t.windows[j].Requests), true
		})
		if len(scratch) < d.minBaseline() {
			continue
		}
		base := quantileOf(scratch, 0.25)
		if base >= minBase && float64(w.Requests) <= (1-c.Drop)*base {
			values[i], bases[i] = 1-float64(w.Requests)/base, base
		}
	}
	return values, bases
}

func (d *detection) errorRate() {
	s := d.series(d.errors5xx)
	for _, t := range []struct {
		rule RatioRule
		sev  int
	}{{d.rules.ErrorRate.Alert, 2}, {d.rules.ErrorRate.Warn, 3}} {
		if t.rule.Off {
			continue
		}
		tier := d.newTier(incidentErrorRate, t.sev, t.rule.Threshold, t.rule.For, describeErrorRate)
		d.emitAll(tier, subjectAll, d.ratio(nil, s, nil, d.spec(t.rule.Threshold, t.rule.MinRequests, t.rule.Window)), nil)
	}
}

// serviceLatency raises latency for "*", leaving out the endpoints found
// slow in the window at either level: they have their own incident.
func (d *detection) serviceLatency() {
	for _, lv := range d.latencyLevels() {
		tier := d.newTier(incidentLatency, lv.sev, lv.threshold, lv.tier.For, describeLatency)
		s := d.series(func(i int, w *Window) tally {
			c := lv.slow(w.Durations, w.SlowWarn, w.SlowAlert)
			for _, k := range d.slowEndpoints[i] {
				e := w.Endpoints[k]
				o := lv.slow(e.Durations, e.SlowWarn, e.SlowAlert)
				c.bad -= o.bad
				c.total -= o.total
			}
			return c
		})
		d.emitAll(tier, subjectAll, d.ratio(nil, s, nil, d.spec(lv.threshold, lv.tier.MinRequests, lv.tier.Window)), nil)
	}
}

// authFailures raises failed logins that rise across many clients: the
// login failure ratio breaks the rule in windows where at least MinClients
// clients failed and none made more than MaxTopShare of the failures.
func (d *detection) authFailures() {
	r := d.rules.AuthFailures
	if r.Off {
		return
	}
	tier := d.newTier(incidentAuthFailures, 2, r.Threshold, r.For, describeAuthFailures)
	s := d.series(func(_ int, w *Window) tally { return tally{w.LoginFailures, w.Logins} })
	values := d.ratio(nil, s, nil, d.spec(r.Threshold, r.MinRequests, r.Window))
	for i, v := range values {
		if v == 0 {
			continue
		}
		w := d.t.windows[i]
		items := d.top(w.AuthFailureClients)
		if len(items) < r.MinClients || float64(items[0].Count) > r.MaxTopShare*float64(w.AuthFailures) {
			values[i] = 0
		}
	}
	d.emitAll(tier, subjectAll, values, nil)
}

func (d *detection) bursts() {
	d.burstOf(incidentErrorBurst, 3, d.rules.ErrorBurst, d.series(d.errors5xx), "5xx")
	d.burstOf(incidentNotFoundSpike, 4, d.rules.NotFoundSpike,
		d.series(func(_ int, w *Window) tally { return tally{w.NotFound, w.Requests} }), "404s")
	d.burstOf(incidentBotSurge, 4, d.rules.BotSurge,
		d.series(func(_ int, w *Window) tally { return tally{w.UserAgents[useragent.Bot], w.Requests} }), "bot requests")
}

func (d *detection) burstOf(kind string, sev int, r BurstRule, s []tally, what string) {
	if r.Off {
		return
	}
	tier := d.newTier(kind, sev, r.Factor, r.For, func(d *detection, in *incident) string {
		var n uint64
		for _, c := range s[in.first : in.last+1] {
			n += c.bad
		}
		return fmt.Sprintf("%s rose to %s of requests (%s before) %s: %s in all",
			what, pct(in.peak.value), pct(in.peak.base), d.between(in), num(n))
	})
	d.tiers[tier].relative = true
	values, bases := d.burst(s, r)
	d.emitAll(tier, subjectAll, values, bases)
}
