package pipeline

import (
	"fmt"
	"slices"
)

// Endpoint detectors: their subject is an endpoint key.

// payments raises the payment endpoints that succeed too rarely: that
// fail more than the 5xx ratio of the rest of the service by the
// threshold. When everything fails, that is an outage or an error rate,
// not a payment incident.
func (d *detection) payments() {
	r := d.rules.PaymentFailures
	if r.Off {
		return
	}
	threshold := 1 - r.MinSuccess
	tier := d.newTier(incidentPaymentFailures, 1, threshold, r.For, describePayments)
	spec := d.spec(threshold, r.MinRequests, r.Window)
	s := make([]tally, len(d.t.windows))
	rest := make([]tally, len(d.t.windows))
	var values []float64
	for _, key := range d.endpointKeys(func(k string) bool { return d.endpointKind(k) == kindPayment }) {
		for i, w := range d.t.windows {
			s[i], rest[i] = tally{}, tally{w.Status[5], w.Requests}
			if e := w.Endpoints[key]; e != nil {
				s[i] = tally{e.Errors5xx + e.ClientErrors, e.Requests}
				rest[i] = rest[i].minus(tally{e.Errors5xx, e.Requests})
			}
		}
		values = d.ratio(values, s, rest, spec)
		d.emitAll(tier, key, values, nil)
		d.failingPayments.addAll(key, values)
	}
}

func describePayments(d *detection, in *incident) string {
	c := d.sum(in, func(w *Window) tally {
		if e := w.Endpoints[in.subject]; e != nil {
			return tally{e.Errors5xx + e.ClientErrors, e.Requests}
		}
		return tally{}
	})
	return fmt.Sprintf("%s succeeded for %s of %s requests %s", in.subject, pct(1-c.ratio()), num(c.total), d.between(in))
}

// latencyLevel is one tier of the latency rule.
type latencyLevel struct {
	tier      LatencyTier
	sev       int
	threshold float64
	alert     bool
}

// slow measures the requests above the level's latency.
func (l latencyLevel) slow(durations, slowWarn, slowAlert uint64) tally {
	if l.alert {
		return tally{slowAlert, durations}
	}
	return tally{slowWarn, durations}
}

func (d *detection) latencyLevels() []latencyLevel {
	l := d.rules.Latency
	if l.Off {
		return nil
	}
	threshold := 1 - l.Percentile/100
	var out []latencyLevel
	if !l.Alert.Off {
		out = append(out, latencyLevel{l.Alert, 2, threshold, true})
	}
	if !l.Warn.Off {
		out = append(out, latencyLevel{l.Warn, 3, threshold, false})
	}
	return out
}

// endpointLatency raises the endpoints whose latency percentile is above
// the alert level with at least MinEndpointRequests requests, by the
// threshold more than the rest of the service (when everything is slow,
// that is a service-wide incident). A payment endpoint
// found failing is left out: its timeouts are a symptom of its failures.
// The warn level is service-wide only: some endpoints (exports, uploads)
// are slower than 500 ms by design, every day.
func (d *detection) endpointLatency() {
	levels := d.latencyLevels()
	if len(levels) == 0 || !levels[0].alert {
		return
	}
	lv := levels[0]
	tier := d.newTier(incidentLatency, lv.sev, lv.threshold, lv.tier.For, describeLatency)
	minRequests := d.rules.Latency.MinEndpointRequests
	spec := d.spec(lv.threshold, minRequests, lv.tier.Window)
	s := make([]tally, len(d.t.windows))
	rest := make([]tally, len(d.t.windows))
	var values []float64
	for _, key := range d.endpointKeys(func(k string) bool { return k != otherEndpoint }) {
		var total, slow uint64
		for i, w := range d.t.windows {
			s[i], rest[i] = tally{}, lv.slow(w.Durations, w.SlowWarn, w.SlowAlert)
			if e := w.Endpoints[key]; e != nil && !slices.Contains(d.failingPayments[i], key) {
				s[i] = lv.slow(e.Durations, e.SlowWarn, e.SlowAlert)
				rest[i] = rest[i].minus(s[i])
			}
			total += s[i].total
			slow += s[i].bad
		}
		if total < minRequests || slow == 0 {
			continue
		}
		values = d.ratio(values, s, rest, spec)
		d.emitAll(tier, key, values, nil)
		d.slowEndpoints.addAll(key, values)
	}
}

func describeLatency(d *detection, in *incident) string {
	l := d.rules.Latency
	lv := latencyLevel{alert: d.tiers[in.tier].sev == 2}
	above := l.Warn.Above
	if lv.alert {
		above = l.Alert.Above
	}
	what := "requests"
	c := d.sum(in, func(w *Window) tally {
		if in.subject == subjectAll {
			return lv.slow(w.Durations, w.SlowWarn, w.SlowAlert)
		}
		if e := w.Endpoints[in.subject]; e != nil {
			return lv.slow(e.Durations, e.SlowWarn, e.SlowAlert)
		}
		return tally{}
	})
	if in.subject != subjectAll {
		what = "requests to " + in.subject
	}
	return fmt.Sprintf("p%g above %s: %s of %s %s took longer %s",
		l.Percentile, above, num(c.bad), num(c.total), what, d.between(in))
}
