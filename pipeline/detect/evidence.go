package detect

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// evidenceTop is the length of each evidence list.
const evidenceTop = 5

// Bounds of an incident's evidence tables: exact while they hold at most
// evidenceBudget keys, Space-Saving summaries of evidenceCapacity beyond,
// so that an incident lasting days holds as much as one lasting minutes.
const (
	evidenceBudget   = 4096
	evidenceCapacity = 1024
)

// evidenceRule is what the evidence of a kind shows.
type evidenceRule struct {
	// endpoint scores an endpoint's share of the incident (0: not shown);
	// alert tells, for latency, which slow requests count.
	endpoint func(e *window.EndpointCounts, alert bool) uint64
	// clients picks the heavy hitters shown as clients.
	clients func(w *window.Closed) []topk.Item
	// code tells which status codes are shown.
	code func(code int) bool
}

var evidenceRules = map[incident.Kind]evidenceRule{
	incident.Outage:          {by5xx, allClients, isError},
	incident.PaymentFailures: {byPaymentFailure, allClients, isError},
	incident.Attack:          {byLogin, authClients, window.IsAuthFailure},
	incident.Exfiltration:    {byExport, exportClients, anyCode},
	incident.ErrorRate:       {by5xx, allClients, isError},
	incident.Latency:         {bySlow, allClients, anyCode},
	incident.AuthFailures:    {byLogin, authClients, window.IsAuthFailure},
	incident.ErrorBurst:      {by5xx, allClients, isError},
	incident.NotFoundSpike:   {byClientError, allClients, isError},
	incident.BotSurge:        {byRequests, allClients, anyCode},
}

func by5xx(e *window.EndpointCounts, _ bool) uint64         { return e.Errors5xx }
func byClientError(e *window.EndpointCounts, _ bool) uint64 { return e.ClientErrors }
func byRequests(e *window.EndpointCounts, _ bool) uint64    { return e.Requests }

func byPaymentFailure(e *window.EndpointCounts, _ bool) uint64 {
	if e.Kind != window.Payment {
		return 0
	}
	return e.Errors5xx + e.ClientErrors
}

func byLogin(e *window.EndpointCounts, _ bool) uint64 {
	if e.Kind != window.Login {
		return 0
	}
	return e.Requests
}

func byExport(e *window.EndpointCounts, _ bool) uint64 {
	if e.Kind != window.Export {
		return 0
	}
	return e.Requests
}

func bySlow(e *window.EndpointCounts, alert bool) uint64 {
	if alert {
		return e.SlowAlert
	}
	return e.SlowWarn
}

func allClients(w *window.Closed) []topk.Item    { return w.Clients }
func authClients(w *window.Closed) []topk.Item   { return w.AuthFailureClients }
func exportClients(w *window.Closed) []topk.Item { return w.ExportClients }

func isError(code int) bool { return code >= 400 }
func anyCode(code int) bool { return code > 0 }

// acc accumulates, window by window, what an incident's summary and
// evidence report over its windows, so that neither needs a window the
// ring no longer holds. Each window is added once: the incident's span
// only grows.
type acc struct {
	key  trackKey
	rule evidenceRule
	// Service-wide sums: 5xx / requests, login failures / logins, slow
	// above the alert (0) and warn (1) latency / timed requests, and the
	// measure of each burst rule.
	errors, logins tally
	slow           [2]tally
	burst          [numBursts]uint64
	// The subject's sums, when it is an endpoint: failures (5xx and 4xx
	// other than 401/403/429) / requests, and slow / timed requests.
	failures tally
	subSlow  [2]tally
	// top adds the subject's lower-bound counts in the windows' auth
	// failure clients, export users and export clients; authClients is the
	// most auth-failure clients of one window.
	top         [3]uint64
	authClients int
	// endpoints scores endpoints (for latency, by alert [0] and warn [1]
	// slow requests); clients adds the clients' counts, clientErr their
	// error bounds (lost: the error bounds of keys past the budget).
	endpoints [2]*topk.TopK
	clients   *topk.TopK
	clientErr map[string]uint64
	lost      uint64
	codes     map[int]uint64
	keys      []string
	// metric accumulates a metric incident's points (metrics.go); nil
	// for the other kinds, which the rest of acc is about.
	metric *metricAcc
}

func newAcc(k trackKey) *acc {
	a := &acc{
		key:       k,
		rule:      evidenceRules[k.kind],
		clients:   topk.NewExactFirst(evidenceBudget, evidenceCapacity),
		clientErr: make(map[string]uint64),
		codes:     make(map[int]uint64),
	}
	a.endpoints[0] = topk.NewExactFirst(evidenceBudget, evidenceCapacity)
	if k.kind == incident.Latency {
		a.endpoints[1] = topk.NewExactFirst(evidenceBudget, evidenceCapacity)
	}
	if k.kind.Metric() {
		a.metric = &metricAcc{values: quantile.New(evidenceBudget), at: math.MinInt64}
	}
	return a
}

