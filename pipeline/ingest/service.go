// Package ingest is the production front door of the engine: it consumes
// log lines from Kafka in a consumer group, counts them per partition
// into windows (pipeline.Counter), stores the windows with the consumed
// offsets in PostgreSQL (pgstore) so that nothing is lost or counted
// twice, and runs detection on the windows merged across all partitions.
//
// One instance of a group detects at a time: the one holding the group's
// PostgreSQL advisory lock (pgstore.Leader). docs/ingest.md says why and
// how the pieces fit.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
)

// Service is one ingest instance.
type Service struct {
	o     Options
	store atomic.Pointer[pgstore.Store]
	group *kafkasrc.Group

	mu      sync.Mutex
	claimed map[kafkasrc.TopicPartition]*partition // by OnAssign, for the generation Next returns
	current []*partition                           // the running generation's
	paused  chan struct{}                          // closed when reading may go on; nil: not paused
	closed  time.Time                              // detection's progress, as last read

	health health
	stats  stats
	// formats logs the partitions' format warnings once per topic.
	formats formatLog
	// dl writes the rejected messages to Options.DeadLetter.Topic; nil
	// without one.
	dl *kafkasrc.DeadLetter
}

// deadLetterCloseWait bounds how long a stopping Run waits for the
// queued dead letters to be written.
const deadLetterCloseWait = 2 * time.Second

// stateError is a stored window that cannot be read back.
type stateError struct {
	tp    kafkasrc.TopicPartition
	start time.Time
	err   error
}

func (e *stateError) Error() string {
	return fmt.Sprintf("cannot restore window %s of partition %s: %v", e.start.Format(time.RFC3339), e.tp, e.err)
}

func (e *stateError) Unwrap() error { return e.err }

// New checks o and returns a Service; Run starts it.
func New(o Options) (*Service, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	s := &Service{o: o, claimed: make(map[kafkasrc.TopicPartition]*partition)}
	ko := o.Kafka
	// A reader says it is caught up after a Kafka idle period without
	// messages; a third of Options.Idle leaves the detector time to hear it.
	if ko.Idle <= 0 || ko.Idle > o.Idle/3 {
		ko.Idle = o.Idle / 3
	}
	ko.OnAssign = s.assign
	ko.OnError = func(err error) { o.Logf("%v", err) }
	if o.DeadLetter.Topic != "" {
		dlo := o.DeadLetter
		dlo.Kafka = o.Kafka
		dlo.Kafka.OnError = ko.OnError
		dl, err := kafkasrc.NewDeadLetter(dlo)
		if err != nil {
			return nil, err
		}
		s.dl = dl
		ko.OnTooLong = s.tooLong
	}
	g, err := kafkasrc.New(ko)
	if err != nil {
		s.closeDeadLetter()
		return nil, err
	}
	s.group = g
	s.health.set(partDatabase, errors.New("not connected yet"))
	return s, nil
}

// Run consumes until ctx is done, then flushes what it counted, commits
// and returns nil; it returns an error only when it cannot go on (Kafka
// refuses the credentials, a stored state cannot be read). Last, it
// closes the dead letters, waiting up to 2 s for the queued ones.
func (s *Service) Run(ctx context.Context) error {
	defer s.closeDeadLetter()
	defer s.group.Close()
	if err := s.connect(ctx); err != nil {
		return nil // ctx is done
	}
	defer s.store.Load().Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	// Returning with an error (Kafka refuses this member) stops detection
	// and the Kafka probe too, before the wait above.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	wg.Go(func() { s.detectLoop(ctx) })
	wg.Go(func() { s.probeKafka(ctx) })
	backoff := time.Second
	for {
		gen, err := s.group.Next(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.As(err, new(*stateError)):
			return err
		case errors.Is(err, kafkasrc.ErrClosed):
			return nil
		case err != nil && !errors.As(err, new(*claimError)):
			return err // Kafka refuses to let this member join
		case err != nil:
			// The claim failed: the database is away. Rejoin later.
			s.health.set(partDatabase, err)
			s.o.Logf("%v", err)
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, s.o.MaxBackoff)
			continue
		}
		backoff = time.Second
		s.runGeneration(ctx, gen)
	}
}

