package ingest

import (
	"sync"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// partition is one assigned partition: its counter, what the store knows
// of it, and the windows encoded for a flush that has not succeeded yet.
type partition struct {
	tp  kafkasrc.TopicPartition
	src *kafkasrc.Partition

	mu      sync.Mutex
	c       *pipeline.Counter
	stored  pgstore.Partition // epoch, generation; the rest is set at flush
	next    int64             // offset after the last batch counted
	lastMsg time.Time
	// caughtUp says that the reader found nothing more to read (an idle
	// batch at the end of the partition) and no message came since: each flush then tells the store
	// the partition is caught up as of its time.
	caughtUp bool
	unsaved  map[int64]pgstore.Window
	// changed says that something was counted since the last flush.
	changed bool
	fenced  bool
	// detected says that the counter has chosen a format and warning is
	// its warning as last logged; changedWarning that it changed since
	// (see noteFormat).
	detected, changedWarning bool
	warning                  string
}

// newPartition restores a claimed partition's counter from the store.
func newPartition(tp kafkasrc.TopicPartition, o *pipeline.Options, p pgstore.Partition, ws []pgstore.Window, closedTo time.Time) (*partition, error) {
	c, err := pipeline.NewCounter(tp.String(), *o)
	if err != nil {
		return nil, err
	}
	open := make([]*window.Window, 0, len(ws))
	for _, w := range ws {
		win, err := window.Decode(w.State, c.Config())
		if err != nil {
			return nil, &stateError{tp: tp, start: w.Start, err: err}
		}
		open = append(open, win)
	}
	c.Restore(p.Counts, p.Rejects, p.Newest.UnixNano(), !p.Newest.IsZero(), open)
	if !closedTo.IsZero() {
		c.SetClosed(closedTo.UnixNano())
	}
	return &partition{tp: tp, c: c, stored: p, next: p.Next, lastMsg: p.LastMessageAt, unsaved: make(map[int64]pgstore.Window)}, nil
}

// count counts one batch; caughtUp, for an idle batch, says whether the
// reader had reached the end of the partition. The note says what to log
// of the format's warning (see noteFormat).
func (p *partition) count(b pipeline.Batch, caughtUp bool) (pipeline.Counted, formatNote, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, err := p.c.Count(b)
	note := p.noteFormat()
	if b.Offset > p.next {
		p.next = b.Offset
	}
	if n.Counts.Lines > 0 {
		p.lastMsg = time.Now()
	}
	p.caughtUp = (b.Idle && caughtUp) || (p.caughtUp && len(b.Data) == 0 && b.TooLong == 0)
	p.changed = true
	return n, note, err
}

// snapshot returns the partition's flush: its state and every window
// changed since the last successful flush, encoded. ok is false when
// nothing changed.
func (p *partition) snapshot(generation int, closedTo time.Time) (f pgstore.Flush, ok bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !closedTo.IsZero() {
		p.c.SetClosed(closedTo.UnixNano())
	}
	if !p.changed && len(p.unsaved) == 0 && !p.caughtUp {
		return f, false, nil
	}
	err = p.c.Dirty(func(w *window.Window) error {
		state, err := w.AppendBinary(nil)
		if err != nil {
			return err
		}
		sw := pgstore.Window{
			Start: time.Unix(0, w.Start).UTC(), Size: p.c.Config().Size, State: state,
			Lines: w.Lines, Requests: w.Requests, Errors5xx: w.Status[5],
			// Not nil, which pgx writes as NULL: a window without
			// durations (metric samples, application logs) has none.
			LatencyUS: []int64{}, LatencyN: []int64{},
		}
		w.Latency.Each(func(v int64, n uint64) {
			sw.LatencyUS = append(sw.LatencyUS, v)
			sw.LatencyN = append(sw.LatencyN, int64(n))
		})
		p.unsaved[w.Start] = sw
		return nil
	})
	if err != nil {
		return f, false, err
	}
	p.c.Release()
	counts, reasons := p.c.Counts()
	newest, has := p.c.Newest()
	st := p.stored
	st.Next, st.Generation, st.Format, st.LastMessageAt, st.Counts = p.next, generation, p.c.Format(), p.lastMsg, counts
	st.Lag = p.src.Lag()
	if p.caughtUp {
		st.CaughtUpAt = time.Now()
	}
	st.Rejects = make(map[string]uint64, len(reasons))
	for r, n := range reasons {
		st.Rejects[r] = n
	}
	st.Newest = time.Time{}
	if has {
		st.Newest = time.Unix(0, newest).UTC()
	}
	f.Partition = st
	for _, w := range p.unsaved {
		f.Windows = append(f.Windows, w)
	}
	p.changed = false
	return f, true, nil
}

// saved forgets the windows of a flush that succeeded. Flushes are
// sequential and only snapshot changes unsaved, so they are still the
// ones of f.
func (p *partition) saved(f *pgstore.Flush) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range f.Windows {
		delete(p.unsaved, w.Start.UnixNano())
	}
}

// failed marks the partition changed again, so that the next flush
// writes its state even if nothing new is counted.
func (p *partition) failed() {
	p.mu.Lock()
	p.changed = true
	p.mu.Unlock()
}

// release marks the partition no longer read by this member: the next
// flush stores that it is not known to be caught up.
func (p *partition) release() {
	p.mu.Lock()
	if p.caughtUp {
		p.caughtUp, p.changed = false, true
		p.stored.CaughtUpAt = time.Time{}
	}
	p.mu.Unlock()
}
