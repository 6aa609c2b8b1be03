package summary

import (
	"cmp"
	"maps"
	"slices"

	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
	"github.com/vigil-ops/vigil/sketches/uniq"
)

// Options are the budgets of a Summary. The zero value means every
// default.
type Options struct {
	// KeyBudget is how many keys each heavy-hitter list counts exactly
	// before it turns into a Space-Saving summary of TopCapacity
	// counters. Default: 262,144.
	KeyBudget int
	// TopCapacity is the Space-Saving capacity past KeyBudget: any key
	// above 1/TopCapacity of the traffic is guaranteed to be kept.
	// Default: 16,384.
	TopCapacity int
	// LatencyBudget is how many distinct durations the run-wide latency
	// keeps exactly. Default: 65,536.
	LatencyBudget int
	// EndpointLatencyBudget is the same per endpoint. Default: 4,096.
	EndpointLatencyBudget int
	// EndpointBudget is how many distinct endpoints are kept; past it the
	// least busy half of the endpoints no rule names is folded into
	// "other". Default: 10,000.
	EndpointBudget int
	// Exact lifts every budget: exact answers, memory growing with the
	// input's cardinality.
	Exact bool
}

// unbounded is the budget of Options.Exact.
const unbounded = 1 << 40

// uaFrontSlots is the size of the cache in front of the user-agent list
// (see topk.Front): user agents are few and heavy, so nearly every request
// hits it, and it caches each agent's class besides.
const uaFrontSlots = 1024

func (o Options) withDefaults() Options {
	if o.Exact {
		return Options{unbounded, 1, unbounded, unbounded, unbounded, true}
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.KeyBudget, 262144)
	def(&o.TopCapacity, 16384)
	def(&o.LatencyBudget, 65536)
	def(&o.EndpointLatencyBudget, 4096)
	def(&o.EndpointBudget, 10000)
	return o
}

// Summary is the whole-run summary of the lines counted into it.
type Summary struct {
	opts     Options
	Requests uint64
	// Status counts requests by status code; index 0 holds requests
	// without a status; ZeroStatus those that logged status 0 (Caddy
	// writes 0 when no response was written).
	Status     [1000]uint64
	ZeroStatus uint64
	Latency    *quantile.Sketch
	Endpoints  map[string]*Endpoint
	// Folded counts distinct endpoint keys folded into "other".
	Folded     uint64
	IPs        *topk.TopK
	AuthIPs    *topk.TopK
	Users      *topk.TopK
	UserAgents *topk.TopK
	UniqueIPs  *uniq.Counter
	UAClasses  [window.NumUAClasses]uint64
	AppLines   uint64
	AppErrors  uint64
	// TCPLines counts TCP proxy connections (parsers.KindTCP): lines of
	// Envoy's and Istio's logs that are no HTTP request, counted in no
	// other figure.
	TCPLines uint64
	// HasTime says whether any counted line had a time; MinTime and
	// MaxTime are then the earliest and latest, Unix nanoseconds.
	HasTime          bool
	MinTime, MaxTime int64

	byID window.IDCache[Endpoint]
	// uaFront holds user-agent counts not yet in UserAgents (see Flush).
	uaFront *topk.Front
}

// Endpoint is the whole-run summary of one endpoint key.
type Endpoint struct {
	Requests  uint64
	Errors5xx uint64
	Latency   *quantile.Sketch
	Kind      window.EndpointKind
}

// New returns an empty Summary.
func New(o Options) *Summary {
	o = o.withDefaults()
	s := &Summary{
		opts:       o,
		Latency:    quantile.New(o.LatencyBudget),
		Endpoints:  make(map[string]*Endpoint),
		IPs:        topk.NewExactFirst(o.KeyBudget, o.TopCapacity),
		AuthIPs:    topk.NewExactFirst(o.KeyBudget, o.TopCapacity),
		Users:      topk.NewExactFirst(o.KeyBudget, o.TopCapacity),
		UserAgents: topk.NewExactFirst(o.KeyBudget, o.TopCapacity),
		UniqueIPs:  uniq.New(o.Exact),
	}
	s.uaFront = topk.NewFront(s.UserAgents, uaFrontSlots)
	return s
}

// AddTime counts an event time t (Unix nanoseconds).
func (s *Summary) AddTime(t int64) {
	if !s.HasTime || t < s.MinTime {
		s.MinTime = t
	}
	if !s.HasTime || t > s.MaxTime {
		s.MaxTime = t
	}
	s.HasTime = true
}

// AddApp counts an application log line.
func (s *Summary) AddApp(isError bool) {
	s.AppLines++
	if isError {
		s.AppErrors++
	}
}

// AddTCP counts a TCP proxy connection's line.
func (s *Summary) AddTCP() { s.TCPLines++ }