// probeKafka sets Kafka's health from a Ping every Options.Flush (at
// least every second): the errors the readers log are often transient.
func (s *Service) probeKafka(ctx context.Context) {
	tick := time.NewTicker(max(s.o.Flush, time.Second))
	defer tick.Stop()
	for {
		err := s.group.Ping(ctx)
		if ctx.Err() != nil {
			return
		}
		s.health.set(partKafka, err)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// claimError is a claim of a partition that the database failed.
type claimError struct{ err error }

func (e *claimError) Error() string { return e.err.Error() }
func (e *claimError) Unwrap() error { return e.err }

// connect opens the store, retrying with backoff until it works or ctx
// is done.
func (s *Service) connect(ctx context.Context) error {
	backoff := 500 * time.Millisecond
	for {
		st, err := pgstore.Open(ctx, s.o.DSN, s.o.Kafka.Group)
		if err == nil {
			s.store.Store(st)
			s.health.set(partDatabase, nil)
			return nil
		}
		s.health.set(partDatabase, err)
		s.o.Logf("%v", err)
		if !sleep(ctx, backoff) {
			return ctx.Err()
		}
		backoff = min(2*backoff, s.o.MaxBackoff)
	}
}

// assign claims a partition of a new generation in the store and restores
// its counter: the offset to start from is the stored one.
func (s *Service) assign(ctx context.Context, tp kafkasrc.TopicPartition) (int64, bool, error) {
	st, ws, closedTo, err := s.store.Load().Claim(ctx, tp.Topic, tp.Partition, s.o.Engine.Lateness)
	if err != nil {
		return 0, false, &claimError{err}
	}
	p, err := newPartition(tp, &s.o.Engine, st, ws, closedTo)
	if err != nil {
		return 0, false, err
	}
	s.mu.Lock()
	s.claimed[tp] = p
	s.mu.Unlock()
	return st.Next, st.Next != pgstore.NoOffset, nil
}

// runGeneration reads the generation's partitions until it ends or ctx
// is done, flushing every Options.Flush, and flushes once more at the end.
func (s *Service) runGeneration(ctx context.Context, gen *kafkasrc.Generation) {
	s.mu.Lock()
	parts := make([]*partition, len(gen.Partitions))
	for i, src := range gen.Partitions {
		parts[i] = s.claimed[src.TopicPartition()]
		parts[i].src = src
	}
	clear(s.claimed)
	s.current = parts
	s.mu.Unlock()
	s.o.Logf("generation %d: %d partitions", gen.ID, len(parts))

	readCtx, stop := context.WithCancel(context.Background())
	defer stop()
	var reads sync.WaitGroup
	for _, p := range parts {
		reads.Go(func() {
			err := p.src.Read(readCtx, func(b pipeline.Batch) error { return s.count(readCtx, p, b) })
			if err != nil && readCtx.Err() == nil {
				s.o.Logf("%v", err)
			}
		})
	}
	readsDone := make(chan struct{})
	go func() { reads.Wait(); close(readsDone) }()

	tick := time.NewTicker(s.o.Flush)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			s.flush(ctx, gen, parts)
			continue
		case <-ctx.Done():
			// Shutting down: stop reading, then store what was counted.
			stop()
		case <-gen.Done():
		case <-readsDone:
		}
		break
	}
	<-readsDone
	// The partitions are released: nobody vouches any more that they are
	// caught up (messages may come before the next owner reads them).
	for _, p := range parts {
		p.release()
	}
	// The last flush gets a few seconds of its own: ctx may be done.
	fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.flush(fctx, gen, parts)
	s.mu.Lock()
	s.current = nil
	s.mu.Unlock()
}

