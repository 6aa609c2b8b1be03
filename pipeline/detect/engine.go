package detect

import (
	"math"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// Engine detects incidents in a stream of closed windows, one window at a
// time, and tracks their lifecycle with an [incident.Tracker]. Its memory
// and its cost per window depend on the rules and the traffic of the
// recent windows, not on how many windows came before: it keeps a ring of
// the last windows (the baseline horizon) and, per rule and subject, the
// state of the current run of bad windows.
//
// An Engine is not safe for concurrent use: feed it from one goroutine.
type Engine struct {
	rules   Rules
	size    time.Duration
	z       float64 // normal quantile of rules.Confidence
	minutes float64 // window size in minutes, to scale per-minute rules
	// baseline is the length of trailing baselines, in windows.
	baseline int
	// ring holds the last windows: window j at ring[j%len(ring)], its
	// closed form for the last detail windows only.
	ring   []entry
	detail int
	// tiers are the rules' tiers in the order runs advance: severity,
	// then kind rank, so that a cover opens before what it covers.
	tiers []*tier
	// The tiers by detector; nil when their rule is off.
	payment, endpointSlow, failures, collapse *tier
	errAlert, errWarn, slowAlert, slowWarn    *tier
	attackTier, exfilTier, authTier           *tier
	burstTiers                                [numBursts]*tier
	metricTiers                               []*metricTier
	// series holds the runs of bad windows by tier and subject; tracks
	// the incidents they make, by kind and subject.
	series  map[seriesKey]*series
	tracks  map[trackKey]*track
	tracker *incident.Tracker
	// empty stands for a window without traffic.
	empty *window.Closed
	// noSkip turns off skipping long runs of empty windows (tests compare
	// both ways).
	noSkip bool
	// origin is the start of window 0 of the segment; n is the number of
	// windows of the segment so far; last the start of the last pushed.
	origin, last    time.Time
	n               int
	started, closed bool
	sinceSweep      int
	// Buffers reused from window to window.
	events   []incident.Event
	scratch  []float64
	subjects []string
	dirty    []*track
}

// New returns an engine for rules r; zero fields of r take their
// defaults. r must be valid ([Rules.Validate]): New panics otherwise, as
// the caller validates rules where they are read.
func New(r Rules) *Engine {
	if err := r.Validate(); err != nil {
		panic("BUG: detection rules not validated: " + err.Error())
	}
	r = r.withDefaults()
	size := time.Duration(r.WindowSize)
	e := &Engine{
		rules:    r,
		size:     size,
		z:        math.Sqrt2 * math.Erfinv(2*r.Confidence-1),
		minutes:  size.Minutes(),
		baseline: windowsIn(time.Duration(r.Baseline), size),
		series:   make(map[seriesKey]*series),
		tracks:   make(map[trackKey]*track),
		tracker:  incident.NewTracker(size),
		empty:    &window.Closed{Size: size},
	}
	e.newTiers()
	maxWindow, maxRun, maxQuiet := 1, 1, 2
	for _, t := range e.tiers {
		if t.ratio != nil {
			maxWindow = max(maxWindow, t.ratio.window)
		}
		maxRun, maxQuiet = max(maxRun, t.minRun), max(maxQuiet, t.quiet)
	}
	// A run's windows, its growth back and its baseline stay within
	// detail windows of the newest one: see horizon in runs.go.
	e.detail = e.baseline + maxRun + 2*maxWindow + maxQuiet + 2
	e.ring = make([]entry, max(e.detail, 4*e.baseline+1))
	return e
}

// windowsIn is the number of windows of size that cover d, at least 1.
func windowsIn(d, size time.Duration) int {
	return max(1, int((d+size-1)/size))
}

// Push gives the engine the next closed window and returns the incident
// events it caused, in a deterministic order (see [incident.Tracker]).
// Windows come in strictly increasing Start, all of the rules' window
// size; missing windows are windows without traffic, and a gap longer
// than Rules.MaxGap ends every incident (resolved at its last bad window)
// and starts detection afresh.
//
// The engine keeps w, read-only, while its ring needs it (a bounded
// number of windows): the caller must not modify it, and should drop what
// detection does not read (Latency) before Push. The returned slice is
// valid until the next Push or Close. Push panics on a window out of
// order, of another size, or after Close: those are wiring bugs.
func (e *Engine) Push(w *window.Closed) []incident.Event {
	e.events = e.events[:0]
	if e.closed {
		panic("BUG: Push after Close")
	}
	if w.Size != e.size {
		panic("BUG: window of " + w.Size.String() + " pushed into an engine of " + e.size.String() + " windows: use Rules.WindowConfig")
	}
	if e.started && !w.Start.After(e.last) {
		panic("BUG: windows pushed out of order: " + w.Start.String() + " after " + e.last.String())
	}
	if !e.started || w.Start.Sub(e.startOf(e.n)) > time.Duration(e.rules.MaxGap) {
		if e.started {
			e.endSegment(true)
		}
		e.started, e.origin, e.n = true, w.Start, 0
		clear(e.ring)
	}
	e.last = w.Start
	gap := w.Start.Sub(e.origin)
	if gap%e.size != 0 {
		panic("BUG: window start " + w.Start.String() + " not aligned on the windows before it")
	}
	i := int(gap / e.size)
	for quiet := 0; e.n < i; quiet++ {
		if quiet == e.stationary() && !e.noSkip {
			// Every window the ring and the runs look at is empty: more
			// empty windows change nothing. Skip to the next window, so
			// that a sparse log (a line a day) costs per line, not per
			// minute of its span.
			e.n = i
			break
		}
		e.step(e.empty)
	}
	e.step(w)
	return e.events
}

// stationary is how many empty windows in a row leave the engine in a
// state more empty windows do not change: the whole ring has turned over
// and every run's quiet period has passed.
func (e *Engine) stationary() int { return len(e.ring) + e.detail }

// Close ends the input: decisions that wait for later windows are taken
// as if none came (a run not yet long enough is dropped; an end grows
// over the quiet windows there are), and the incidents still on stay
// open. It returns the last events; Push may not follow.
func (e *Engine) Close() []incident.Event {
	e.events = e.events[:0]
	if !e.closed && e.started {
		e.endSegment(false)
	}
	e.closed = true
	return e.events
}

// Incidents returns every incident found so far, open and resolved
// (superseded ones are left out), by severity, then start, kind and
// subject: the final state of the events returned so far.
func (e *Engine) Incidents() []incident.Incident { return e.tracker.Incidents() }

// startOf returns the start of window j of the segment.
func (e *Engine) startOf(j int) time.Time { return e.origin.Add(time.Duration(j) * e.size) }

// step detects on window n of the segment.
func (e *Engine) step(w *window.Closed) {
	i := e.n
	e.n++
	ent := e.put(i, w)
	e.observe(i, ent)
	for _, t := range e.tiers {
		e.advance(t, i)
		e.report(true)
	}
	e.flush()
	if e.sinceSweep++; e.sinceSweep >= len(e.ring)/4+1 {
		e.sweep()
		e.sinceSweep = 0
	}
}

// endSegment ends every run as if no window followed the last one; with
// resolve, the incidents they leave are resolved and detection starts
// afresh, else they stay open.
func (e *Engine) endSegment(resolve bool) {
	for _, t := range e.tiers {
		for _, sr := range e.activeSeries(t) {
			e.endRun(sr, e.n-1)
		}
		e.report(resolve)
	}
	e.flush()
	if resolve {
		clear(e.series)
		clear(e.tracks)
	}
}

// flush ends the window in the tracker, collects its events and drops the
// runs of the incidents it superseded.
func (e *Engine) flush() {
	events := e.tracker.Flush()
	for _, ev := range events {
		if ev.Type == incident.Superseded {
			e.discard(trackKey{ev.Incident.Kind, ev.Incident.Subject})
		}
	}
	e.events = append(e.events, events...)
}
