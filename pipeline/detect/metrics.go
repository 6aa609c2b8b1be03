package detect

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
)

// MetricRules are the threshold rules over metric series (the runbook's
// key metrics: docs/rules.md, docs/metrics.md), one per metric kind. A
// series is a kind and a subject: a host, a database server, a query
// ("db-1 pid 4242"), a probe.
type MetricRules struct {
	// Default: above 85 (%), mean, for 5m, P2.
	Memory ThresholdRule `json:"memory"`
	// Default: above 80 (%), mean, for 5m, P2.
	CPU ThresholdRule `json:"cpu"`
	// Default: above 80 (connections), mean, for 1m, P2.
	DBConnections ThresholdRule `json:"db_connections"`
	// Default: below 99.9 (%), mean over a rolling 1h, for 5m, P2.
	Uptime ThresholdRule `json:"uptime"`
	// Default: below 95 (%), mean, for 2m, P1.
	PaymentSuccess ThresholdRule `json:"payment_success"`
	// Default: above 300 (s: a query running longer than 5 minutes),
	// max, for 1m, P1.
	LongQuery ThresholdRule `json:"long_query"`
	// Default: above 1000 (ms of mean execution time), mean, for 1m, P2.
	SlowStatement ThresholdRule `json:"slow_statement"`
	// Default: below 1 (probe_success), max (every probe of the window
	// failed), for 2m, P2; a probe's severity label ("P1" for the
	// application's health URL) overrides the severity.
	EndpointDown ThresholdRule `json:"endpoint_down"`
}

// ThresholdRule raises a series whose windows cross Threshold: a
// window's Statistic of the series' points ("mean", "max" or "min"),
// pooled over the trailing Window when it is set, is above it (Direction
// "above") or below it ("below"). An incident needs crossing windows
// lasting For, so that one noisy sample alerts nobody; windows without a
// point of the series do not cross. The severity is Severity, unless the
// series' latest point in the window carries one ("P1" … "P4").
type ThresholdRule struct {
	Off       bool     `json:"off,omitempty"`
	Threshold float64  `json:"threshold"`
	Direction string   `json:"direction"`
	Statistic string   `json:"statistic"`
	Window    Duration `json:"window,omitempty"`
	For       Duration `json:"for"`
	// Severity is "P1" … "P4".
	Severity incident.Severity `json:"severity"`
}

// metricRule is a threshold rule and the metric kind it reads.
type metricRule struct {
	kind incident.Kind
	key  string // in the rules file
	rule func(*MetricRules) *ThresholdRule
}

// metricKinds lists the threshold rules in the order their kinds rank.
var metricKinds = []metricRule{
	{incident.DBConnections, "db_connections", func(m *MetricRules) *ThresholdRule { return &m.DBConnections }},
	{incident.LongQuery, "long_query", func(m *MetricRules) *ThresholdRule { return &m.LongQuery }},
	{incident.PaymentSuccess, "payment_success", func(m *MetricRules) *ThresholdRule { return &m.PaymentSuccess }},
	{incident.EndpointDown, "endpoint_down", func(m *MetricRules) *ThresholdRule { return &m.EndpointDown }},
	{incident.Uptime, "uptime", func(m *MetricRules) *ThresholdRule { return &m.Uptime }},
	{incident.SlowStatement, "slow_statement", func(m *MetricRules) *ThresholdRule { return &m.SlowStatement }},
	{incident.Memory, "memory", func(m *MetricRules) *ThresholdRule { return &m.Memory }},
	{incident.CPU, "cpu", func(m *MetricRules) *ThresholdRule { return &m.CPU }},
}

func defaultMetricRules() MetricRules {
	th := func(threshold float64, dir, stat string, forDur time.Duration, sev incident.Severity) ThresholdRule {
		return ThresholdRule{Threshold: threshold, Direction: dir, Statistic: stat, For: Duration(forDur), Severity: sev}
	}
	m := MetricRules{
		Memory:         th(85, "above", "mean", 5*time.Minute, incident.P2),
		CPU:            th(80, "above", "mean", 5*time.Minute, incident.P2),
		DBConnections:  th(80, "above", "mean", time.Minute, incident.P2),
		Uptime:         th(99.9, "below", "mean", 5*time.Minute, incident.P2),
		PaymentSuccess: th(95, "below", "mean", 2*time.Minute, incident.P1),
		LongQuery:      th(300, "above", "max", time.Minute, incident.P1),
		SlowStatement:  th(1000, "above", "mean", time.Minute, incident.P2),
		EndpointDown:   th(1, "below", "max", 2*time.Minute, incident.P2),
	}
	m.Uptime.Window = Duration(time.Hour)
	return m
}

