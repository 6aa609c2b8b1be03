package notify

import (
	"sync"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// queue is one sink's bounded FIFO of events waiting for delivery. It
// keeps every event while it has room, so that a receiver that keeps up
// sees each event in order. When it is full, an event goes, in this
// order of preference (see [rank]):
//
//  1. when the new event is an update and the last queued event of its
//     incident is an update too, the new one takes its place
//     (coalesced: the newest state is kept, and sent earlier);
//  2. the oldest queued update whose incident has a later event queued
//     (coalesced: that later event carries a newer state);
//  3. the oldest queued event of the lowest rank, when its rank is at
//     most the new event's (dropped);
//  4. else the new event itself (dropped).
//
// So an opened, resolved or superseded event is dropped only when the
// whole queue holds such events, and never while an update or an
// escalation could go instead.
//
// A queue is safe for concurrent use: push from Notify's callers, pop
// from the sink's goroutine.
type queue struct {
	mu sync.Mutex
	// ring holds the queued events, the oldest at head; n of them.
	ring    []incident.Event
	head, n int
	// ready has a token when events may be queued; the sink's goroutine
	// waits on it.
	ready chan struct{}

	dropped, coalesced uint64 // guarded by mu
}

func newQueue(size int) *queue {
	return &queue{ring: make([]incident.Event, size), ready: make(chan struct{}, 1)}
}

// rank orders event types by what losing one costs: an update is
// followed by a newer state, an escalation only raises the severity
// that later events also carry, while an opening or an end is news of
// its own.
func rank(t incident.EventType) int {
	switch t {
	case incident.Updated:
		return 0
	case incident.Escalated:
		return 1
	}
	return 2
}

// at returns the i-th queued event, the oldest being 0.
func (q *queue) at(i int) *incident.Event { return &q.ring[(q.head+i)%len(q.ring)] }

// push queues e, making room as the type's documentation says when the
// queue is full. e is kept by value: its Evidence slices are shared,
// never modified (incident.Finding's contract). Cost: no allocation
// while the queue has room.
func (q *queue) push(e incident.Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n < len(q.ring) {
		*q.at(q.n) = e
		q.n++
		q.signal()
		return
	}
	if e.Type == incident.Updated {
		for i := q.n - 1; i >= 0; i-- {
			if it := q.at(i); it.Incident.ID == e.Incident.ID {
				if it.Type != incident.Updated {
					break // Replacing an older one would reorder.
				}
				*it = e
				q.coalesced++
				return
			}
		}
	}
	i, coalesced := q.victim(rank(e.Type))
	switch {
	case i < 0:
		q.dropped++
		return
	case coalesced:
		q.coalesced++
	default:
		q.dropped++
	}
	q.remove(i)
	*q.at(q.n) = e
	q.n++
}

// victim returns the index of the queued event to make room with for an
// event of rank r, and whether its incident's state survives in a later
// queued event; -1 when the new event should go instead. It runs only
// when the queue is full, and may allocate.
func (q *queue) victim(r int) (int, bool) {
	later := make(map[string]bool) // incidents with an event after i
	found := -1
	for i := q.n - 1; i >= 0; i-- {
		it := q.at(i)
		if it.Type == incident.Updated && later[it.Incident.ID] {
			found = i // Keep going: the oldest goes first.
		}
		later[it.Incident.ID] = true
	}
	if found >= 0 {
		return found, true
	}
	for i := 0; i < q.n; i++ {
		if k := rank(q.at(i).Type); k <= r && (found < 0 || k < rank(q.at(found).Type)) {
			found = i
		}
	}
	return found, false
}

// remove deletes the i-th queued event, moving the later ones up.
func (q *queue) remove(i int) {
	for ; i < q.n-1; i++ {
		*q.at(i) = *q.at(i + 1)
	}
	*q.at(q.n - 1) = incident.Event{}
	q.n--
}

// signal leaves a token in ready. The caller holds mu.
func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop takes the oldest event, if any.
func (q *queue) pop() (incident.Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		return incident.Event{}, false
	}
	it := q.at(0)
	e := *it
	*it = incident.Event{} // Let the incident's evidence go.
	q.head = (q.head + 1) % len(q.ring)
	q.n--
	return e, true
}

// drain removes every queued event and returns how many there were.
func (q *queue) drain() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.n
	clear(q.ring)
	q.head, q.n = 0, 0
	return n
}

// counts returns the queue's length and what it dropped and coalesced.
func (q *queue) counts() (n int, dropped, coalesced uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n, q.dropped, q.coalesced
}
