package pipeline

import (
	"github.com/vigil-ops/vigil/sketches/tdigest"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// Capacities of the per-window heavy-hitter summaries. A window needs only
// its few dominant clients, users and endpoints as evidence and as subjects
// of incidents; Space-Saving guarantees that any key above 1/capacity of a
// window's traffic is among them.
const (
	windowTopCapacity = 32
	// windowEvidenceCapacity sizes the summary of notable clients, which
	// only feeds the few clients an incident quotes as evidence; it is the
	// one summary that fills up in every window, so it is kept small.
	windowEvidenceCapacity  = 8
	windowEndpointsCapacity = 256
)

// Window aggregates the requests whose event time falls in
// [Start, Start+size). Detectors read closed windows; they never see lines.
// Windows merge exactly (counts) or within sketch error (digest, tops).
type Window struct {
	// Start is the window's start, Unix nanoseconds UTC.
	Start int64
	// Requests counts HTTP requests; Status counts them by class
	// (index status/100; index 0 holds requests without a status).
	Requests uint64
	Status   [6]uint64
	// Codes counts requests by exact status code.
	Codes map[int]uint64
	// AuthFailures counts 401, 403 and 429 responses; NotFound 404s.
	AuthFailures, NotFound uint64
	// Durations counts requests that had a duration; SlowWarn and
	// SlowAlert those above WindowOptions.SlowWarn and SlowAlert.
	Durations, SlowWarn, SlowAlert uint64
	// Latency is the window's latency digest in microseconds.
	Latency *tdigest.Digest
	// Endpoints holds per-endpoint counts, keyed by endpoint key, capped at
	// windowEndpointsCapacity keys (the rest under "other").
	Endpoints map[string]*EndpointWindow
	// Clients, AuthFailureClients, ExportUsers and ExportClients are the
	// heavy hitters of the window: notable requests (4xx, 5xx, slower than
	// SlowWarn, or from bots) by client IP, auth failures by client IP,
	// export-endpoint requests by user and by client IP. Clients sees only
	// notable requests because counting all would churn a small summary on
	// every line, and those are the evidence incidents need.
	Clients, AuthFailureClients, ExportUsers, ExportClients *topk.TopK
	// Payments counts requests to payment endpoints; PaymentFailures those
	// that did not succeed (status 5xx, or 4xx other than 401/403/429).
	Payments, PaymentFailures uint64
	// Logins counts requests to login endpoints, LoginFailures those
	// answered 401, 403 or 429.
	Logins, LoginFailures uint64
	// UserAgents counts requests by user-agent class (useragent.Class).
	UserAgents [numUAClasses]uint64
	// AppErrors counts application log lines at level error or worse.
	AppErrors uint64
}

// EndpointWindow is one endpoint's share of a window.
type EndpointWindow struct {
	Requests, Errors5xx uint64
	// ClientErrors counts 4xx other than 401, 403 and 429 (those are auth
	// failures), so that 5xx + ClientErrors are the failed payments.
	ClientErrors                   uint64
	Durations, SlowWarn, SlowAlert uint64
}

func newWindow(start int64) *Window {
	return &Window{
		Start:              start,
		Codes:              make(map[int]uint64),
		Latency:            tdigest.New(windowCompression),
		Endpoints:          make(map[string]*EndpointWindow),
		Clients:            topk.New(windowEvidenceCapacity),
		AuthFailureClients: topk.New(windowTopCapacity),
		ExportUsers:        topk.New(windowTopCapacity),
		ExportClients:      topk.New(windowTopCapacity),
	}
}

// endpoint returns the window's counters for endpoint key (a string the
// caller owns for the life of the window).
func (w *Window) endpoint(key string) *EndpointWindow {
	e := w.Endpoints[key]
	if e == nil {
		if len(w.Endpoints) >= windowEndpointsCapacity {
			key = otherEndpoint
			if e = w.Endpoints[key]; e != nil {
				return e
			}
		}
		e = &EndpointWindow{}
		w.Endpoints[key] = e
	}
	return e
}

func (e *EndpointWindow) merge(o *EndpointWindow) {
	e.Requests += o.Requests
	e.Errors5xx += o.Errors5xx
	e.ClientErrors += o.ClientErrors
	e.Durations += o.Durations
	e.SlowWarn += o.SlowWarn
	e.SlowAlert += o.SlowAlert
}

// merge adds o into w; both cover the same interval.
func (w *Window) merge(o *Window) {
	w.Requests += o.Requests
	for i := range w.Status {
		w.Status[i] += o.Status[i]
	}
	for c, n := range o.Codes {
		w.Codes[c] += n
	}
	w.AuthFailures += o.AuthFailures
	w.NotFound += o.NotFound
	w.Durations += o.Durations
	w.SlowWarn += o.SlowWarn
	w.SlowAlert += o.SlowAlert
	w.Latency.Merge(o.Latency)
	for k, e := range o.Endpoints {
		w.endpoint(k).merge(e)
	}
	w.Clients.Merge(o.Clients)
	w.AuthFailureClients.Merge(o.AuthFailureClients)
	w.ExportUsers.Merge(o.ExportUsers)
	w.ExportClients.Merge(o.ExportClients)
	w.Payments += o.Payments
	w.PaymentFailures += o.PaymentFailures
	w.Logins += o.Logins
	w.LoginFailures += o.LoginFailures
	for i := range w.UserAgents {
		w.UserAgents[i] += o.UserAgents[i]
	}
	w.AppErrors += o.AppErrors
}
