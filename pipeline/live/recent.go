package live

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// Defaults of RecentOptions.
const (
	// DefaultKeep: a day of windows, the longest range the live page of
	// analyze --follow links to.
	DefaultKeep = 24 * time.Hour
	// DefaultMaxBytes bounds the encoded windows kept: about 6 KB a
	// minute for a few thousand requests a minute (a day in 10 MB), more
	// for a minute with tens of thousands of distinct notable clients.
	DefaultMaxBytes = 64 << 20
	// openEvery is how often SnapshotOpen keeps a copy of the open
	// windows: the page's delay behind the newest lines, besides its
	// refresh.
	openEvery = time.Second
)

// RecentOptions configure a [Recent]. The zero value means every default.
type RecentOptions struct {
	// Rules are the run's detection rules: their window size.
	// Default: the runbook's.
	Rules detect.Rules
	// Keep is how far back from the newest window's start windows are
	// kept; a [Handler] over the Recent should serve no longer range
	// (HandlerOptions.MaxSince). Default: DefaultKeep (24h); at most
	// MaxSince.
	Keep time.Duration
	// MaxBytes bounds the encoded state of the windows kept: past it the
	// oldest go first, and the page's range starts later. Default:
	// DefaultMaxBytes (64 MiB).
	MaxBytes int
	// Name names the input, such as the files followed, in errors (as
	// the topic of its windows). Default: "".
	Name string
	// Format is the input's format, as the report names it.
	// Default: "".
	Format string
	// Logf, if set, is told of a window that could not be kept.
	Logf func(format string, args ...any)
}

// Recent is a [Source] held in memory, fed by a run of the engine as it
// goes (analyze --follow): the windows it closes (AddWindow, its
// pipeline.Options.OnWindow) and its incident events (AddEvent, its
// OnEvent), so that the live page of a run and of ingest are made by the
// same Report.
//
// The windows still open (the last Lateness of the log, until they
// close) come from copies of them (SnapshotOpen, its OnOpen) kept every
// second, so that the page shows the newest lines as ingest's does.
//
// Memory is bounded: Recent keeps the windows (encoded, as ingest
// stores them) that start within RecentOptions.Keep of the newest one,
// at most RecentOptions.MaxBytes of them, and the incidents open or
// ended after the oldest window kept.
//
// AddWindow, SnapshotOpen and AddEvent are for one goroutine (the engine's merger);
// every method is safe for concurrent use with the others. The reads
// copy what they return under a mutex and decode nothing while holding
// it, so that a page being made does not hold up the run.
type Recent struct {
	o    RecentOptions
	size time.Duration

	// received is the wall time of the newest lines (Unix ns; 0: none).
	received atomic.Int64

	// openAt is when SnapshotOpen last kept the open windows; the
	// feeding goroutine's only.
	openAt time.Time

	mu        sync.Mutex
	windows   []stored // by start
	bytes     int
	open      []stored // by start, after the windows'
	incidents map[string]kept
}

// stored is one window kept.
type stored struct {
	start time.Time
	state []byte
}

// kept is one incident as AddEvent last saw it, with its JSON doc.
type kept struct {
	start, end time.Time
	open       bool
	doc        json.RawMessage
}

