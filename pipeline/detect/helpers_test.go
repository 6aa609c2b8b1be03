package detect

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// t0 is the start of the hand-made windows: window i starts i minutes
// later.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

const (
	charge = "POST /api/payments/{id}/charge"
	login  = "POST /api/auth/login"
	export = "GET /api/export/reports"
	search = "GET /api/search"
)

// defaultConfig classifies the hand-made windows' endpoints.
var defaultConfig = DefaultRules().WindowConfig()

// win is a window under construction: its counts, and its status codes
// and heavy hitters as maps until closed.
type win struct {
	c     window.Closed
	codes map[int]uint64
	// tops: clients, auth failure clients, export users, export clients.
	tops [4]map[string]uint64
}

const (
	topClients = iota
	topAuth
	topExportUsers
	topExportClients
)

func newWin(start time.Time, size time.Duration) *win {
	w := &win{codes: make(map[int]uint64)}
	w.c.Start, w.c.Size = start, size
	w.c.Endpoints = make(map[string]*window.EndpointCounts)
	for k := range w.tops {
		w.tops[k] = make(map[string]uint64)
	}
	return w
}

func (w *win) endpoint(key string) *window.EndpointCounts {
	e := w.c.Endpoints[key]
	if e == nil {
		e = &window.EndpointCounts{Kind: defaultConfig.KindOf(key)}
		w.c.Endpoints[key] = e
	}
	return e
}

func (w *win) top(k int, key string, n uint64) { w.tops[k][key] += n }

// closed returns the closed form of w, as window.Window.Close makes it.
func (w *win) closed() *window.Closed {
	c := w.c
	c.Codes = nil
	for code, n := range w.codes {
		c.Codes = append(c.Codes, window.CodeCount{Code: code, Count: n})
	}
	slices.SortFunc(c.Codes, func(a, b window.CodeCount) int { return cmp.Compare(a.Code, b.Code) })
	items := func(m map[string]uint64) []topk.Item {
		var out []topk.Item
		for k, n := range m {
			out = append(out, topk.Item{Key: k, Count: n})
		}
		slices.SortFunc(out, func(a, b topk.Item) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key)) })
		return out[:min(len(out), window.TopItems)]
	}
	c.Clients, c.AuthFailureClients = items(w.tops[topClients]), items(w.tops[topAuth])
	c.ExportUsers, c.ExportClients = items(w.tops[topExportUsers]), items(w.tops[topExportClients])
	c.Exact = true
	return &c
}

// load adds requests to an endpoint of w, keeping the window's and the
// endpoint's counters consistent: n requests of which e5xx are 5xx,
// e4xx other 4xx, slowWarn above 500 ms and slowAlert above 2 s.
type load struct {
	endpoint                           string
	n, e5xx, e4xx, slowWarn, slowAlert uint64
}

func (l load) addTo(w *win) {
	c := &w.c
	c.Lines += l.n
	c.Requests += l.n
	c.Status[5] += l.e5xx
	c.Status[4] += l.e4xx
	c.Status[2] += l.n - l.e5xx - l.e4xx
	w.codes[500] += l.e5xx
	w.codes[404] += l.e4xx
	w.codes[200] += l.n - l.e5xx - l.e4xx
	c.Durations += l.n
	c.SlowWarn += l.slowWarn
	c.SlowAlert += l.slowAlert
	e := w.endpoint(l.endpoint)
	e.Requests += l.n
	e.Errors5xx += l.e5xx
	e.ClientErrors += l.e4xx
	e.Durations += l.n
	e.SlowWarn += l.slowWarn
	e.SlowAlert += l.slowAlert
	switch e.Kind {
	case window.Payment:
		c.Payments += l.n
		c.PaymentFailures += l.e5xx + l.e4xx
	case window.Login:
		c.Logins += l.n
	}
}

// authFailures adds n login failures (401) by client to w.
func authFailures(w *win, client string, n uint64) {
	c := &w.c
	c.Lines += n
	c.Requests += n
	c.Status[4] += n
	w.codes[401] += n
	c.AuthFailures += n
	c.Logins += n
	c.LoginFailures += n
	w.endpoint(login).Requests += n
	w.top(topAuth, client, n)
	w.top(topClients, client, n)
}

// quietWindow is minute i of a quiet day: 1,000 requests with a little
// noise in every measure the detectors read.
func quietWindow(i int) *win {
	w := newWin(t0.Add(time.Duration(i)*time.Minute), time.Minute)
	quietLoad(w, i)
	return w
}

func quietLoad(w *win, i int) {
	load{endpoint: search, n: 900, e5xx: uint64(3 + i%5), e4xx: uint64(8 + i%4), slowWarn: uint64(8 + i%5), slowAlert: uint64(i % 2)}.addTo(w)
	load{endpoint: charge, n: 40, e4xx: uint64(i % 2)}.addTo(w)
	load{endpoint: export, n: 2}.addTo(w)
	load{endpoint: login, n: 38}.addTo(w)
	authFailures(w, fmt.Sprintf("198.51.100.%d", i%7), 2)
	w.c.NotFound += uint64(8 + i%4)
	w.c.UserAgents[useragent.Bot] += uint64(100 + i%7)
	w.c.UserAgents[useragent.Browser] += w.c.Requests - w.c.UserAgents[useragent.Bot]
	w.top(topClients, "203.0.113.1", 50)
	w.top(topExportUsers, "u10001", 1)
	w.top(topExportClients, "203.0.113.1", 2)
}

