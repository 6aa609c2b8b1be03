package pipeline

import (
	"cmp"
	"math"
	"slices"

	"github.com/vigil-ops/vigil/parsers"
)

// The gate keeps several inputs from holding each other's windows open.
// Each source's reader tells the merger the first event time of its input
// before it hands over any line, then waits to be admitted. A source is
// admitted when every running source has reached its first time (minus
// the lateness), or when none runs: rotated logs given together
// (access.log.3 … access.log) are then read one after the other, in time
// order, and their windows close as they go, while logs of the same hours
// (two servers) are read side by side. A source waiting at the gate holds
// the watermark at its first time, so that none of its lines is late
// because it came second.

// registration is what a reader tells the merger about its input before
// its first batch: its first event time, if its first batch has one.
type registration struct {
	st       *sourceState
	hasFirst bool
	first    int64
}

// firstTime returns the event time of the first timed line of data.
func firstTime(f *format, data []byte) (int64, bool) {
	p := f.newParser()
	var r parsers.Record
	for len(data) > 0 {
		var line []byte
		line, data = cutLine(data)
		if p.Parse(line, &r) == nil && r.Time != parsers.NoTime {
			return r.Time, true
		}
	}
	return 0, false
}

// register records a source's registration and admits what may run.
func (m *merger) register(r registration) {
	st := r.st
	st.registered, st.hasFirst, st.first = true, r.hasFirst, r.first
	m.admit()
}

// admit lets waiting sources run, earliest first, while they may. It
// waits until every source has registered (or ended, or gone idle before
// any line), so that the earliest input starts first.
func (m *merger) admit() {
	var waiting []*sourceState
	for _, st := range m.states {
		if !st.registered && !st.idle && !st.done() {
			return
		}
		if st.registered && !st.admitted {
			waiting = append(waiting, st)
		}
	}
	slices.SortFunc(waiting, func(a, b *sourceState) int {
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.index, b.index))
	})
	for _, st := range waiting {
		if st.hasFirst && !m.reached(st.first-int64(m.opts.Lateness)) {
			return
		}
		st.admitted = true
		close(st.admit)
	}
}

// reached reports whether every running source's watermark is at t or
// later (true when none runs).
func (m *merger) reached(t int64) bool {
	for _, st := range m.states {
		if wm, ok := m.sourceWatermark(st); ok && st.admitted && wm < t {
			return false
		}
	}
	return true
}

// sourceWatermark is a running source's watermark, and whether it has
// one: ended, idle and untimed sources hold nothing back.
func (m *merger) sourceWatermark(st *sourceState) (int64, bool) {
	switch {
	case st.done(), st.idle:
		return 0, false
	case st.hasTime:
		return st.newest - int64(m.opts.Lateness), true
	case st.hasFirst:
		return st.first - int64(m.opts.Lateness), true
	}
	return 0, false
}

// watermark is the time up to which every source has passed: the least
// watermark of the running sources and the first times of the waiting
// ones. A source that has not registered yet holds everything back.
func (m *merger) watermark() int64 {
	wm := int64(math.MaxInt64)
	for _, st := range m.states {
		if !st.registered && !st.idle && !st.done() {
			return math.MinInt64
		}
		if w, ok := m.sourceWatermark(st); ok {
			wm = min(wm, w)
		}
	}
	return wm
}

// done reports whether the source ended and all its parts are merged.
func (st *sourceState) done() bool { return st.finished && st.next == st.total }
