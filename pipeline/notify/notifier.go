package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// Defaults of the Options fields.
const (
	DefaultQueueSize  = 1024
	DefaultTimeout    = 10 * time.Second
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
	// StopGrace is how long Stop waits for the queues to be delivered.
	StopGrace = 2 * time.Second
)

// Options configure a Notifier. The zero value of a field (or a negative
// one) means its default.
type Options struct {
	// QueueSize is how many events may wait for delivery per sink; beyond
	// it, updates are coalesced and events dropped (see [Notifier]).
	// Memory: an event is about 400 bytes plus its evidence, shared with
	// the engine's incident list. Default: DefaultQueueSize (1024).
	QueueSize int
	// Timeout bounds one delivery attempt (an HTTP request, a Kafka write).
	// Default: DefaultTimeout (10s).
	Timeout time.Duration
	// MinBackoff is the wait before the first retry of a failed
	// delivery; each further failure of the same event doubles it.
	// Default: DefaultMinBackoff (500ms).
	MinBackoff time.Duration
	// MaxBackoff caps the wait between retries.
	// Default: DefaultMaxBackoff (30s).
	MaxBackoff time.Duration
	// Logf, when not nil, is told of failed deliveries (the first
	// failure of an event and every tenth after it), of events given up,
	// and of a receiver that is reached again. It is called from the
	// sinks' goroutines.
	Logf func(format string, args ...any)
}

func (o Options) withDefaults() Options {
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o
}

// Stats count the events of one sink. Once Close has returned, every
// event Notify offered the sink is in exactly one of Sent, Dropped and
// Coalesced.
type Stats struct {
	// Sink is the sink's Name, followed by " #2", " #3"… for a second,
	// third… sink of the same name.
	Sink string
	// Sent counts the events delivered (acknowledged by the receiver).
	Sent uint64
	// Failed counts the failed delivery attempts (each retry that failed
	// counts), re-sends included.
	Failed uint64
	// Dropped counts the events that will never be delivered: pushed
	// out of a full queue, refused by the receiver ([ErrRejected]),
	// offered after Close, or abandoned by Close at its deadline.
	Dropped uint64
	// Coalesced counts the updates that left a full queue for a newer
	// event of the same incident (whose state they carried).
	Coalesced uint64
	// Queued is how many events wait now, the one being delivered
	// included.
	Queued int
	// Resent counts the successful re-sends of the receiver's state
	// (Alertmanager's open alerts); 0 for other sinks.
	Resent uint64
}

// Notifier passes incident events to sinks (Alertmanager, webhooks, a
// Kafka topic) without ever making its caller wait for them.
//
// Each sink has a bounded queue ([Options].QueueSize) and a goroutine
// that delivers the queue in order, at least once: a failed attempt is
// retried after a backoff that doubles from MinBackoff to MaxBackoff,
// until the receiver takes the event or refuses it for good
// ([ErrRejected]). While a receiver is slow or down its queue fills up;
// a full queue coalesces the updates of one incident (keeping the newest
// state) and then drops events, least important first (an update before
// an escalation before an opening or end), counting them in [Stats]. A
// sink's trouble never reaches another sink nor the caller of Notify.
//
// Notify, Stats and Close are safe for concurrent use.
type Notifier struct {
	o       Options
	workers []*worker

	// mu guards closed, so that Close sees every Notify before it
	// or none of it.
	mu     sync.RWMutex
	closed bool
}

// New returns a Notifier sending to sinks and starts a goroutine per
// sink. Close stops them and closes the sinks.
func New(o Options, sinks ...Sink) (*Notifier, error) {
	if len(sinks) == 0 {
		return nil, errors.New("cannot notify: no sinks")
	}
	o = o.withDefaults()
	n := &Notifier{o: o}
	seen := make(map[string]int)
	for _, s := range sinks {
		if s == nil {
			return nil, errors.New("cannot notify: nil sink")
		}
		name := s.Name()
		if seen[name]++; seen[name] > 1 {
			name += " #" + strconv.Itoa(seen[name])
		}
		n.workers = append(n.workers, newWorker(s, name, &n.o))
	}
	for _, w := range n.workers {
		go w.run()
	}
	return n, nil
}

// Notify queues e for every sink that accepts its type and returns at
// once, whatever the receivers do: it is fit for the engine's and
// ingest's Options.OnEvent. e is kept by value; its Evidence slices are
// shared with the caller, who must not modify them (the engine does
// not). Cost: a mutex per sink, no allocation while the queues have
// room.
func (n *Notifier) Notify(e incident.Event) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, w := range n.workers {
		if !w.sink.Accepts(e.Type) {
			continue
		}
		if n.closed {
			w.late.Add(1)
			continue
		}
		if r, ok := w.sink.(resender); ok {
			r.observe(&e)
		}
		w.q.push(e)
	}
}

// SetOpen replaces the open incidents that the sinks which re-send their
// receiver's state (Alertmanager) keep firing, without sending any
// event: for a new detection leader, which takes over the incidents
// another instance opened (and sent the events of), so that their
// alerts do not resolve by timeout; and with none for an instance that
// stops leading, so that it does not keep firing what the new leader may
// resolve. The next re-send (AlertmanagerOptions.Resend) sends them.
// Incidents are kept by value; their Evidence slices are shared. Safe
// for concurrent use with Notify.
func (n *Notifier) SetOpen(open []incident.Incident) {
	for _, w := range n.workers {
		if r, ok := w.sink.(resender); ok {
			r.setOpen(open)
		}
	}
}

// Stats returns each sink's counters, in the order of the sinks given to
// New.
func (n *Notifier) Stats() []Stats {
	out := make([]Stats, len(n.workers))
	for i, w := range n.workers {
		out[i] = w.stats()
	}
	return out
}

// Close stops taking events (later ones are dropped and counted) and
// waits until every queue is delivered, then closes the sinks. When ctx
// is done first, it abandons what is left: the attempts in flight are
// cancelled, the queued events counted as dropped, and Close returns
// "notify close: " and ctx's error. Re-sends stop: Alertmanager keeps an
// open alert firing until the endsAt of its last re-send. Close may be
// called more than once.
func (n *Notifier) Close(ctx context.Context) error {
	n.mu.Lock()
	first := !n.closed
	n.closed = true
	n.mu.Unlock()
	if first {
		for _, w := range n.workers {
			close(w.closing)
		}
	}
	var err error
	for _, w := range n.workers {
		select {
		case <-w.done:
			continue // Delivered, even if ctx is done too.
		default:
		}
		select {
		case <-w.done:
		case <-ctx.Done():
			err = fmt.Errorf("notify close: %w", ctx.Err())
		}
		if err != nil {
			break
		}
	}
	for _, w := range n.workers {
		w.cancel() // Abandon what is left; a no-op for those done.
		<-w.done
	}
	if first {
		for _, w := range n.workers {
			if cerr := w.sink.Close(); cerr != nil {
				n.o.Logf("%s: close: %v", w.name, cerr)
			}
		}
	}
	return err
}

// Stop is the end of a command's run: Close within StopGrace, then
// logf is told of Close's error and of each sink's events that were not
// delivered. A nil n does nothing.
func (n *Notifier) Stop(logf func(format string, args ...any)) {
	if n == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), StopGrace)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		logf("%v", err)
	}
	for _, s := range n.Stats() {
		if s.Dropped > 0 {
			logf("notify: %s: %d incident events not delivered", s.Sink, s.Dropped)
		}
	}
}
