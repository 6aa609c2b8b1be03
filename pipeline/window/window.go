package window

import (
	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// Budgets of an open window's exact tables. Past them a table turns into
// its bounded summary (and the window is no longer exact): a window would
// need that many distinct keys in one window's time.
const (
	// keyBudget bounds each heavy-hitter table of a window.
	keyBudget = 65536
	// keyCapacity is the Space-Saving capacity past keyBudget.
	keyCapacity = 4096
	// endpointBudget bounds the distinct endpoint keys of an open window;
	// past it, endpoints that no rule names count under "other".
	endpointBudget = 16384
	// latencyBudget bounds the distinct durations of a window's exact
	// latency table.
	latencyBudget = 4096
)

// Other is the endpoint key that collects folded endpoints.
const Other = "other"

// NumUAClasses is the number of user-agent classes counted per window.
const NumUAClasses = int(useragent.Monitor) + 1

// NumStatusClasses is the length of Window.Status: index status/100 for
// statuses 100–999, index 0 for requests without a status.
const NumStatusClasses = 10

// Line is one parsed line as a window counts it: the record and what the
// caller derived from it once per distinct key (the endpoint key, its
// kind, the user agent's class).
type Line struct {
	Rec *parsers.Record
	// Endpoint is the endpoint key; the window keeps it, so it must be a
	// string the caller will not modify (an interned copy).
	Endpoint string
	Kind     EndpointKind
	// ID is the caller's small integer for Endpoint (ids are per caller:
	// a window counted by one caller only), or -1 for none.
	ID      int32
	UAClass useragent.Class
	// Client is an immutable copy of Rec.Client that the window may keep
	// (the caller's interned one), or "" to make the window copy it.
	Client string
}

// Window counts the lines whose event time falls in [Start, Start+Size).
// Every table is exact while it fits its budget, so windows merge to the
// same result in any order.
type Window struct {
	// Start is the window's start, Unix nanoseconds UTC.
	Start int64
	// Counts are the window's tallies, shared with the closed form.
	Counts
	// codes counts requests by exact status code (0: no status), in the
	// order codes first came: a window sees a handful, so a short scan
	// beats a map and a sparse window stays small.
	codes []CodeCount
	// Latency holds the durations (µs) of the window's requests.
	Latency *quantile.Sketch
	// Endpoints holds per-endpoint counts by endpoint key.
	Endpoints map[string]*EndpointCounts
	// Clients (notable requests: 4xx, 5xx, slower than SlowWarn, or from
	// bots) and AuthFailureClients by client IP; ExportUsers and
	// ExportClients: export-endpoint requests by user and by client IP.
	Clients, AuthFailureClients, ExportUsers, ExportClients *topk.TopK
	// Folded counts endpoint keys folded into Other.
	Folded uint64
	// Metrics holds the window's metric points by series (metrics.go);
	// MetricsDropped counts the points of series past its budget.
	Metrics        map[MetricKey]*MetricStats
	MetricsDropped uint64

	cfg *Config
	// byID caches Endpoints by the caller's endpoint id (Line.ID): most
	// lines of a window hit an endpoint seen before, and an index is
	// cheaper than hashing the key again.
	byID IDCache[EndpointCounts]
	// slabs hold the EndpointCounts of Endpoints; slabs[slabAt][:used]
	// is the last taken. Reset reuses them.
	slabs  [][]EndpointCounts
	slabAt int
	used   int
}

// endpointSlab is how many EndpointCounts a window allocates at once.
const (
	endpointSlab = 64
	firstSlab    = 4
)

// Counts are the plain tallies of a window.
type Counts struct {
	// Lines counts every line counted in the window (requests and
	// application lines), not TCP.
	Lines uint64
	// Requests counts HTTP requests; Status counts them by class.
	Requests uint64
	Status   [NumStatusClasses]uint64
	// AuthFailures counts 401, 403 and 429 responses; NotFound 404s.
	AuthFailures, NotFound uint64
	// Durations counts requests that had a duration; SlowWarn and
	// SlowAlert those above Config.SlowWarn and Config.SlowAlert.
	Durations, SlowWarn, SlowAlert uint64
	// Payments counts requests to payment endpoints; PaymentFailures those
	// that did not succeed (status 5xx, or 4xx other than 401/403/429).
	Payments, PaymentFailures uint64
	// Logins counts requests to login endpoints, LoginFailures those
	// answered 401, 403 or 429.
	Logins, LoginFailures uint64
	// UserAgents counts requests by user-agent class.
	UserAgents [NumUAClasses]uint64
	// AppErrors counts application log lines at level error or worse.
	AppErrors uint64
	// TCP counts TCP proxy connections (parsers.KindTCP: Envoy's and
	// Istio's "- - -" lines), in no other tally: not in Lines, so no
	// detector reads them as traffic. Since codec version 3.
	TCP uint64
	// ZeroStatus counts the requests of code 0 that logged the status 0
	// (parsers.Record.ZeroStatus: Caddy's and Traefik's, no response
	// written); the others of code 0 had no status. Since codec version 3.
	ZeroStatus uint64
}

// EndpointCounts is one endpoint's share of a window.
type EndpointCounts struct {
	Requests, Errors5xx uint64
	// ClientErrors counts 4xx other than 401, 403 and 429 (those are auth
	// failures), so that 5xx + ClientErrors are the failed payments.
	ClientErrors                   uint64
	Durations, SlowWarn, SlowAlert uint64
	Kind                           EndpointKind
}

// New returns an empty window starting at start, counting under cfg
// (defaults applied by the caller; cfg must outlive the window).
func New(start int64, cfg *Config) *Window {
	return &Window{
		Start:              start,
		Latency:            quantile.New(latencyBudget),
		Endpoints:          make(map[string]*EndpointCounts),
		Clients:            topk.NewExactFirst(keyBudget, keyCapacity),
		AuthFailureClients: topk.NewExactFirst(keyBudget, keyCapacity),
		ExportUsers:        topk.NewExactFirst(keyBudget, keyCapacity),
		ExportClients:      topk.NewExactFirst(keyBudget, keyCapacity),
		Metrics:            make(map[MetricKey]*MetricStats),
		cfg:                cfg,
	}
}

// StatusClass returns the index of status in Counts.Status.
func StatusClass(status int) int {
	if status < 100 || status > 999 {
		return 0
	}
	return status / 100
}

// IsAuthFailure reports whether status is an auth failure (401, 403, 429).
func IsAuthFailure(status int) bool { return status == 401 || status == 403 || status == 429 }

// AddApp counts an application log line; isError says whether its level
// is error or worse.
func (w *Window) AddApp(isError bool) {
	w.Lines++
	if isError {
		w.AppErrors++
	}
}

// AddTCP counts a TCP proxy connection, in TCP only.
func (w *Window) AddTCP() { w.TCP++ }

// Add counts one HTTP request. It copies the record's bytes it keeps.
// This is on the hot path: no allocation once the window has seen the
// keys.
func (w *Window) Add(l *Line) {
	r := l.Rec
	w.Lines++
	w.Requests++
	class := StatusClass(r.Status)
	w.Status[class]++
	w.addCode(max(0, min(r.Status, 999)), 1)
	if r.ZeroStatus {
		w.ZeroStatus++
	}
	auth := IsAuthFailure(r.Status)
	if auth {
		w.AuthFailures++
	} else if r.Status == 404 {
		w.NotFound++
	}
	e := w.endpointOf(l)
	e.Requests++
	if class == 5 {
		e.Errors5xx++
	} else if class == 4 && !auth {
		e.ClientErrors++
	}
	slow := r.Duration >= 0 && w.addDuration(r.Duration, e)
	w.UserAgents[l.UAClass]++
	if len(r.Client) > 0 {
		if class >= 4 || slow || l.UAClass == useragent.Bot {
			w.addClient(w.Clients, l)
		}
		if auth {
			w.addClient(w.AuthFailureClients, l)
		}
	}
	w.addKind(l, class, auth)
}

// addDuration counts a duration of us microseconds and reports whether it
// is slow (above Config.SlowWarn).
func (w *Window) addDuration(us int64, e *EndpointCounts) bool {
	w.Latency.Add(us)
	w.Durations++
	e.Durations++
	if us <= w.cfg.SlowWarn.Microseconds() {
		return false
	}
	w.SlowWarn++
	e.SlowWarn++
	if us > w.cfg.SlowAlert.Microseconds() {
		w.SlowAlert++
		e.SlowAlert++
	}
	return true
}

// addKind counts requests to the endpoints the runbook singles out.
func (w *Window) addKind(l *Line, class int, auth bool) {
	r := l.Rec
	switch l.Kind {
	case Payment:
		w.Payments++
		if class == 5 || (class == 4 && !auth) {
			w.PaymentFailures++
		}
	case Export:
		if len(r.User) > 0 {
			w.ExportUsers.Add(r.User, 1)
		}
		if len(r.Client) > 0 {
			w.addClient(w.ExportClients, l)
		}
	case Login:
		w.Logins++
		if auth {
			w.LoginFailures++
		}
	}
}

// addClient counts l's client in t, without a copy when l has one.
func (w *Window) addClient(t *topk.TopK, l *Line) {
	if l.Client != "" {
		t.AddString(l.Client, 1)
		return
	}
	t.Add(l.Rec.Client, 1)
}

// endpointOf returns the counts of l's endpoint, through the id cache.
func (w *Window) endpointOf(l *Line) *EndpointCounts {
	if e := w.byID.Get(l.ID); e != nil {
		return e
	}
	e := w.endpoint(l.Endpoint, l.Kind)
	w.byID.Put(l.ID, e)
	return e
}

// endpoint returns the counts of key, creating them; past endpointBudget
// keys, a key no rule names counts under Other.
func (w *Window) endpoint(key string, kind EndpointKind) *EndpointCounts {
	if e := w.Endpoints[key]; e != nil {
		return e
	}
	if len(w.Endpoints) >= endpointBudget && !kind.Named() {
		w.Folded++
		key, kind = Other, Ordinary
		if e := w.Endpoints[key]; e != nil {
			return e
		}
	}
	e := w.newEndpointCounts()
	e.Kind = kind
	w.Endpoints[key] = e
	return e
}

// addCode counts n requests with status code.
func (w *Window) addCode(code int, n uint64) {
	for i := range w.codes {
		if w.codes[i].Code == code {
			w.codes[i].Count += n
			return
		}
	}
	w.codes = append(w.codes, CodeCount{code, n})
}

// newEndpointCounts returns zero counts from the window's slabs. The
// first slab is small (firstSlab), so that a window of one request (a
// sparse log) stays small; later ones hold endpointSlab.
func (w *Window) newEndpointCounts() *EndpointCounts {
	if w.slabAt < len(w.slabs) && w.used == len(w.slabs[w.slabAt]) {
		w.slabAt, w.used = w.slabAt+1, 0
	}
	if w.slabAt == len(w.slabs) {
		size := endpointSlab
		if w.slabAt == 0 {
			size = firstSlab
		}
		w.slabs = append(w.slabs, make([]EndpointCounts, size))
	}
	e := &w.slabs[w.slabAt][w.used]
	w.used++
	*e = EndpointCounts{}
	return e
}

// merge adds o's tallies to c's: every one of countFields, the codec's
// list, so that a new tally is merged once it is encoded.
func (c *Counts) merge(o *Counts) {
	dst, src := countFields(c), countFields(o)
	for i, p := range dst {
		*p += *src[i]
	}
}

func (e *EndpointCounts) merge(o *EndpointCounts) {
	e.Requests += o.Requests
	e.Errors5xx += o.Errors5xx
	e.ClientErrors += o.ClientErrors
	e.Durations += o.Durations
	e.SlowWarn += o.SlowWarn
	e.SlowAlert += o.SlowAlert
}

// Reset empties w for reuse as the window starting at start, keeping its
// memory. Only a window that was merged into another (not closed) may be
// reset: a closed window shares its tables with its Closed form.
func (w *Window) Reset(start int64) {
	w.Start = start
	w.Counts = Counts{}
	w.codes = w.codes[:0]
	w.Latency.Reset()
	clear(w.Endpoints)
	w.Clients.Reset()
	w.AuthFailureClients.Reset()
	w.ExportUsers.Reset()
	w.ExportClients.Reset()
	w.Folded = 0
	clear(w.Metrics)
	w.MetricsDropped = 0
	w.byID.Reset()
	w.slabAt, w.used = 0, 0 // nothing points into the slabs: w was merged, not closed
}

// Merge adds o into w; both cover the same interval. w shares o's key
// strings; o must not be used afterwards.
func (w *Window) Merge(o *Window) {
	w.Counts.merge(&o.Counts)
	for _, c := range o.codes {
		w.addCode(c.Code, c.Count)
	}
	w.Latency.Merge(o.Latency)
	for _, k := range sortedKeys(o.Endpoints) {
		e := o.Endpoints[k]
		w.endpoint(k, e.Kind).merge(e)
	}
	w.Folded += o.Folded
	w.Clients.Merge(o.Clients)
	w.AuthFailureClients.Merge(o.AuthFailureClients)
	w.ExportUsers.Merge(o.ExportUsers)
	w.ExportClients.Merge(o.ExportClients)
	w.mergeMetrics(o)
}
