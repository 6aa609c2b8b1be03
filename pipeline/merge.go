package pipeline

import (
	"cmp"
	"errors"
	"maps"
	"math"
	"slices"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// loop merges parts until every worker and source is done, then closes
// the remaining windows and ends detection.
func (m *merger) loop(parts <-chan *part, regs <-chan registration, ended <-chan *sourceState) {
	for parts != nil || ended != nil {
		select {
		case r := <-regs:
			m.register(r)
			m.closeUpTo(m.watermark())
		case p, ok := <-parts:
			if !ok {
				parts = nil
				continue
			}
			st := p.src
			st.waiting[p.seq] = p
			m.drain(st)
		case st, ok := <-ended:
			if !ok {
				ended = nil
				continue
			}
			st.finished = true
			m.drain(st)
		}
	}
	m.closeUpTo(math.MaxInt64)
	m.emit(m.detector.Close())
}

// drain merges the waiting parts of st that are next in its order, then
// closes what the watermark allows.
func (m *merger) drain(st *sourceState) {
	for {
		p := st.waiting[st.next]
		if p == nil {
			break
		}
		delete(st.waiting, st.next)
		st.next++
		m.merge(p)
	}
	m.flushMetrics(st)
	m.admit()
	m.closeUpTo(m.watermark())
	if m.opts.OnOpen != nil {
		m.opts.OnOpen(m.open)
	}
}

// merge adds one part of a source, the next in its order.
func (m *merger) merge(p *part) {
	st := p.src
	if p.metrics != nil {
		mapPart(p, m.cfg, m, m.limit(st))
	}
	m.mergeWindows(st, p.windows, &p.counts)
	if p.idle {
		st.idle = true
	} else if p.counts.Lines > 0 {
		st.idle = false
	}
	if p.hasTime && (!st.hasTime || p.maxTime > st.newest) {
		st.newest, st.hasTime = p.maxTime, true
	}
	m.counts.add(&p.counts)
	st.lines += p.counts.Lines
	st.tailUnread += p.tailUnread
	for r, n := range p.reasons {
		m.reasons[r] += n
	}
	for _, s := range p.samples {
		m.samples = insertSample(m.samples, s, m.opts.MalformedSamples)
	}
}

// mergeWindows merges windows of st into the open ones. Windows the
// source's watermark (before them) or an idle close had passed are
// closed: their lines are late, counted in counts.
func (m *merger) mergeWindows(st *sourceState, wins map[int64]*window.Window, counts *InputCounts) {
	limit := m.limit(st)
	for _, start := range slices.Sorted(maps.Keys(wins)) {
		mergeWindow(m.open, wins[start], start, limit, m.cfg, m.pool, counts)
	}
	m.maxOpen = max(m.maxOpen, len(m.open))
}

// limit is the end of the last window closed for st: its watermark, or
// the windows closed for every source.
func (m *merger) limit(st *sourceState) int64 {
	if st.hasTime {
		return max(m.closedTo, st.newest-int64(m.opts.Lateness))
	}
	return m.closedTo
}

// closeUpTo closes the open windows that end at or before limit, oldest
// first, and feeds them to the timeline and the detectors.
func (m *merger) closeUpTo(limit int64) {
	if limit == math.MinInt64 {
		return
	}
	var starts []int64
	for s := range m.open {
		if s+int64(m.cfg.Size) <= limit {
			starts = append(starts, s)
		}
	}
	slices.Sort(starts)
	for _, s := range starts {
		if m.opts.OnWindow != nil {
			m.opts.OnWindow(m.open[s])
		}
		c := m.open[s].Close()
		delete(m.open, s)
		m.timeline.Add(c)
		if len(c.Metrics) > 0 {
			m.metrics.add(c)
		}
		c.Latency = nil
		m.emit(m.detector.Push(c))
		m.closedTo = max(m.closedTo, s+int64(m.cfg.Size))
	}
	if limit != math.MaxInt64 {
		m.closedTo = max(m.closedTo, limit)
	}
}

func (m *merger) emit(events []incident.Event) {
	if m.opts.OnEvent == nil {
		return
	}
	for _, e := range events {
		m.opts.OnEvent(e)
	}
}

// insertSample inserts s in order into samples, keeping at most n.
func insertSample(samples []Sample, s Sample, n int) []Sample {
	i, _ := slices.BinarySearchFunc(samples, s, func(a, b Sample) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Line, b.Line))
	})
	if i >= n {
		return samples
	}
	samples = slices.Insert(samples, i, s)
	return samples[:min(len(samples), n)]
}

func asFormatError(err error, fe **FormatError) bool { return errors.As(err, fe) }