// day returns n quiet windows, then lets change alter window i.
func day(n int, change func(i int, w *win)) []*win {
	ws := make([]*win, n)
	for i := range ws {
		ws[i] = quietWindow(i)
		if change != nil {
			change(i, ws[i])
		}
	}
	return ws
}

// during returns change applied to the windows in [from, to) only.
func during(from, to int, change func(w *win)) func(int, *win) {
	return func(i int, w *win) {
		if i >= from && i < to {
			change(w)
		}
	}
}

// scaled replaces w's traffic by 1/k of it, all on search.
func scaled(w *win, k uint64) {
	n := w.c.Requests / k
	*w = *newWin(w.c.Start, w.c.Size)
	load{endpoint: search, n: n}.addTo(w)
}

func closedAll(ws []*win) []*window.Closed {
	out := make([]*window.Closed, len(ws))
	for i, w := range ws {
		out[i] = w.closed()
	}
	return out
}

// feed is one run of an engine over windows: every event, and the
// window (its index in the input) after which each came; -1 for Close.
type feed struct {
	events  []incident.Event
	after   []int
	final   []incident.Incident
	byEvent []incident.Incident
}

// detect pushes ws into an engine of rules, closes it, and checks that the
// event sequence is consistent: Seq counts each incident's events from 1,
// opened first; nothing follows resolved or superseded; and applying the
// events by ID gives Incidents().
func detect(t *testing.T, ws []*window.Closed, rules Rules) *feed {
	t.Helper()
	e := New(rules)
	f := &feed{}
	for k, w := range ws {
		for _, ev := range e.Push(w) {
			f.events, f.after = append(f.events, ev), append(f.after, k)
		}
	}
	for _, ev := range e.Close() {
		f.events, f.after = append(f.events, ev), append(f.after, -1)
	}
	f.final = e.Incidents()
	f.byEvent = applyEvents(t, f.events)
	// One Push is one window when there is no gap (a Push after a gap
	// also steps the windows without traffic before it).
	for k := 1; k < len(ws); k++ {
		if !ws[k].Start.Equal(ws[k-1].End()) {
			return f
		}
	}
	type once struct {
		after int
		id    string
	}
	seen := make(map[once]incident.EventType)
	for k, ev := range f.events {
		o := once{f.after[k], ev.Incident.ID}
		if prev, ok := seen[o]; ok && !(prev == incident.Opened && ev.Type == incident.Superseded) {
			t.Fatalf("unexpected events for %q; got %s then %s in one window", o.id, prev, ev.Type)
		}
		seen[o] = ev.Type
	}
	if diff := gocmp.Diff(f.final, f.byEvent); diff != "" {
		t.Fatalf("unexpected incidents for %q; Incidents() differs from the events' final state (-Incidents +events):\n%s", "event replay", diff)
	}
	return f
}

// applyEvents applies events to a map by ID and returns the incidents
// left, sorted as Incidents sorts them, checking the event sequence.
func applyEvents(t *testing.T, events []incident.Event) []incident.Incident {
	t.Helper()
	state := make(map[string]incident.Incident)
	seq := make(map[string]uint64)
	ended := make(map[string]bool)
	for _, ev := range events {
		id := ev.Incident.ID
		if ended[id] {
			t.Fatalf("unexpected event for %q; got %s after the incident ended", id, ev.Type)
		}
		if want := seq[id] + 1; ev.Seq != want {
			t.Fatalf("unexpected seq for %q; got %d; want %d", id, ev.Seq, want)
		}
		if (ev.Seq == 1) != (ev.Type == incident.Opened) {
			t.Fatalf("unexpected first event for %q; got %s with seq %d; want opened with seq 1", id, ev.Type, ev.Seq)
		}
		seq[id] = ev.Seq
		switch ev.Type {
		case incident.Superseded:
			if ev.Incident.SupersededBy == "" {
				t.Fatalf("unexpected superseded event for %q; got no SupersededBy", id)
			}
			delete(state, id)
			ended[id] = true
		case incident.ResolvedEv:
			state[id] = ev.Incident
			ended[id] = true
		default:
			state[id] = ev.Incident
		}
	}
	out := make([]incident.Incident, 0, len(state))
	for _, in := range state {
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b incident.Incident) int {
		return cmp.Or(cmp.Compare(a.Severity, b.Severity), a.Start.Compare(b.Start),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
	})
	return out
}

// brief is what the detector tests compare of an incident: times are
// minutes since t0.
type brief struct {
	Kind     incident.Kind
	Severity incident.Severity
	Subject  string
	Start    int
	End      int
}

func (b brief) String() string {
	return fmt.Sprintf("%s %s %s [%d, %d)", b.Severity, b.Kind, b.Subject, b.Start, b.End)
}

func briefs(incs []incident.Incident) []brief {
	var out []brief
	for _, in := range incs {
		out = append(out, brief{in.Kind, in.Severity, in.Subject, minutes(in.Start), minutes(in.End)})
	}
	return out
}

func minutes(at time.Time) int { return int(at.Sub(t0) / time.Minute) }
