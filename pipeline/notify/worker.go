package notify

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// logEvery is how many failed attempts of one event pass between two
// log lines about it, after the first.
const logEvery = 10

// worker is the goroutine of one sink: it delivers the sink's queue and,
// for a resender, re-sends its state every interval.
type worker struct {
	sink Sink
	name string // the sink's, made unique among the Notifier's sinks
	o    *Options
	q    *queue

	ctx    context.Context // cancelled when Close gives up
	cancel context.CancelFunc
	// closing is closed by Close: deliver what is queued, then stop.
	closing chan struct{}
	done    chan struct{}

	sent, failed, abandoned, rejected, late, resent atomic.Uint64
	inFlight                                        atomic.Bool
	// down is whether the last attempt failed (for the recovery log).
	down bool
}

func newWorker(s Sink, name string, o *Options) *worker {
	ctx, cancel := context.WithCancel(context.Background())
	return &worker{
		sink: s, name: name, o: o, q: newQueue(o.QueueSize),
		ctx: ctx, cancel: cancel,
		closing: make(chan struct{}), done: make(chan struct{}),
	}
}

func (w *worker) stats() Stats {
	n, dropped, coalesced := w.q.counts()
	if w.inFlight.Load() {
		n++
	}
	return Stats{
		Sink:      w.name,
		Sent:      w.sent.Load(),
		Failed:    w.failed.Load(),
		Dropped:   dropped + w.abandoned.Load() + w.rejected.Load() + w.late.Load(),
		Coalesced: coalesced,
		Queued:    n,
		Resent:    w.resent.Load(),
	}
}

// run delivers events as they are queued until Close: then it delivers
// what is left, or abandons it when Close gives up.
func (w *worker) run() {
	defer close(w.done)
	defer func() { w.abandoned.Add(uint64(w.q.drain())) }()
	r, _ := w.sink.(resender)
	var resend <-chan time.Time
	var timer *time.Timer
	if r != nil {
		timer = time.NewTimer(r.resendEvery())
		defer timer.Stop()
		resend = timer.C
	}
	backoff := w.o.MinBackoff // of the re-sends
	closing := w.closing
	for w.ctx.Err() == nil {
		select {
		case <-resend:
			timer.Reset(w.resend(r, &backoff))
			continue
		default:
		}
		if e, ok := w.q.pop(); ok {
			w.inFlight.Store(true)
			w.deliver(&e)
			w.inFlight.Store(false)
			continue
		}
		if closing == nil {
			return // Closed and delivered.
		}
		select {
		case <-w.q.ready:
		case <-resend:
			timer.Reset(w.resend(r, &backoff))
		case <-closing:
			closing = nil // Deliver what is left, then return.
			resend = nil
		case <-w.ctx.Done():
		}
	}
}

// deliver sends e until it is taken, refused for good, or Close gives
// up, waiting between attempts.
func (w *worker) deliver(e *incident.Event) {
	backoff := w.o.MinBackoff
	for attempt := 1; ; attempt++ {
		err := w.attempt(func(ctx context.Context) error { return w.sink.Send(ctx, e) })
		switch {
		case err == nil:
			w.sent.Add(1)
			return
		case w.ctx.Err() != nil:
			w.abandoned.Add(1)
			return
		case errors.Is(err, ErrRejected):
			w.rejected.Add(1)
			w.o.Logf("%s: dropped %s event %d of incident %s: %v", w.name, e.Type, e.Seq, e.Incident.ID, err)
			return
		}
		if attempt%logEvery == 1 {
			w.o.Logf("%s: %s event %d of incident %s, attempt %d failed (retrying in %s): %v",
				w.name, e.Type, e.Seq, e.Incident.ID, attempt, backoff, err)
		}
		if !w.sleep(backoff) {
			w.abandoned.Add(1)
			return
		}
		backoff = min(2*backoff, w.o.MaxBackoff)
	}
}

// resend re-sends r's state once and returns when to do it next: after
// the interval, or after a backoff (doubled each time) when it failed.
func (w *worker) resend(r resender, backoff *time.Duration) time.Duration {
	nothing := false
	err := w.attempt(func(ctx context.Context) error {
		err := r.resend(ctx)
		if errors.Is(err, errNothingOpen) {
			nothing, err = true, nil
		}
		return err
	})
	if err == nil {
		if !nothing {
			w.resent.Add(1)
		}
		*backoff = w.o.MinBackoff
		return r.resendEvery()
	}
	if w.ctx.Err() != nil {
		return r.resendEvery()
	}
	wait := min(*backoff, r.resendEvery())
	*backoff = min(2**backoff, w.o.MaxBackoff)
	w.o.Logf("%s: re-send failed (retrying in %s): %v", w.name, wait, err)
	return wait
}

// attempt runs one delivery attempt under Options.Timeout, counting a
// failure and logging a recovery.
func (w *worker) attempt(send func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(w.ctx, w.o.Timeout)
	err := send(ctx)
	cancel()
	switch {
	case err == nil:
		if w.down {
			w.down = false
			w.o.Logf("%s: delivering again", w.name)
		}
	case w.ctx.Err() == nil: // Not an attempt Close cut short.
		w.failed.Add(1)
		w.down = !errors.Is(err, ErrRejected)
	}
	return err
}

// sleep waits for d, or returns false at once when Close gives up.
func (w *worker) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.ctx.Done():
		return false
	}
}
