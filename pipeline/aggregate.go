package pipeline

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/endpoint"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/sketches/tdigest"
	"github.com/vigil-ops/vigil/sketches/topk"
	"github.com/vigil-ops/vigil/sketches/uniq"
)

const (
	// otherEndpoint collects endpoints beyond the cap.
	otherEndpoint = "other"
	// Capacities of the whole-run heavy-hitter summaries (Space-Saving):
	// any key above 1/capacity of the traffic is guaranteed to be kept.
	topCapacity = 16384
	// uaCacheCapacity caps the per-worker cache of user-agent classes.
	uaCacheCapacity = 4096
	// uaFrontSlots is the size of the cache in front of the user-agent
	// summary (see topk.Front). User agents are few and heavy, so nearly
	// every line hits it; client IPs and users are too many for such a
	// cache to pay off (measured: it added more misses than it saved).
	uaFrontSlots = 1024
	// Digest compressions: whole-run digests are precise, per-window and
	// per-endpoint ones smaller (there are many of them).
	runCompression    = 0
	windowCompression = 50
	numUAClasses      = int(useragent.Monitor) + 1
)

// Aggregate is one worker's summary of the records it saw. It is not safe
// for concurrent use; workers own one each and [Aggregate.Merge] combines
// them. Keys kept from records are copied when first kept.
type Aggregate struct {
	opts       *Options
	patterns   patterns
	Requests   uint64
	Status     [1000]uint64
	Latency    *tdigest.Digest
	Endpoints  map[string]*EndpointStats
	IPs        *topk.TopK
	AuthIPs    *topk.TopK
	UserAgents *topk.TopK
	Users      *topk.TopK
	UniqueIPs  *uniq.Counter
	UAClasses  [numUAClasses]uint64
	AppErrors  uint64
	MinTime    int64
	MaxTime    int64
	Windows    map[int64]*Window

	uaCache map[string]useragent.Class
	// uaFront batches the per-line counts of the user-agent summary and
	// caches each agent's class as its value.
	uaFront *topk.Front
	keyBuf  []byte
	last    *Window
	untimed *Window
	// store, if set, receives the windows this aggregate closes (see
	// closeWindows); newest is the start of the newest window seen.
	store  *windowStore
	newest int64
}

// EndpointStats is the whole-run summary of one endpoint key.
type EndpointStats struct {
	Key       string
	Requests  uint64
	Errors5xx uint64
	Latency   *tdigest.Digest
	kind      endpointKind
	// lastWindow and lastCounts cache the endpoint's counters in the
	// window of its previous request: most requests of an endpoint fall
	// in the current window, and this saves a map lookup per line.
	lastWindow *Window
	lastCounts *EndpointWindow
}

// inWindow returns the endpoint's counters in window w.
func (e *EndpointStats) inWindow(w *Window) *EndpointWindow {
	if e.lastWindow != w {
		e.lastWindow, e.lastCounts = w, w.endpoint(e.Key)
	}
	return e.lastCounts
}

// NewAggregate returns an empty aggregate configured by o (defaults
// applied).
func NewAggregate(o *Options) *Aggregate {
	capacity := topCapacity
	if o.Exact {
		capacity = 0
	}
	a := &Aggregate{
		opts:       o,
		patterns:   newPatterns(o.Windows),
		Latency:    tdigest.New(runCompression),
		Endpoints:  make(map[string]*EndpointStats),
		IPs:        topk.New(capacity),
		AuthIPs:    topk.New(capacity),
		UserAgents: topk.New(capacity),
		Users:      topk.New(capacity),
		UniqueIPs:  uniq.New(o.Exact),
		Windows:    make(map[int64]*Window),
		uaCache:    make(map[string]useragent.Class),
	}
	a.uaFront = topk.NewFront(a.UserAgents, uaFrontSlots)
	return a
}

// flush moves the counts pending in the user-agent front into its
// summary; it must run before the summary is read or merged.
func (a *Aggregate) flush() {
	a.uaFront.Flush()
}

