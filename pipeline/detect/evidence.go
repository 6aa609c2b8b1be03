package pipeline

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// evidenceTop is the length of each evidence list.
const evidenceTop = 5

// kindInfo is what the runbook and the evidence say about a kind.
type kindInfo struct {
	rank    int
	section string
	// subsumes names the kind that this one hides at the same severity.
	subsumes string
	// endpoint scores an endpoint's share of the incident (0: not shown).
	endpoint func(d *detection, in *incident, key string, e *EndpointWindow) uint64
	// clients picks the heavy hitters shown as clients.
	clients func(w *Window) *topk.TopK
	// code tells which status codes are shown.
	code func(code int) bool
}

var kinds = map[string]kindInfo{
	incidentOutage:          {rank: 0, section: "Service Outage", endpoint: by5xx, clients: allClients, code: isError},
	incidentPaymentFailures: {rank: 1, section: "Payment Failures", endpoint: byPaymentFailure, clients: allClients, code: isError},
	incidentAttack:          {rank: 2, section: "Suspected Attack", endpoint: byLogin, clients: authClients, code: isAuthFailure},
	incidentExfiltration:    {rank: 3, section: "Data Breach Suspicion", endpoint: byExport, clients: exportClients, code: anyCode},
	incidentErrorRate:       {rank: 4, section: "High Error Rate", subsumes: incidentErrorBurst, endpoint: by5xx, clients: allClients, code: isError},
	incidentLatency:         {rank: 5, section: "High Response Times", endpoint: bySlow, clients: allClients, code: anyCode},
	incidentAuthFailures:    {rank: 6, section: "Authentication Issues", endpoint: byLogin, clients: authClients, code: isAuthFailure},
	incidentErrorBurst:      {rank: 7, section: "Error Burst", endpoint: by5xx, clients: allClients, code: isError},
	incidentNotFoundSpike:   {rank: 8, section: "404 Spike", endpoint: byClientError, clients: allClients, code: isError},
	incidentBotSurge:        {rank: 9, section: "Bot Surge", endpoint: byRequests, clients: allClients, code: anyCode},
}

func by5xx(_ *detection, _ *incident, _ string, e *EndpointWindow) uint64 { return e.Errors5xx }

func byClientError(_ *detection, _ *incident, _ string, e *EndpointWindow) uint64 {
	return e.ClientErrors
}

func byRequests(_ *detection, _ *incident, _ string, e *EndpointWindow) uint64 { return e.Requests }

func byPaymentFailure(d *detection, _ *incident, key string, e *EndpointWindow) uint64 {
	if d.endpointKind(key) != kindPayment {
		return 0
	}
	return e.Errors5xx + e.ClientErrors
}

func byLogin(d *detection, _ *incident, key string, e *EndpointWindow) uint64 {
	if d.endpointKind(key) != kindLogin {
		return 0
	}
	return e.Requests
}

func byExport(d *detection, _ *incident, key string, e *EndpointWindow) uint64 {
	if d.endpointKind(key) != kindExport {
		return 0
	}
	return e.Requests
}

func bySlow(_ *detection, in *incident, _ string, e *EndpointWindow) uint64 {
	if in.sev <= 2 {
		return e.SlowAlert
	}
	return e.SlowWarn
}

func allClients(w *Window) *topk.TopK    { return w.Clients }
func authClients(w *Window) *topk.TopK   { return w.AuthFailureClients }
func exportClients(w *Window) *topk.TopK { return w.ExportClients }

func isError(code int) bool       { return code >= 400 }
func isAuthFailure(code int) bool { return code == 401 || code == 403 || code == 429 }
func anyCode(code int) bool       { return code > 0 }

// evidence lists what dominated the incident's windows: endpoints by the
// kind's score, clients by the kind's heavy hitters, status codes. Clients
// come from bounded per-window summaries: those whose error bound is more
// than half their count are noise, not evidence, and are left out; the
// others' counts and error bounds may differ with the number of workers.
func (d *detection) evidence(in *incident) report.Evidence {
	info := kinds[in.kind]
	endpoints := make(map[string]uint64)
	clients := make(map[string]report.Count)
	codes := make(map[string]uint64)
	for _, w := range d.t.windows[in.first : in.last+1] {
		for k, e := range w.Endpoints {
			if n := info.endpoint(d, in, k, e); n > 0 {
				endpoints[k] += n
			}
		}
		for _, it := range d.top(info.clients(w)) {
			c := clients[it.Key]
			c.Count += it.Count
			c.Error += it.Err
			clients[it.Key] = c
		}
		for code, n := range w.Codes {
			if n > 0 && info.code(code) {
				codes[strconv.Itoa(code)] += n
			}
		}
	}
	for k, c := range clients {
		if c.Error > c.Count/2 {
			delete(clients, k)
		}
	}
	return report.Evidence{
		Endpoints: topEvidence(endpoints, func(n uint64) report.Count { return report.Count{Count: n} }),
		Clients:   topEvidence(clients, func(c report.Count) report.Count { return c }),
		Status:    topEvidence(codes, func(n uint64) report.Count { return report.Count{Count: n} }),
	}
}

// topEvidence returns the evidenceTop largest counts of m, ties by key.
func topEvidence[V any](m map[string]V, count func(V) report.Count) []report.Count {
	out := make([]report.Count, 0, len(m))
	for k, v := range m {
		c := count(v)
		c.Key = k
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b report.Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	return out[:min(len(out), evidenceTop)]
}

// severities holds the runbook's response for P1 … P4.
var severities = [...]struct{ within, escalation string }{
	1: {"15 min", "escalate to CTO"},
	2: {"1 h", "escalate to team lead"},
	3: {"4 h", "no escalation"},
	4: {"24 h", "no escalation"},
}

func runbook(kind string, sev int) report.Runbook {
	section := kinds[kind].section
	if kind == incidentLatency && sev == 2 {
		section += " (P2)"
	}
	return report.Runbook{Section: section, RespondWithin: severities[sev].within, Escalation: severities[sev].escalation}
}
