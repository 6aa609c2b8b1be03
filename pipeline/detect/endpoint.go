package detect

import (
	"slices"

	"github.com/vigil-ops/vigil/pipeline/window"
)

// Endpoint detectors: their subject is an endpoint key. Only the
// endpoints of the newest window are looked at, and the trailing windows
// only for those whose own window already breaks the rule.

// payments raises the payment endpoints that succeed too rarely: that
// fail more than the 5xx ratio of the rest of the service by the
// threshold. When everything fails, that is an outage or an error rate,
// not a payment incident.
func (e *Engine) payments(i int, ent *entry) {
	if e.payment == nil {
		return
	}
	for key, p := range ent.w.Endpoints {
		if p.Kind == window.Payment && e.ratioObs(e.payment, i, key) {
			ent.failing = append(ent.failing, key)
		}
	}
	slices.Sort(ent.failing)
}

// paymentMeasure is an endpoint's failures (5xx, and 4xx other than
// 401/403/429) out of its requests, and the rest of the service's 5xx.
func paymentMeasure(ent *entry, key string) (s, rest tally) {
	w := ent.w
	rest = tally{w.Status[5], w.Requests}
	if p := w.Endpoints[key]; p != nil {
		s = tally{p.Errors5xx + p.ClientErrors, p.Requests}
		rest = rest.minus(tally{p.Errors5xx, p.Requests})
	}
	return s, rest
}

// endpointLatency raises the endpoints whose latency percentile is above
// the alert level with at least MinEndpointRequests requests, by the
// threshold more than the rest of the service (when everything is slow,
// that is a service-wide incident). A payment endpoint found failing is
// left out: its timeouts are a symptom of its failures. The warn level is
// service-wide only: some endpoints (exports, uploads) are slower than
// 500 ms by design, every day.
func (e *Engine) endpointLatency(i int, ent *entry) {
	if e.endpointSlow == nil {
		return
	}
	for key, p := range ent.w.Endpoints {
		if key != window.Other && p.SlowAlert > 0 && !slices.Contains(ent.failing, key) && e.ratioObs(e.endpointSlow, i, key) {
			ent.slowKeys = append(ent.slowKeys, key)
		}
	}
	slices.Sort(ent.slowKeys)
}

// endpointSlowMeasure is an endpoint's requests above the alert latency
// out of its timed requests (none in a window where it was found failing
// payments), and those of the rest of the service.
func endpointSlowMeasure(ent *entry, key string) (s, rest tally) {
	w := ent.w
	rest = tally{w.SlowAlert, w.Durations}
	if p := w.Endpoints[key]; p != nil && !slices.Contains(ent.failing, key) {
		s = tally{p.SlowAlert, p.Durations}
		rest = rest.minus(s)
	}
	return s, rest
}
