package ingest

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// detector is the detection of the instance that leads: the engine fed
// the windows merged across partitions, in time order, up to closedTo.
type detector struct {
	leader   *pgstore.Leader
	eng      *detect.Engine
	cfg      window.Config
	closedTo time.Time
	// dropped is when retention last dropped old windows (wall time).
	dropped time.Time
}

// detectLoop tries to lead every Options.Flush and, while it leads,
// closes the windows every partition has passed and runs detection on
// them.
func (s *Service) detectLoop(ctx context.Context) {
	tick := time.NewTicker(s.o.Flush)
	defer tick.Stop()
	var d *detector
	defer func() {
		if d != nil {
			s.resign(d)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if d == nil {
			var err error
			if d, err = s.lead(ctx); err != nil {
				s.o.Logf("detection: %v", err)
			}
			if d == nil {
				continue
			}
		}
		if err := s.detectStep(ctx, d); err != nil {
			// The engine may have taken windows that were not saved:
			// start again from the store, as a new leader would.
			s.o.Logf("detection: %v", err)
			s.resign(d)
			d = nil
		}
		if err := s.readProgress(ctx); err != nil {
			s.o.Logf("detection: %v", err)
		}
	}
}

// lead takes the detection lock if it is free, and brings a new engine
// to where detection stopped by replaying the stored windows before it:
// from the baseline horizon before the earliest open incident (or before
// the progress), so that the incidents still open and the baselines are
// found again with the same ids. Nothing replayed is sent again.
func (s *Service) lead(ctx context.Context) (*detector, error) {
	l, err := s.store.Load().TryLead(ctx)
	if l == nil || err != nil {
		return nil, err
	}
	d := &detector{leader: l, eng: detect.New(s.o.Engine.Rules), cfg: s.o.Engine.Rules.WindowConfig().WithDefaults()}
	prog, err := l.Progress(ctx)
	if err != nil {
		l.Close()
		return nil, err
	}
	if prog.ClosedTo.IsZero() {
		s.o.Logf("detection: leading, from the start")
		s.onLead(d)
		return d, nil
	}
	from := prog.ClosedTo
	if !prog.OpenSince.IsZero() && prog.OpenSince.Before(from) {
		from = prog.OpenSince
	}
	from = from.Add(-replayHorizon(s.o.Engine.Rules))
	if _, err := s.closeWindows(ctx, d, from, prog.ClosedTo); err != nil {
		l.Close()
		return nil, err
	}
	d.closedTo = prog.ClosedTo
	s.o.Logf("detection: leading, replayed from %s to %s", from.Format(time.RFC3339), prog.ClosedTo.Format(time.RFC3339))
	s.onLead(d)
	return d, nil
}

// onLead tells Options.OnLead of the incidents open in d's engine, which
// this leader now keeps firing (they were opened, and their events sent,
// before it led).
func (s *Service) onLead(d *detector) {
	if s.o.OnLead == nil {
		return
	}
	open := []incident.Incident{}
	for _, in := range d.eng.Incidents() {
		if in.Status == incident.Open {
			open = append(open, in)
		}
	}
	s.o.OnLead(open)
}

// resign gives up the lead of d: the lock, and the incidents kept firing,
// which the next leader takes over.
func (s *Service) resign(d *detector) {
	d.leader.Close()
	if s.o.OnLead != nil {
		s.o.OnLead(nil)
	}
}

// replayHorizon is how far before the first window that matters a
// replay starts: the trailing baselines look back four baselines.
func replayHorizon(r detect.Rules) time.Duration {
	b := time.Duration(r.Baseline)
	if b <= 0 {
		b = time.Duration(detect.DefaultRules().Baseline)
	}
	return 4*b + time.Duration(r.WindowConfig().WithDefaults().Size)
}

// detectStep closes the windows up to the watermark of the partitions,
// and saves the progress and the events in one transaction.
func (s *Service) detectStep(ctx context.Context, d *detector) error {
	if !d.leader.Alive(ctx) {
		return pgstore.ErrNotLeader
	}
	prog, err := d.leader.Progress(ctx)
	if err != nil {
		return err
	}
	wm, ok := s.watermark(&prog, d.cfg.Size)
	if !ok || !wm.After(d.closedTo) {
		return nil
	}
	events, err := s.closeWindows(ctx, d, d.closedTo, wm)
	if err != nil {
		return err
	}
	if err := d.leader.Save(ctx, wm, events); err != nil {
		return err
	}
	d.closedTo = wm
	if time.Since(d.dropped) >= time.Minute {
		if _, err := s.store.Load().DropBefore(ctx, wm.Add(-s.o.Retention)); err != nil {
			s.o.Logf("retention: %v", err)
		}
		d.dropped = time.Now()
	}
	s.stats.detected(events)
	if s.o.OnEvent != nil {
		for _, e := range events {
			s.o.OnEvent(e)
		}
	}
	return nil
}

// watermark is the time every partition with data has passed: the least
// newest time less the lateness over the partitions that are not idle;
// when all are idle, the end of the newest window.
//
// A partition is idle when it has had no message for Options.Idle and its
// reader, alive, said recently (within Options.Idle) that it had nothing
// more to read. A partition whose member died holds detection back,
// however old its last message, until another member has caught up with
// it: lines produced meanwhile are not lost as late.
func (s *Service) watermark(prog *pgstore.Progress, size time.Duration) (time.Time, bool) {
	now := time.Now()
	wm := time.Unix(0, math.MaxInt64)
	var newest time.Time
	active := false
	for _, p := range prog.Partitions {
		caughtUp := !p.CaughtUpAt.IsZero() && !p.CaughtUpAt.Before(p.LastMessageAt) && now.Sub(p.CaughtUpAt) < s.o.Idle
		if p.Newest.IsZero() {
			// Nothing with a time counted: the partition holds
			// everything back until it has read something or its reader
			// found nothing to read.
			if !caughtUp {
				return time.Time{}, false
			}
			continue
		}
		if p.Newest.After(newest) {
			newest = p.Newest
		}
		if caughtUp && now.Sub(p.LastMessageAt) >= s.o.Idle {
			continue
		}
		active = true
		if w := p.Newest.Add(-s.o.Engine.Lateness); w.Before(wm) {
			wm = w
		}
	}
	switch {
	case active:
		return wm, true
	case newest.IsZero():
		return time.Time{}, false
	}
	return newest.Truncate(size).Add(size), true
}

// closeWindows merges, closes and pushes the stored windows ending in
// (from, to] through d's engine, in time order, and returns the events.
// Those are the windows starting in [start of from's window, start of
// to's window): bounds on the windows' grid, which PostgreSQL's
// microseconds hold exactly (to less a window plus 1 ns, the bound this
// took before, lost its nanosecond there and left out the window ending
// at to: the last window of an idle topic was never detected).
func (s *Service) closeWindows(ctx context.Context, d *detector, from, to time.Time) ([]incident.Event, error) {
	lo := time.Unix(0, math.MinInt64+1)
	if !from.IsZero() {
		lo = time.Unix(0, d.cfg.StartOf(from.UnixNano()))
	}
	starts, err := d.leader.Starts(ctx, lo, time.Unix(0, d.cfg.StartOf(to.UnixNano())))
	if err != nil {
		return nil, err
	}
	var events []incident.Event
	for _, start := range starts {
		states, err := d.leader.States(ctx, start)
		if err != nil {
			return nil, err
		}
		var merged *window.Window
		for _, st := range states {
			w, err := window.Decode(st, &d.cfg)
			if err != nil {
				return nil, errors.Join(errors.New("cannot restore a stored window"), err)
			}
			if merged == nil {
				merged = w
			} else {
				merged.Merge(w)
			}
		}
		if merged == nil {
			continue
		}
		c := merged.Close()
		c.Latency = nil
		events = append(events, d.eng.Push(c)...)
	}
	return events, nil
}

// readProgress reads detection's progress for the partitions' lateness
// bound.
func (s *Service) readProgress(ctx context.Context) error {
	t, err := s.store.Load().ClosedTo(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.closed = t
	s.mu.Unlock()
	return nil
}