// count counts one batch of p, waiting first while the database is away
// (reading stops, and with it fetching: memory stays bounded).
func (s *Service) count(ctx context.Context, p *partition, b pipeline.Batch) error {
	if ch := s.pausedCh(); ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
			if b.Done != nil {
				b.Done()
			}
			return ctx.Err()
		}
	}
	n, note, err := p.count(b, b.Idle && s.caughtUp(ctx, p))
	if err != nil {
		s.o.Logf("%v", err)
	}
	s.formats.log(s.o.Logf, p.tp.Topic, p.tp.Partition, note)
	s.stats.add(p.tp, len(b.Data), &n)
	for _, smp := range n.Samples {
		if s.o.OnReject != nil {
			s.o.OnReject(p.tp, smp)
		}
		// The messages with a line too long went whole to tooLong.
		if s.dl != nil && smp.Reason != pipeline.ReasonTooLong {
			s.dl.Send(ctx, kafkasrc.Rejected{Source: p.tp, Offset: smp.Offset, Value: []byte(smp.Text), Reason: smp.Reason})
		}
	}
	return nil
}

// tooLong sends a message with a line too long to the dead letters; it
// is kafkasrc's OnTooLong, and does not block.
func (s *Service) tooLong(r kafkasrc.Rejected) { s.dl.Send(context.Background(), r) }

// closeDeadLetter closes the dead letters, if any, waiting up to
// deadLetterCloseWait for the queued ones.
func (s *Service) closeDeadLetter() {
	if s.dl == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadLetterCloseWait)
	defer cancel()
	if err := s.dl.Close(ctx); err != nil {
		s.o.Logf("%v", err)
	}
}

// caughtUp reports whether p's reader is at the end of the partition: the
// lag of its last fetch, or, before it read any message, the partition's
// offsets asked from its leader.
func (s *Service) caughtUp(ctx context.Context, p *partition) bool {
	if lag := p.src.Lag(); lag >= 0 {
		return lag == 0
	}
	backlog, err := p.src.Backlog(ctx)
	if err != nil {
		s.o.Logf("%v", err)
		return false
	}
	return backlog == 0
}

func (s *Service) pausedCh() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// pause stops reading until resume.
func (s *Service) pause() {
	s.mu.Lock()
	if s.paused == nil {
		s.paused = make(chan struct{})
	}
	s.mu.Unlock()
}

func (s *Service) resume() {
	s.mu.Lock()
	if s.paused != nil {
		close(s.paused)
		s.paused = nil
	}
	s.mu.Unlock()
}

// flush writes the changed state of parts in one transaction, then
// commits their offsets to Kafka. On failure reading pauses until a flush
// succeeds.
func (s *Service) flush(ctx context.Context, gen *kafkasrc.Generation, parts []*partition) {
	s.mu.Lock()
	closedTo := s.closed
	s.mu.Unlock()
	var fs []pgstore.Flush
	var with []*partition
	for _, p := range parts {
		if p.fenced {
			continue
		}
		f, ok, err := p.snapshot(int(gen.ID), closedTo)
		if err != nil {
			s.o.Logf("cannot encode the windows of %s: %v", p.tp, err)
			continue
		}
		if ok {
			fs, with = append(fs, f), append(with, p)
		}
	}
	if len(fs) == 0 {
		return
	}
	start := time.Now()
	err := s.store.Load().Flush(ctx, fs)
	s.stats.flushed(time.Since(start), err)
	if errors.Is(err, pgstore.ErrFenced) {
		// A partition moved to another member that claimed it: drop it;
		// the others are written by the next flush.
		s.o.Logf("%v", err)
		var fe *pgstore.FencedError
		errors.As(err, &fe)
		for _, p := range with {
			p.failed()
			if p.tp == (kafkasrc.TopicPartition{Topic: fe.Topic, Partition: fe.Partition}) {
				p.fenced = true
			}
		}
		return
	}
	if err != nil {
		s.health.set(partDatabase, err)
		s.o.Logf("flush: %v", err)
		s.pause()
		for _, p := range with {
			p.failed()
		}
		return
	}
	s.health.set(partDatabase, nil)
	s.resume()
	offsets := make(map[kafkasrc.TopicPartition]int64, len(fs))
	for i, p := range with {
		p.saved(&fs[i])
		if fs[i].Next >= 0 {
			offsets[p.tp] = fs[i].Next
		}
	}
	if err := s.group.Commit(ctx, offsets); err != nil {
		s.o.Logf("%v", err)
	}
}

// sleep waits d or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