// Add counts one parsed record. It copies what it keeps; r may be reused
// afterwards.
func (a *Aggregate) Add(r *parsers.Record) {
	if r.Time != 0 {
		if a.MinTime == 0 || r.Time < a.MinTime {
			a.MinTime = r.Time
		}
		a.MaxTime = max(a.MaxTime, r.Time)
	}
	w := a.window(r.Time)
	if r.Kind == parsers.KindApp {
		if isErrorLevel(r.Level) {
			a.AppErrors++
			w.AppErrors++
		}
		return
	}
	a.Requests++
	status := r.Status
	if status < 0 || status >= len(a.Status) {
		status = 0
	}
	a.Status[status]++
	class := status / 100
	w.Requests++
	w.Status[class]++
	w.Codes[status]++
	authFailure := status == 401 || status == 403 || status == 429
	if authFailure {
		w.AuthFailures++
	} else if status == 404 {
		w.NotFound++
	}
	e := a.endpoint(r.Method, r.Target)
	ew := e.inWindow(w)
	e.Requests++
	ew.Requests++
	if class == 5 {
		e.Errors5xx++
		ew.Errors5xx++
	} else if class == 4 && !authFailure {
		ew.ClientErrors++
	}
	slow := r.Duration >= 0 && a.addDuration(r.Duration, e, w, ew)
	bot := a.addUserAgent(r.UserAgent, w) == useragent.Bot
	a.addClient(r, w, authFailure, class >= 4 || slow || bot)
	if len(r.User) > 0 {
		a.Users.Add(r.User, 1)
	}
	a.addKind(r, e.kind, w, status, authFailure)
}

// addClient counts the record's client IP. The window's client summary
// only sees notable requests (notable: 4xx, 5xx, slow or from a bot): they
// are the evidence incidents need, and counting every request would churn
// a small summary on every line.
func (a *Aggregate) addClient(r *parsers.Record, w *Window, authFailure, notable bool) {
	if len(r.Client) == 0 {
		return
	}
	a.IPs.Add(r.Client, 1)
	a.UniqueIPs.Add(r.Client)
	if notable {
		w.Clients.Add(r.Client, 1)
	}
	if authFailure {
		a.AuthIPs.Add(r.Client, 1)
		w.AuthFailureClients.Add(r.Client, 1)
	}
}

// addUserAgent counts the user agent ("-" when absent) and returns its
// class.
func (a *Aggregate) addUserAgent(ua []byte, w *Window) useragent.Class {
	if len(ua) == 0 {
		ua = dash
	}
	v, hit := a.uaFront.Add(ua)
	class := useragent.Class(v)
	if !hit {
		class = a.userAgent(ua)
		a.uaFront.SetValue(ua, uint32(class))
	}
	a.UAClasses[class]++
	w.UserAgents[class]++
	return class
}

// addDuration counts a duration of us microseconds and reports whether it
// is slow (above WindowOptions.SlowWarn).
func (a *Aggregate) addDuration(us int64, e *EndpointStats, w *Window, ew *EndpointWindow) bool {
	a.Latency.Add(us)
	e.Latency.Add(us)
	w.Latency.Add(us)
	w.Durations++
	ew.Durations++
	if us <= a.opts.Windows.SlowWarn.Microseconds() {
		return false
	}
	w.SlowWarn++
	ew.SlowWarn++
	if us > a.opts.Windows.SlowAlert.Microseconds() {
		w.SlowAlert++
		ew.SlowAlert++
	}
	return true
}

// addKind counts requests to the endpoints the runbook singles out.
func (a *Aggregate) addKind(r *parsers.Record, k endpointKind, w *Window, status int, authFailure bool) {
	switch k {
	case kindPayment:
		w.Payments++
		if status >= 500 || (status >= 400 && !authFailure) {
			w.PaymentFailures++
		}
	case kindExport:
		if len(r.User) > 0 {
			w.ExportUsers.Add(r.User, 1)
		}
		if len(r.Client) > 0 {
			w.ExportClients.Add(r.Client, 1)
		}
	case kindLogin:
		w.Logins++
		if authFailure {
			w.LoginFailures++
		}
	}
}

