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
// Memory is bounded: Recent keeps the windows (encoded, as ingest
// stores them) that start within RecentOptions.Keep of the newest one,
// at most RecentOptions.MaxBytes of them, and the incidents open or
// ended after the oldest window kept.
//
// AddWindow and AddEvent are for one goroutine (the engine's merger);
// every method is safe for concurrent use with the others. The reads
// copy what they return under a mutex and decode nothing while holding
// it, so that a page being made does not hold up the run.
type Recent struct {
	o    RecentOptions
	size time.Duration

	// received is the wall time of the newest lines (Unix ns; 0: none).
	received atomic.Int64

	mu        sync.Mutex
	windows   []stored // by start
	bytes     int
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
// end of its newest window as its newest time, and when lines last came.
func (r *Recent) Partitions(context.Context) ([]pgstore.Partition, error) {
	p := pgstore.Partition{Topic: r.o.Name, Format: r.o.Format}
	if ns := r.received.Load(); ns != 0 {
		p.LastMessageAt = time.Unix(0, ns).UTC()
	}
	r.mu.Lock()
	if len(r.windows) > 0 {
		p.Newest = r.windows[len(r.windows)-1].start.Add(r.size)
	}
	r.mu.Unlock()
	return []pgstore.Partition{p}, nil
}

// EachWindow calls fn with each window kept that starts in [from, to],
// in order of start.
func (r *Recent) EachWindow(ctx context.Context, from, to time.Time, fn func(*pgstore.StoredWindow) error) error {
	r.mu.Lock()
	lo, _ := slices.BinarySearchFunc(r.windows, from, func(x stored, t time.Time) int { return x.start.Compare(t) })
	hi, found := slices.BinarySearchFunc(r.windows, to, func(x stored, t time.Time) int { return x.start.Compare(t) })
	if found {
		hi++
	}
	ws := slices.Clone(r.windows[lo:max(lo, hi)])
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