// Add counts one HTTP request of l (see window.Line) but its user agent,
// which the caller counts first with [Summary.UserAgent] (it derives
// l.UAClass from it). It copies what it keeps and sets l.Client to its
// copy of the client IP, for the window that counts l next. Hot path: no
// allocation once the keys are known.
func (s *Summary) Add(l *window.Line) {
	r := l.Rec
	s.Requests++
	status := r.Status
	if status < 0 || status >= len(s.Status) {
		status = 0
	}
	if status == 0 && r.ZeroStatus {
		s.ZeroStatus++
	} else {
		s.Status[status]++
	}
	e := s.endpointOf(l)
	e.Requests++
	if window.StatusClass(status) == 5 {
		e.Errors5xx++
	}
	if r.Duration >= 0 {
		s.Latency.Add(r.Duration)
		e.Latency.Add(r.Duration)
	}
	if len(r.Client) > 0 {
		client, isNew := s.IPs.AddKey(r.Client, 1)
		if isNew {
			// A client IPs monitors is in UniqueIPs already: adding it
			// again would change nothing.
			s.UniqueIPs.Add(r.Client)
		}
		if window.IsAuthFailure(r.Status) {
			s.AuthIPs.AddString(client, 1)
		}
		l.Client = client
	}
	if len(r.User) > 0 {
		s.Users.Add(r.User, 1)
	}
	s.UAClasses[l.UAClass]++
}

// UserAgent counts the user agent ua of a request ("-" when empty) and
// returns its class: the one cached with ua in the front cache, or else
// classify's, which it caches. The count reaches UserAgents at the next
// Flush or Merge. Hot path: no allocation once ua is cached.
func (s *Summary) UserAgent(ua []byte, classify func(ua []byte) useragent.Class) useragent.Class {
	if len(ua) == 0 {
		ua = dash
	}
	v, hit := s.uaFront.Add(ua)
	if hit {
		return useragent.Class(v)
	}
	class := classify(ua)
	s.uaFront.SetValue(ua, uint32(class))
	return class
}

var dash = []byte("-")

// Flush moves the user-agent counts pending in the front cache into
// UserAgents. Merge flushes both summaries; a caller that reads
// UserAgents of a Summary it added to flushes it first.
func (s *Summary) Flush() { s.uaFront.Flush() }

// endpointOf returns the summary of l's endpoint through the id cache
// (see window.Line.ID); a Summary that counts lines is one caller's.
func (s *Summary) endpointOf(l *window.Line) *Endpoint {
	if e := s.byID.Get(l.ID); e != nil {
		return e
	}
	e := s.endpoint(l.Endpoint, l.Kind)
	s.byID.Put(l.ID, e)
	return e
}

func (s *Summary) endpoint(key string, kind window.EndpointKind) *Endpoint {
	if e := s.Endpoints[key]; e != nil {
		return e
	}
	e := &Endpoint{Kind: kind, Latency: quantile.New(s.opts.EndpointLatencyBudget)}
	s.Endpoints[key] = e
	if len(s.Endpoints) > s.opts.EndpointBudget {
		s.fold()
		if kept := s.Endpoints[key]; kept != nil {
			return kept
		}
		return s.Endpoints[window.Other]
	}
	return e
}

// fold folds the least busy half of the endpoints no rule names (fewest
// requests, ties by key) into "other", so that the cap goes by traffic,
// not by arrival order.
func (s *Summary) fold() {
	keys := slices.Sorted(maps.Keys(s.Endpoints))
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Compare(s.Endpoints[a].Requests, s.Endpoints[b].Requests)
	})
	other := s.Endpoints[window.Other]
	if other == nil {
		other = &Endpoint{Latency: quantile.New(s.opts.EndpointLatencyBudget)}
	}
	n := len(keys) / 2
	for _, k := range keys {
		e := s.Endpoints[k]
		if n == 0 {
			break
		}
		if k == window.Other || e.Kind.Named() {
			continue
		}
		other.merge(e)
		delete(s.Endpoints, k)
		s.Folded++
		n--
	}
	s.Endpoints[window.Other] = other
	s.byID.Reset() // folded endpoints are gone: no cached pointer may outlive them
}

func (e *Endpoint) merge(o *Endpoint) {
	e.Requests += o.Requests
	e.Errors5xx += o.Errors5xx
	e.Latency.Merge(o.Latency)
}

// Merge adds o into s. s shares o's key strings; o must not be used
// afterwards. Merging the same summaries in the same order gives the same
// result; while every table is exact, any order does.
func (s *Summary) Merge(o *Summary) {
	s.Flush()
	o.Flush()
	s.Requests += o.Requests
	for i, n := range o.Status {
		s.Status[i] += n
	}
	s.ZeroStatus += o.ZeroStatus
	s.Latency.Merge(o.Latency)
	for _, k := range slices.Sorted(maps.Keys(o.Endpoints)) {
		oe := o.Endpoints[k]
		if e := s.Endpoints[k]; e != nil {
			e.merge(oe)
			continue
		}
		s.endpoint(k, oe.Kind).merge(oe)
	}
	s.Folded += o.Folded
	s.IPs.Merge(o.IPs)
	s.AuthIPs.Merge(o.AuthIPs)
	s.Users.Merge(o.Users)
	s.UserAgents.Merge(o.UserAgents)
	s.UniqueIPs.Merge(o.UniqueIPs)
	for i, n := range o.UAClasses {
		s.UAClasses[i] += n
	}
	s.AppLines += o.AppLines
	s.AppErrors += o.AppErrors
	s.TCPLines += o.TCPLines
	if o.HasTime {
		s.AddTime(o.MinTime)
		s.AddTime(o.MaxTime)
	}
}

// UniqueIPsCount returns the number of distinct client IPs and whether it
// is exact: exact while the client list is, a HyperLogLog estimate after.
func (s *Summary) UniqueIPsCount() (uint64, bool) {
	if s.IPs.Exact() {
		return uint64(s.IPs.Len()), true
	}
	return s.UniqueIPs.Count(), s.UniqueIPs.Exact()
}
