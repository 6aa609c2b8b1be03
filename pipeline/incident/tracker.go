package incident

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"time"
)

// Tracker owns the lifecycle of incidents, as Prometheus' alerting rules
// own alerts': an incident is identified by (kind, subject), not by time;
// its state and timestamps live on it; it is resolved only after a quiet
// period. A detector tells the tracker, window by window, how each
// incident stands ([Tracker.Set]) and when its quiet period has passed
// ([Tracker.Resolve]); [Tracker.Flush] ends the window and returns what
// changed as [Event]s.
//
// # States and transitions
//
//	           Set                     Resolve (quiet period passed)
//	(none) ───────────► open ─────────────────────────────► resolved
//	                   │  ▲ │
//	    Set: escalated │  │ │ Flush: covered by a "*" incident
//	    or updated     └──┘ └─────────────────────────────► superseded
//
// The events, one per transition:
//
//   - opened: Set for a (kind, subject) with no open incident opens one.
//     Its ID is a hash of kind, subject and start as they are at opening
//     (FNV-1a, 64 bits, hex; the same incident found again by a replay has
//     the same ID). The ID never changes, even when the start later moves
//     back (a lower tier of the same rule that began earlier joins it).
//   - escalated: Set with a higher severity. Severity never falls: a
//     Set with a lower one keeps the incident's.
//   - updated: Set that moved anything an event reports (end, start,
//     peak, threshold, summary, evidence). At most one event per incident
//     per window, and none when nothing changed.
//   - resolved: Resolve, which the detector calls once the incident's
//     quiet period has passed without a bad window (the rule's window, at
//     least 2 windows: see docs/rules.md). The hysteresis is the
//     detector's, because whether a later bad window continues the
//     incident is a question about the rule. Terminal: a later bad
//     window of the same (kind, subject) opens a new incident, with a new
//     ID.
//   - superseded: at Flush, an open incident is superseded when an open
//     service-wide ("*") incident of another kind outranks it
//     ([Kind.Outranks]: a higher severity, or the same severity and a kind
//     it subsumes, as error_rate subsumes error_burst) and covers it: their
//     spans overlap, give or take one window. Terminal. Its last event
//     carries SupersededBy, the cover's ID, and it leaves the incident
//     list ([Tracker.Incidents]): the cover reports those minutes. An
//     incident already resolved is final and is not superseded.
//     [Tracker.Covered] lets the detector drop the bad windows an open
//     cover already explains, so that they do not open new incidents.
//
// # Order of events
//
// Seq numbers the events of one incident from 1 (opened). Within one
// Flush, the opened, escalated, updated and resolved events come first,
// by severity, kind rank, subject and start; superseded events come last,
// so that a receiver always knows the cover (opened or escalated in the
// same window, if that is what made it a cover) before the incident it
// supersedes. Supersede is decided after every Set of the window, on the
// severities they left: an incident that escalates in the window it is
// superseded gets only its superseded event (with its new severity); one
// that opened in that window gets both, opened first.
//
// A Tracker is not safe for concurrent use. Its memory grows with the
// number of incidents (the report lists them all), not with time.
type Tracker struct {
	size time.Duration
	open map[key]*tracked
	// wide holds the open service-wide incidents, the only covers.
	wide    map[Kind]*tracked
	done    []Incident
	touched []*tracked
	events  []Event
}

// Finding is how a detector sees an incident at the end of a window: the
// state of the incident of (Kind, Subject), as [Tracker.Set] records it.
// The tracker fills ID, Status and Runbook.
type Finding struct {
	Kind     Kind
	Subject  string
	Severity Severity
	// Start and End bound the incident's bad windows: [Start, End).
	Start, End time.Time
	Peak       Peak
	Threshold  float64
	Summary    string
	// Evidence is kept as given: the caller must not modify its slices.
	Evidence Evidence
}

type key struct {
	kind    Kind
	subject string
}

// tracked is an incident and what happened to it in the current window.
type tracked struct {
	inc Incident
	// sent is the incident as of its last event; before is it before a
	// supersede, for the opened event of the same window.
	sent, before Incident
	seq          uint64
	// touched marks an incident in Tracker.touched.
	touched, opened, resolved, superseded bool
}