// NewRecent returns an empty Recent.
func NewRecent(o RecentOptions) *Recent {
	if o.Keep <= 0 || o.Keep > MaxSince {
		o.Keep = DefaultKeep
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	cfg := o.Rules.WindowConfig().WithDefaults()
	return &Recent{o: o, size: cfg.Size, incidents: make(map[string]kept)}
}

// Keep returns how far back windows are kept (RecentOptions.Keep).
func (r *Recent) Keep() time.Duration { return r.o.Keep }

// AddWindow keeps w, a window the engine closed, encoded; it drops the
// windows and incidents that fell out of the range kept. w is read only
// during the call. Cost: one encoding of w.
func (r *Recent) AddWindow(w *window.Window) {
	state, err := w.AppendBinary(nil)
	if err != nil {
		r.o.Logf("cannot keep the window of %s for the live page: %v", time.Unix(0, w.Start).UTC().Format(time.RFC3339), err)
		return
	}
	s := stored{start: time.Unix(0, w.Start).UTC(), state: state}
	r.mu.Lock()
	defer r.mu.Unlock()
	// The engine closes windows oldest first, so this is an append.
	i, found := slices.BinarySearchFunc(r.windows, s.start, func(x stored, t time.Time) int { return x.start.Compare(t) })
	if found {
		r.bytes -= len(r.windows[i].state)
		r.windows[i] = s
	} else {
		r.windows = slices.Insert(r.windows, i, s)
	}
	r.bytes += len(state)
	r.trim()
	// Closed now: the copy of it as it was open goes.
	r.open = slices.DeleteFunc(r.open, func(o stored) bool { return !o.start.After(s.start) })
}

// SnapshotOpen keeps a copy of the open windows (encoded), in place of
// the last one, at most every second: it returns at once otherwise. It
// has the signature of pipeline.Options.OnOpen; the windows are read only
// during the call. Cost: one encoding of each open window a second.
func (r *Recent) SnapshotOpen(open map[int64]*window.Window) {
	now := time.Now()
	if now.Sub(r.openAt) < openEvery {
		return
	}
	r.openAt = now
	ws := make([]stored, 0, len(open))
	for _, w := range open {
		state, err := w.AppendBinary(nil)
		if err != nil {
			r.o.Logf("cannot keep the open window of %s for the live page: %v", time.Unix(0, w.Start).UTC().Format(time.RFC3339), err)
			continue
		}
		ws = append(ws, stored{start: time.Unix(0, w.Start).UTC(), state: state})
	}
	slices.SortFunc(ws, func(a, b stored) int { return a.start.Compare(b.start) })
	r.mu.Lock()
	r.open = ws
	r.mu.Unlock()
}

// trim drops the oldest windows past Keep or MaxBytes, and the incidents
// that ended before the oldest window left.
func (r *Recent) trim() {
	newest := r.windows[len(r.windows)-1].start
	n := 0
	for n < len(r.windows)-1 && (r.bytes > r.o.MaxBytes || !r.windows[n].start.After(newest.Add(-r.o.Keep))) {
		r.bytes -= len(r.windows[n].state)
		n++
	}
	if n == 0 {
		return
	}
	clear(r.windows[:n]) // Let the states go.
	r.windows = r.windows[n:]
	oldest := r.windows[0].start
	maps.DeleteFunc(r.incidents, func(_ string, k kept) bool { return !k.open && k.end.Before(oldest) })
}

// AddEvent keeps the incident of e as the event leaves it; a
// superseded incident is forgotten, as the report leaves it out.
func (r *Recent) AddEvent(e incident.Event) {
	in := &e.Incident
	var k kept
	if e.Type != incident.Superseded {
		doc, err := report.MarshalIncident(in)
		if err != nil {
			r.o.Logf("cannot keep incident %s for the live page: %v", in.ID, err)
			return
		}
		k = kept{start: in.Start, end: in.End, open: in.Status == incident.Open, doc: doc}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.Type == incident.Superseded {
		delete(r.incidents, in.ID)
		return
	}
	r.incidents[in.ID] = k
}

// Progress marks the wall time of the newest lines read, which the page
// shows as the last message counted. It has the signature of
// pipeline.Options.Progress and is as cheap (no lock).
func (r *Recent) Progress(_ int64, lines int) {
	if lines > 0 {
		r.received.Store(time.Now().UnixNano())
	}
}

// Partitions returns the run as one partition: its name and format, the
// end of its newest window (open or closed) as its newest time, and when
// lines last came.
func (r *Recent) Partitions(context.Context) ([]pgstore.Partition, error) {
	p := pgstore.Partition{Topic: r.o.Name, Format: r.o.Format}
	if ns := r.received.Load(); ns != 0 {
		p.LastMessageAt = time.Unix(0, ns).UTC()
	}
	r.mu.Lock()
	if ws := r.all(); len(ws) > 0 {
		p.Newest = ws[len(ws)-1].start.Add(r.size)
	}
	r.mu.Unlock()
	return []pgstore.Partition{p}, nil
}

// all returns the windows closed and the copies of the open ones after
// them, by start; r.mu is held.
func (r *Recent) all() []stored {
	if len(r.open) == 0 {
		return r.windows
	}
	return slices.Concat(r.windows, r.open)
}

// EachWindow calls fn with each window kept (closed, or the last copy of
// an open one) that starts in [from, to], in order of start.
func (r *Recent) EachWindow(ctx context.Context, from, to time.Time, fn func(*pgstore.StoredWindow) error) error {
	r.mu.Lock()
	all := r.all()
	lo, _ := slices.BinarySearchFunc(all, from, func(x stored, t time.Time) int { return x.start.Compare(t) })
	hi, found := slices.BinarySearchFunc(all, to, func(x stored, t time.Time) int { return x.start.Compare(t) })
	if found {
		hi++
	}
	ws := slices.Clone(all[lo:max(lo, hi)])
	r.mu.Unlock()
	for _, s := range ws {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(&pgstore.StoredWindow{Topic: r.o.Name, Start: s.start, Size: r.size, State: s.state}); err != nil {
			return err
		}
	}
	return nil
}

// IncidentDocs returns the incidents that overlap [from, to] (started at
// or before to, and open or ended after from), by start, then id.
func (r *Recent) IncidentDocs(_ context.Context, from, to time.Time) ([]json.RawMessage, error) {
	type doc struct {
		id string
		kept
	}
	r.mu.Lock()
	var ds []doc
	for id, k := range r.incidents {
		if !k.start.After(to) && (k.open || k.end.After(from)) {
			ds = append(ds, doc{id, k})
		}
	}
	r.mu.Unlock()
	slices.SortFunc(ds, func(a, b doc) int { return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.id, b.id)) })
	out := make([]json.RawMessage, len(ds))
	for i, d := range ds {
		out[i] = d.doc
	}
	return out, nil
}