// add adds window j, which must still be in the ring's detail.
func (a *acc) add(e *Engine, j int) {
	if j < e.oldestDetail() {
		panic("BUG: incident window " + strconv.Itoa(j) + " left the ring before its evidence was taken")
	}
	ent := e.at(j)
	w := ent.w
	if a.metric != nil {
		a.metric.add(w, window.MetricKey{Kind: string(a.key.kind), Subject: a.key.subject})
		return
	}
	a.errors = a.errors.plus(tally{w.Status[5], w.Requests})
	a.logins = a.logins.plus(tally{w.LoginFailures, w.Logins})
	a.slow[0] = a.slow[0].plus(tally{w.SlowAlert, w.Durations})
	a.slow[1] = a.slow[1].plus(tally{w.SlowWarn, w.Durations})
	for b := range a.burst {
		a.burst[b] += ent.burst[b].bad
	}
	if p := w.Endpoints[a.key.subject]; p != nil {
		a.failures = a.failures.plus(tally{p.Errors5xx + p.ClientErrors, p.Requests})
		a.subSlow[0] = a.subSlow[0].plus(tally{p.SlowAlert, p.Durations})
		a.subSlow[1] = a.subSlow[1].plus(tally{p.SlowWarn, p.Durations})
	}
	for k, items := range [3][]topk.Item{w.AuthFailureClients, w.ExportUsers, w.ExportClients} {
		for _, it := range items {
			if it.Key == a.key.subject {
				a.top[k] += it.Count - it.Err
			}
		}
	}
	a.authClients = max(a.authClients, len(w.AuthFailureClients))
	a.addEvidence(w)
}

// addEvidence adds w's endpoints (in key order, so that bounded tables
// stay deterministic), clients and status codes.
func (a *acc) addEvidence(w *window.Closed) {
	a.keys = a.keys[:0]
	for k := range w.Endpoints {
		a.keys = append(a.keys, k)
	}
	slices.Sort(a.keys)
	for _, k := range a.keys {
		p := w.Endpoints[k]
		for lv, t := range a.endpoints {
			if t == nil {
				continue
			}
			if n := a.rule.endpoint(p, lv == 0); n > 0 {
				t.Add([]byte(k), n)
			}
		}
	}
	for _, it := range a.rule.clients(w) {
		a.clients.Add([]byte(it.Key), it.Count)
		if it.Err == 0 {
			continue
		}
		if _, ok := a.clientErr[it.Key]; ok || len(a.clientErr) < evidenceBudget {
			a.clientErr[it.Key] += it.Err
		} else {
			a.lost += it.Err
		}
	}
	for _, c := range w.Codes {
		if c.Count > 0 && a.rule.code(c.Code) {
			a.codes[c.Code] += c.Count
		}
	}
}

// evidence lists what dominated the incident's windows: endpoints by the
// kind's score, clients by the kind's heavy hitters, status codes. Clients
// come from the windows' bounded heavy hitters: those whose error bound
// is more than half their count are noise, not evidence, and are left
// out.
func (a *acc) evidence(sev incident.Severity) incident.Evidence {
	endpoints := a.endpoints[0]
	if a.endpoints[1] != nil && sev > incident.P2 {
		endpoints = a.endpoints[1]
	}
	ev := incident.Evidence{Endpoints: []incident.Count{}, Clients: []incident.Count{}, Status: []incident.Count{}}
	for _, it := range endpoints.AppendTop(nil, evidenceTop) {
		ev.Endpoints = append(ev.Endpoints, incident.Count{Key: it.Key, Count: it.Count, Error: it.Err})
	}
	for _, it := range a.clients.AppendTop(nil, 4*evidenceTop) {
		c := incident.Count{Key: it.Key, Count: it.Count, Error: it.Err + a.clientErr[it.Key] + a.lost}
		if c.Error <= c.Count/2 && len(ev.Clients) < evidenceTop {
			ev.Clients = append(ev.Clients, c)
		}
	}
	for code, n := range a.codes {
		ev.Status = append(ev.Status, incident.Count{Key: strconv.Itoa(code), Count: n})
	}
	slices.SortFunc(ev.Status, func(x, y incident.Count) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Key, y.Key))
	})
	ev.Status = ev.Status[:min(len(ev.Status), evidenceTop)]
	return ev
}