// NewTracker returns a tracker for windows of length size, the margin of
// the supersede rule.
func NewTracker(size time.Duration) *Tracker {
	if size <= 0 {
		panic("BUG: tracker window size " + size.String() + " is not positive")
	}
	return &Tracker{size: size, open: make(map[key]*tracked), wide: make(map[Kind]*tracked)}
}

// Set records the state of the incident of (f.Kind, f.Subject), opening
// one when none is open. Calls within one window may repeat: the last
// state counts, and Flush emits at most one event for it.
func (t *Tracker) Set(f Finding) {
	k := key{f.Kind, f.Subject}
	tr := t.open[k]
	if tr == nil {
		tr = &tracked{opened: true}
		tr.inc = Incident{
			ID:       incidentID(f.Kind, f.Subject, f.Start),
			Kind:     f.Kind,
			Subject:  f.Subject,
			Severity: f.Severity,
			Status:   Open,
		}
		t.open[k] = tr
		if f.Subject == SubjectAll {
			t.wide[f.Kind] = tr
		}
	}
	in := &tr.inc
	in.Severity = min(in.Severity, f.Severity)
	in.Start, in.End = f.Start, f.End
	in.Peak, in.Threshold = f.Peak, f.Threshold
	in.Summary, in.Evidence = f.Summary, f.Evidence
	in.Runbook = RunbookOf(in.Kind, in.Severity)
	t.touch(tr)
}

// Resolve resolves the open incident of (kind, subject), as last Set: its
// quiet period has passed. It panics if there is none (a detector bug).
func (t *Tracker) Resolve(kind Kind, subject string) {
	k := key{kind, subject}
	tr := t.open[k]
	if tr == nil {
		panic(fmt.Sprintf("BUG: resolving %s %q, which is not open", kind, subject))
	}
	t.close(k)
	tr.inc.Status = Resolved
	tr.resolved = true
	t.done = append(t.done, tr.inc)
	t.touch(tr)
}

// Covered reports whether an open service-wide incident covers a window
// [start, end) of an incident of (kind, subject) at severity sev: it
// outranks it, and its span, widened by one window each way, overlaps the
// window.
func (t *Tracker) Covered(kind Kind, subject string, sev Severity, start, end time.Time) bool {
	for _, c := range t.wide {
		if c.covers(kind, sev, start, end, t.size) {
			return true
		}
	}
	return false
}

// covers reports whether c, open, covers [start, end) of an incident of
// kind at sev.
func (c *tracked) covers(kind Kind, sev Severity, start, end time.Time, size time.Duration) bool {
	in := &c.inc
	return in.Subject == SubjectAll && !c.superseded && in.Kind.Outranks(in.Severity, kind, sev) &&
		start.Before(in.End.Add(size)) && in.Start.Add(-size).Before(end)
}

// close removes the incident of k from the open ones.
func (t *Tracker) close(k key) {
	delete(t.open, k)
	if k.subject == SubjectAll {
		delete(t.wide, k.kind)
	}
}

func (t *Tracker) touch(tr *tracked) {
	if !tr.touched {
		tr.touched = true
		t.touched = append(t.touched, tr)
	}
}

// Flush ends the window: it supersedes the open incidents that an open
// service-wide incident covers, and returns the window's events in the
// order the type's documentation gives. The slice is reused by the next
// Flush.
func (t *Tracker) Flush() []Event {
	t.events = t.events[:0]
	superseded := t.supersede()
	slices.SortFunc(t.touched, func(a, b *tracked) int { return order(&a.inc, &b.inc) })
	for _, tr := range t.touched {
		switch typ, ok := tr.change(); {
		case tr.superseded && tr.opened:
			t.emit(tr, Opened, tr.before)
		case ok && !tr.superseded:
			t.emit(tr, typ, tr.inc)
		}
	}
	for _, tr := range superseded {
		t.emit(tr, Superseded, tr.inc)
	}
	for _, tr := range t.touched {
		tr.touched, tr.opened, tr.resolved, tr.superseded = false, false, false, false
	}
	clear(t.touched)
	t.touched = t.touched[:0]
	return t.events
}

