package detect

import (
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/incident"
)

// Service-wide detectors: their subject is "*". Each finds the bad
// windows of its tiers in the newest window only; what came before is
// read from the ring.

// observe runs every detector on window i. Endpoint detectors run first:
// what they explain is left out of the service-wide measures.
func (e *Engine) observe(i int, ent *entry) {
	for _, t := range e.tiers {
		t.obs = t.obs[:0]
	}
	w := ent.w
	e.payments(i, ent)
	ent.err5xx = tally{w.Status[5], w.Requests}
	for _, k := range ent.failing {
		p := w.Endpoints[k]
		ent.err5xx = ent.err5xx.minus(tally{p.Errors5xx, p.Requests})
	}
	e.endpointLatency(i, ent)
	ent.slow = [2]tally{{w.SlowAlert, w.Durations}, {w.SlowWarn, w.Durations}}
	for _, k := range ent.slowKeys {
		p := w.Endpoints[k]
		ent.slow[0] = ent.slow[0].minus(tally{p.SlowAlert, p.Durations})
		ent.slow[1] = ent.slow[1].minus(tally{p.SlowWarn, p.Durations})
	}
	ent.burst = [numBursts]tally{ent.err5xx, {w.NotFound, w.Requests}, {w.UserAgents[useragent.Bot], w.Requests}}
	e.ratioObs(e.failures, i, incident.SubjectAll)
	e.collapseAt(i, ent)
	e.ratioObs(e.errAlert, i, incident.SubjectAll)
	e.ratioObs(e.errWarn, i, incident.SubjectAll)
	e.ratioObs(e.slowAlert, i, incident.SubjectAll)
	e.ratioObs(e.slowWarn, i, incident.SubjectAll)
	e.attack(i, ent)
	e.exfiltration(i, ent)
	e.authFailures(i, ent)
	e.bursts(i, ent)
	e.metricObs(i, ent)
}

// ratioObs records window i as bad for subject when it breaks t's ratio
// rule (t may be nil: rule off), and reports whether it did.
func (e *Engine) ratioObs(t *tier, i int, subject string) bool {
	if t == nil {
		return false
	}
	s, ok := e.ratioHit(t, i, subject)
	if ok {
		t.obs = append(t.obs, obs{subject: subject, hit: hit{i: i, value: s.ratio()}, s: s})
	}
	return ok
}

// collapseAt raises window i when its requests fell by Drop or more below
// the trailing baseline, the lower quartile of the trailing windows'
// requests, not their median: when a surge of traffic ends, the return to
// normal is not a collapse. The hit's value is the share of traffic lost.
func (e *Engine) collapseAt(i int, ent *entry) {
	t := e.collapse
	if t == nil {
		return
	}
	c := e.rules.Outage.Collapse
	e.scratch = e.trailing(e.scratch[:0], i, func(x *entry) (float64, bool) { return x.requests, !x.collapseHot })
	if len(e.scratch) < e.minBaseline() {
		return
	}
	base := quantileOf(e.scratch, 0.25)
	if base >= c.MinBaselinePerMinute*e.minutes && ent.requests <= (1-c.Drop)*base {
		ent.collapseHot = true
		t.obs = append(t.obs, obs{subject: incident.SubjectAll, hit: hit{i: i, value: 1 - ent.requests/base, base: base}})
	}
}

// authFailures raises failed logins that rise across many clients: the
// login failure ratio breaks the rule in a window where at least
// MinClients clients failed and none made more than MaxTopShare of the
// failures.
func (e *Engine) authFailures(i int, ent *entry) {
	t := e.authTier
	if t == nil {
		return
	}
	s, ok := e.ratioHit(t, i, incident.SubjectAll)
	if !ok {
		return
	}
	r := e.rules.AuthFailures
	items := ent.w.AuthFailureClients
	if len(items) < r.MinClients || float64(items[0].Count) > r.MaxTopShare*float64(ent.w.AuthFailures) {
		return
	}
	t.obs = append(t.obs, obs{subject: incident.SubjectAll, hit: hit{i: i, value: s.ratio()}, s: s})
}

// numBursts is the number of burst rules.
const numBursts = 3

// bursts are the burst rules: what their share measures, in the order of
// entry.burst.
var bursts = [numBursts]struct {
	kind incident.Kind
	sev  incident.Severity
	what string
}{
	{incident.ErrorBurst, incident.P3, "5xx"},
	{incident.NotFoundSpike, incident.P4, "404s"},
	{incident.BotSurge, incident.P4, "bot requests"},
}

func (e *Engine) burstRule(b int) BurstRule {
	return [numBursts]BurstRule{e.rules.ErrorBurst, e.rules.NotFoundSpike, e.rules.BotSurge}[b]
}

// bursts raises window i for each burst rule whose share jumps against
// its trailing baseline (see burstOf). Windows that jumped stay out of
// later baselines, so a long burst does not become its own baseline.
func (e *Engine) bursts(i int, ent *entry) {
	for b, t := range e.burstTiers {
		if t == nil {
			continue
		}
		r, c := e.burstRule(b), ent.burst[b]
		if float64(c.bad) < r.MinPerMinute*e.minutes {
			continue
		}
		e.scratch = e.trailing(e.scratch[:0], i, func(x *entry) (float64, bool) {
			return x.burst[b].ratio(), !x.burstHot[b] && x.burst[b].total > 0
		})
		if len(e.scratch) < e.minBaseline() {
			continue
		}
		if v, base, ok := burstOf(c, e.scratch, r); ok {
			ent.burstHot[b] = true
			t.obs = append(t.obs, obs{subject: incident.SubjectAll, hit: hit{i: i, value: v, base: base}})
		}
	}
}