func (r *ThresholdRule) fill(d ThresholdRule) {
	def(&r.Threshold, d.Threshold)
	def(&r.Direction, d.Direction)
	def(&r.Statistic, d.Statistic)
	def(&r.Window, d.Window)
	def(&r.For, d.For)
	def(&r.Severity, d.Severity)
}

func (m *MetricRules) fill(d *MetricRules) {
	for _, k := range metricKinds {
		k.rule(m).fill(*k.rule(d))
	}
}

// validate checks every threshold rule; a rolling window must fit the
// baseline, which bounds the windows the engine keeps.
func (v *validator) metrics(m *MetricRules, baseline Duration) {
	for _, k := range metricKinds {
		r, key := k.rule(m), "metrics."+k.key
		if r.Direction != "above" && r.Direction != "below" {
			v.add(key+".direction", `must be "above" or "below"`, strconv.Quote(r.Direction))
		}
		if _, ok := statistics[r.Statistic]; !ok {
			v.add(key+".statistic", `must be "mean", "max" or "min"`, strconv.Quote(r.Statistic))
		}
		if r.Window < 0 || (baseline > 0 && r.Window > baseline) {
			v.add(key+".window", "must be between 0 and the baseline ("+baseline.String()+")", r.Window)
		}
		v.duration(key+".for", r.For)
		if r.Severity < incident.P1 || r.Severity > incident.P4 {
			v.add(key+".severity", "must be P1, P2, P3 or P4", r.Severity)
		}
	}
}

// MetricRule returns the threshold rule of a metric kind ("memory"),
// defaults applied, and whether there is one that is on.
func (r Rules) MetricRule(kind string) (ThresholdRule, bool) {
	r = r.withDefaults()
	for _, k := range metricKinds {
		if string(k.kind) == kind {
			t := *k.rule(&r.Metrics)
			return t, !t.Off
		}
	}
	return ThresholdRule{}, false
}

// Rolling is a threshold rule's statistic of one series, window after
// window, pooled over the rule's rolling Window as the engine pools it
// (the report's time above the threshold). It is not safe for concurrent
// use.
type Rolling struct {
	rule ThresholdRule
	span int64 // the rolling window, in ns; 0 for each window alone
	ring []rolled
}

type rolled struct {
	start int64
	s     stat
}

// Rolling returns t's rolling statistic over windows of length size.
func (t ThresholdRule) Rolling(size time.Duration) *Rolling {
	r := &Rolling{rule: t}
	if t.Window > 0 {
		r.span = int64(windowsIn(time.Duration(t.Window), size)) * int64(size)
	}
	return r
}

// Add adds the series' values (thousandths, as window.MetricStats holds
// them) of the window starting at start, windows in time order, and
// returns the rule's statistic over the windows of the trailing rolling
// Window (those without a point of the series add nothing), and whether
// it crosses the threshold. values must not be empty.
func (r *Rolling) Add(start int64, values *quantile.Sketch) (float64, bool) {
	i := 0
	for i < len(r.ring) && r.ring[i].start <= start-r.span {
		i++
	}
	r.ring = append(r.ring[:0], r.ring[i:]...)
	var s stat
	s.add(values)
	r.ring = append(r.ring, rolled{start, s})
	for _, e := range r.ring[:len(r.ring)-1] {
		s.merge(e.s)
	}
	v := statistics[r.rule.Statistic](s)
	return v, r.rule.crosses(v)
}

// crosses reports whether v crosses t's threshold.
func (t ThresholdRule) crosses(v float64) bool {
	return (t.Direction == "above" && v > t.Threshold) || (t.Direction == "below" && v < t.Threshold)
}

// stat is a series' points over one or more windows.
type stat struct {
	n             uint64
	sum, min, max float64 // in the values' unit
}

func (s *stat) add(v *quantile.Sketch) {
	n := v.Count()
	if n == 0 {
		return
	}
	s.merge(stat{n: n, sum: window.Unit(v.Mean()) * float64(n), min: window.Unit(float64(v.Min())), max: window.Unit(float64(v.Max()))})
}

// merge adds o's points to s.
func (s *stat) merge(o stat) {
	if o.n == 0 {
		return
	}
	if s.n == 0 || o.min < s.min {
		s.min = o.min
	}
	if s.n == 0 || o.max > s.max {
		s.max = o.max
	}
	s.n += o.n
	s.sum += o.sum
}

var statistics = map[string]func(s stat) float64{
	"mean": func(s stat) float64 { return s.sum / float64(s.n) },
	"max":  func(s stat) float64 { return s.max },
	"min":  func(s stat) float64 { return s.min },
}

