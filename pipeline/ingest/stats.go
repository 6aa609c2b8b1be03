package ingest

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
)

// stats are the service's counters since it started, for /metrics.
type stats struct {
	mu sync.Mutex
	// Lines and Bytes consumed, by partition.
	Lines, Bytes map[kafkasrc.TopicPartition]uint64
	// Rejects counts rejected lines by reason.
	Rejects map[string]uint64
	// Flushes and FlushFailures count flush transactions;
	// FlushSeconds holds the duration of each successful one (the
	// caller's histogram takes them).
	Flushes, FlushFailures uint64
	FlushSeconds           []float64
	// Events counts incident events by severity and event type.
	Events map[EventKey]uint64
}

// EventKey labels an incident event count.
type EventKey struct {
	Severity incident.Severity
	Type     incident.EventType
}

func (st *stats) add(tp kafkasrc.TopicPartition, bytes int, n *pipeline.Counted) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.Lines == nil {
		st.Lines, st.Bytes, st.Rejects = map[kafkasrc.TopicPartition]uint64{}, map[kafkasrc.TopicPartition]uint64{}, map[string]uint64{}
	}
	st.Lines[tp] += n.Counts.Lines
	st.Bytes[tp] += uint64(bytes)
	for r, c := range n.Reasons {
		st.Rejects[r] += c
	}
}

func (st *stats) flushed(d time.Duration, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err != nil {
		st.FlushFailures++
		return
	}
	st.Flushes++
	st.FlushSeconds = append(st.FlushSeconds, d.Seconds())
}

func (st *stats) detected(events []incident.Event) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.Events == nil {
		st.Events = map[EventKey]uint64{}
	}
	for _, e := range events {
		st.Events[EventKey{e.Incident.Severity, e.Type}]++
	}
}

// Snapshot is a copy of the counters, and the consumer lag of each
// partition assigned now.
type Snapshot struct {
	Lines, Bytes           map[kafkasrc.TopicPartition]uint64
	Rejects                map[string]uint64
	Flushes, FlushFailures uint64
	// FlushSeconds are the flush durations since the last Snapshot.
	FlushSeconds []float64
	Events       map[EventKey]uint64
	Lag          map[kafkasrc.TopicPartition]int64
	// DeadLetter counts the rejected messages given to the dead-letter
	// topic (sent, dropped, failed, queued now); nil without one
	// (Options.DeadLetter).
	DeadLetter *kafkasrc.DeadLetterStats
}

// Stats returns a snapshot of the counters; the flush durations are
// handed out once.
func (s *Service) Stats() Snapshot {
	st := &s.stats
	st.mu.Lock()
	snap := Snapshot{
		Lines: maps.Clone(st.Lines), Bytes: maps.Clone(st.Bytes), Rejects: maps.Clone(st.Rejects),
		Flushes: st.Flushes, FlushFailures: st.FlushFailures, FlushSeconds: slices.Clone(st.FlushSeconds),
		Events: maps.Clone(st.Events), Lag: map[kafkasrc.TopicPartition]int64{},
	}
	st.FlushSeconds = st.FlushSeconds[:0]
	st.mu.Unlock()
	s.mu.Lock()
	for _, p := range s.current {
		snap.Lag[p.tp] = p.src.Lag()
	}
	s.mu.Unlock()
	if s.dl != nil {
		dls := s.dl.Stats()
		snap.DeadLetter = &dls
	}
	return snap
}