// supersede marks the open incidents covered by an open service-wide one,
// covers taken by severity and kind rank, and returns them in that order.
func (t *Tracker) supersede() []*tracked {
	if len(t.wide) == 0 {
		return nil
	}
	covers := make([]*tracked, 0, len(t.wide))
	for _, tr := range t.wide {
		covers = append(covers, tr)
	}
	all := make([]*tracked, 0, len(t.open))
	for _, tr := range t.open {
		all = append(all, tr)
	}
	slices.SortFunc(all, func(a, b *tracked) int { return order(&a.inc, &b.inc) })
	slices.SortFunc(covers, func(a, b *tracked) int { return order(&a.inc, &b.inc) })
	var out []*tracked
	for _, c := range covers {
		if c.superseded {
			continue
		}
		for _, tr := range all {
			in := &tr.inc
			if tr != c && !tr.superseded && c.covers(in.Kind, in.Severity, in.Start, in.End, t.size) {
				tr.superseded = true
				tr.before = *in
				in.Status = Resolved
				in.SupersededBy = c.inc.ID
				t.close(key{in.Kind, in.Subject})
				t.touch(tr)
				out = append(out, tr)
			}
		}
	}
	return out
}

// change returns the type of tr's event for this window, if any.
func (tr *tracked) change() (EventType, bool) {
	switch {
	case tr.opened:
		return Opened, true
	case tr.resolved:
		return ResolvedEv, true
	case tr.inc.Severity < tr.sent.Severity:
		return Escalated, true
	case !same(&tr.inc, &tr.sent):
		return Updated, true
	}
	return "", false
}

func (t *Tracker) emit(tr *tracked, typ EventType, in Incident) {
	tr.seq++
	tr.sent = in
	t.events = append(t.events, Event{Type: typ, Seq: tr.seq, Incident: in})
}

// same reports whether a and b report the same state.
func same(a, b *Incident) bool {
	return a.Severity == b.Severity && a.Status == b.Status && a.Start.Equal(b.Start) && a.End.Equal(b.End) &&
		a.Peak.Value == b.Peak.Value && a.Peak.At.Equal(b.Peak.At) && a.Threshold == b.Threshold &&
		a.Summary == b.Summary && slices.Equal(a.Evidence.Endpoints, b.Evidence.Endpoints) &&
		slices.Equal(a.Evidence.Clients, b.Evidence.Clients) && slices.Equal(a.Evidence.Status, b.Evidence.Status) &&
		sameMetric(a.Evidence.Metric, b.Evidence.Metric)
}

// sameMetric reports whether a and b are the same metric evidence (both
// nil, or equal).
func sameMetric(a, b *MetricEvidence) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Samples == b.Samples && a.Min == b.Min && a.Mean == b.Mean && a.P95 == b.P95 && a.Max == b.Max &&
		a.Statistic == b.Statistic && a.Direction == b.Direction && a.Window == b.Window && a.Detail == b.Detail &&
		slices.Equal(a.Commands, b.Commands)
}

// order sorts incidents by severity, kind rank, subject and start.
func order(a, b *Incident) int {
	return cmp.Or(cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Kind.Rank(), b.Kind.Rank()),
		cmp.Compare(a.Subject, b.Subject), a.Start.Compare(b.Start))
}

// Incidents returns every incident that is open or resolved (superseded
// ones are left out), by severity, then start, kind and subject: the
// final state of the event sequence so far. The slice is the caller's.
func (t *Tracker) Incidents() []Incident {
	out := make([]Incident, 0, len(t.done)+len(t.open))
	out = append(out, t.done...)
	for _, tr := range t.open {
		out = append(out, tr.inc)
	}
	slices.SortFunc(out, func(a, b Incident) int {
		return cmp.Or(cmp.Compare(a.Severity, b.Severity), a.Start.Compare(b.Start),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
	})
	return out
}

// OpenCount returns the number of open incidents.
func (t *Tracker) OpenCount() int { return len(t.open) }

// incidentID is a stable hash of kind, subject and start: the same
// incident found again (a replay, another worker count) keeps its ID.
func incidentID(kind Kind, subject string, start time.Time) string {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(subject))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, start.UnixNano(), 10))
	return fmt.Sprintf("%016x", h.Sum64())
}