// endpoint returns the stats of the record's endpoint key, creating them
// (and copying the key) on first sight, or "other" beyond the cap.
func (a *Aggregate) endpoint(method, target []byte) *EndpointStats {
	a.keyBuf = endpoint.Append(a.keyBuf[:0], method, target)
	if e := a.Endpoints[string(a.keyBuf)]; e != nil {
		return e
	}
	key := string(a.keyBuf)
	if len(a.Endpoints) >= a.opts.MaxEndpoints {
		key = otherEndpoint
		if e := a.Endpoints[key]; e != nil {
			return e
		}
	}
	e := &EndpointStats{Key: key, Latency: tdigest.New(windowCompression), kind: a.patterns.kind(key)}
	a.Endpoints[key] = e
	return e
}

// userAgent classifies ua through a capped cache: user agents repeat, and
// classification costs far more than a map lookup. Families are not kept:
// the report classifies its few listed agents again.
func (a *Aggregate) userAgent(ua []byte) useragent.Class {
	if class, ok := a.uaCache[string(ua)]; ok {
		return class
	}
	class, _ := useragent.Classify(ua)
	if len(a.uaCache) < uaCacheCapacity {
		a.uaCache[string(ua)] = class
	}
	return class
}

// window returns the window holding event time t. Records without a time
// share one window that belongs to no timeline.
func (a *Aggregate) window(t int64) *Window {
	if t == 0 {
		if a.untimed == nil {
			a.untimed = newWindow(0)
		}
		return a.untimed
	}
	size := int64(a.opts.Windows.Size)
	start := t - t%size
	if t < 0 && t%size != 0 {
		start -= size
	}
	if a.last != nil && a.last.Start == start {
		return a.last
	}
	w := a.Windows[start]
	if w == nil {
		w = newWindow(start)
		a.Windows[start] = w
	}
	if a.last != nil && a.last.Start < start {
		// Time moved on: the previous window will see few more lines, so
		// keep only its digest's centroids (a late line re-grows it).
		a.last.Latency.Compact()
	}
	if start > a.newest {
		a.newest = start
		a.closeWindows(start)
	}
	a.last = w
	return w
}

// Merge adds o into a. o must not be used afterwards.
func (a *Aggregate) Merge(o *Aggregate) {
	a.flush()
	o.flush()
	a.Requests += o.Requests
	for i := range a.Status {
		a.Status[i] += o.Status[i]
	}
	a.Latency.Merge(o.Latency)
	for k, e := range o.Endpoints {
		if mine := a.Endpoints[k]; mine != nil {
			mine.Requests += e.Requests
			mine.Errors5xx += e.Errors5xx
			mine.Latency.Merge(e.Latency)
		} else {
			a.Endpoints[k] = e
		}
	}
	a.IPs.Merge(o.IPs)
	a.AuthIPs.Merge(o.AuthIPs)
	a.UserAgents.Merge(o.UserAgents)
	a.Users.Merge(o.Users)
	a.UniqueIPs.Merge(o.UniqueIPs)
	for i := range a.UAClasses {
		a.UAClasses[i] += o.UAClasses[i]
	}
	a.AppErrors += o.AppErrors
	if o.MinTime != 0 && (a.MinTime == 0 || o.MinTime < a.MinTime) {
		a.MinTime = o.MinTime
	}
	a.MaxTime = max(a.MaxTime, o.MaxTime)
	a.absorb(o.Windows)
}

var dash = []byte("-")

var errorLevels = [][]byte{[]byte("error"), []byte("err"), []byte("fatal"), []byte("critical"), []byte("crit"), []byte("panic"), []byte("emerg"), []byte("alert")}

// isErrorLevel reports whether level is error or worse, ignoring case.
func isErrorLevel(level []byte) bool {
	for _, l := range errorLevels {
		if bytes.EqualFold(level, l) {
			return true
		}
	}
	return false
}