// metricTier is a threshold rule's tiers, one per severity: a series
// whose points name their severity goes to that tier.
type metricTier struct {
	kind    incident.Kind
	rule    ThresholdRule
	stat    func(stat) float64
	windows int // the rolling window in windows, 1 for none
	tiers   [incident.P4 + 1]*tier
}

// newMetricTiers registers the tiers of the threshold rules that are on.
func (e *Engine) newMetricTiers() {
	for _, k := range metricKinds {
		r := *k.rule(&e.rules.Metrics)
		if r.Off {
			continue
		}
		mt := &metricTier{kind: k.kind, rule: r, stat: statistics[r.Statistic], windows: 1}
		if r.Window > 0 {
			mt.windows = windowsIn(time.Duration(r.Window), e.size)
		}
		for sev := incident.P1; sev <= incident.P4; sev++ {
			t := e.newTier(k.kind, sev, r.Threshold, r.For, describeMetric)
			t.metric, t.lower = mt, r.Direction == "below"
			mt.tiers[sev] = t
		}
		e.metricTiers = append(e.metricTiers, mt)
	}
}

// metricObs records the series of window i that cross their rule.
func (e *Engine) metricObs(i int, ent *entry) {
	if len(e.metricTiers) == 0 || len(ent.w.Metrics) == 0 {
		return
	}
	for _, k := range ent.w.SortedMetricKeys() {
		mt := e.metricTierOf(incident.Kind(k.Kind))
		if mt == nil {
			continue
		}
		var s stat
		for j := max(i-mt.windows+1, e.oldestDetail()); j <= i; j++ {
			if m := e.at(j).w.Metrics[k]; m != nil {
				s.add(m.Values)
			}
		}
		v := mt.stat(s)
		if mt.rule.crosses(v) {
			sev := mt.rule.Severity
			var label incident.Severity
			if l := ent.w.Metrics[k].Severity; l != "" && label.UnmarshalText([]byte(l)) == nil {
				sev = label
			}
			t := mt.tiers[sev]
			t.obs = append(t.obs, obs{subject: k.Subject, hit: hit{i: i, value: v}})
		}
	}
}

func (e *Engine) metricTierOf(k incident.Kind) *metricTier {
	for _, mt := range e.metricTiers {
		if mt.kind == k {
			return mt
		}
	}
	return nil
}

// metricAcc accumulates a metric incident's points over its windows.
type metricAcc struct {
	values *quantile.Sketch
	detail string
	at     int64
}

// add adds the series' points of window w.
func (a *metricAcc) add(w *window.Closed, k window.MetricKey) {
	m := w.Metrics[k]
	if m == nil {
		return
	}
	a.values.Merge(m.Values)
	if m.At > a.at || (m.At == a.at && m.Detail > a.detail) {
		a.at, a.detail = m.At, m.Detail
	}
}

// evidence returns the metric evidence of an incident of tier t.
func (a *metricAcc) evidence(t *tier) *incident.MetricEvidence {
	r := t.metric.rule
	ev := &incident.MetricEvidence{
		Samples: a.values.Count(), Statistic: r.Statistic, Direction: r.Direction,
		Detail: a.detail, Commands: t.kind.CommandsFor(a.detail),
	}
	if r.Window > 0 {
		ev.Window = r.Window.String()
	}
	if ev.Samples > 0 {
		q := a.values.Quantile(0.95)
		ev.Min, ev.Max = window.Unit(float64(a.values.Min())), window.Unit(float64(a.values.Max()))
		ev.Mean, ev.P95 = round6(window.Unit(a.values.Mean())), window.Unit(q)
	}
	return ev
}

// describeMetric writes "memory of web-1 above 85: mean 91.2, max 97
// between 10:05 and 10:12".
func describeMetric(e *Engine, tr *track) string {
	t := tr.tier
	ev := tr.acc.metric.evidence(t)
	s := fmt.Sprintf("%s of %s %s %s (%s of each window", t.kind, tr.key.subject, t.metric.rule.Direction, value2(t.threshold), t.metric.rule.Statistic)
	if ev.Window != "" {
		s += " over " + ev.Window
	}
	s += fmt.Sprintf("): worst %s; %s points from %s to %s, mean %s, %s",
		value2(tr.peak.value), num(ev.Samples), value2(ev.Min), value2(ev.Max), value2(ev.Mean), e.between(tr))
	if ev.Detail != "" {
		s += ": " + ev.Detail
	}
	return s
}

// value2 formats a value to at most 2 decimals: 85, 91.25, 66.67.
func value2(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }
