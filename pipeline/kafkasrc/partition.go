package kafkasrc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/vigil-ops/vigil/pipeline"
)

// Partition is one assigned partition of a [Generation], a
// pipeline.Source: Read emits its messages as batches of lines until the
// generation ends.
//
// Read is called at most once, from one goroutine; the other methods are
// safe for concurrent use, also while Read runs.
type Partition struct {
	gen    *Generation
	opts   *Options
	dialer *kafka.Dialer
	tp     TopicPartition
	start  int64
	name   string

	started   atomic.Bool
	bytes     atomic.Uint64
	lag       atomic.Int64
	processed atomic.Int64

	// ring holds the batches in flight, oldest at head; mu guards it.
	mu    sync.Mutex
	ring  []slot
	head  int
	n     int
	freed chan struct{} // a token per retired slot
}

// slot is one batch in flight: its buffer, its offset, where its
// messages start, whether it is Done.
type slot struct {
	buf    []byte
	offset int64
	// starts holds the first line and the offset of each message of the
	// batch, in order; end is the number of the line after the batch.
	// Reused by the slot's next batches.
	starts       []msgStart
	end          uint64
	done         bool
	doneFn       func()
	lineOffsetFn func(line uint64) int64
}

// msgStart is where one message of a batch starts: the number of its
// first line (its skipped lines count as coming first) and its offset.
type msgStart struct {
	line   uint64
	offset int64
}

// lineOffset is the Batch.LineOffset of the slot's batch: the offset of
// the message holding line, -1 when line is not in the batch.
func (s *slot) lineOffset(line uint64) int64 {
	if len(s.starts) == 0 || line < s.starts[0].line || line >= s.end {
		return -1
	}
	// Message lines grow strictly: every message has a line at least.
	i, found := slices.BinarySearchFunc(s.starts, line, func(m msgStart, l uint64) int { return cmp.Compare(m.line, l) })
	if !found {
		i--
	}
	return s.starts[i].offset
}

var _ pipeline.Source = (*Partition)(nil)

func newPartition(gen *Generation, o *Options, d *kafka.Dialer, tp TopicPartition, start int64) *Partition {
	p := &Partition{gen: gen, opts: o, dialer: d, tp: tp, start: start, name: tp.String()}
	p.processed.Store(start)
	p.lag.Store(-1)
	return p
}

// TopicPartition returns the partition's topic and number.
func (p *Partition) TopicPartition() TopicPartition { return p.tp }

// Start returns the offset Read starts at: the one from Options.OnAssign,
// else the group's committed offset, else FirstOffset (negative).
func (p *Partition) Start() int64 { return p.start }

// Processed returns the offset after the last message whose batch, and
// every batch before it, is Done: the offset to store and commit. It is
// Start until a batch is Done.
func (p *Partition) Processed() int64 { return p.processed.Load() }

// Lag returns how many messages the partition held past the last one
// read, as of the last fetch; -1 before the first message.
func (p *Partition) Lag() int64 { return p.lag.Load() }

// Info describes the partition for the report: Name is "topic/partition"
// and Bytes counts the message values read.
func (p *Partition) Info() pipeline.SourceInfo {
	return pipeline.SourceInfo{Name: p.name, Compression: "none", Bytes: p.bytes.Load()}
}

// Read emits the partition's messages as batches, in offset order, as
// pipeline.Source says. Each message value is one line (one trailing
// newline dropped), or several when it holds newlines; a batch holds
// whole messages and Batch.Offset is the offset after its last message;
// Batch.LineOffset gives the offset of the message holding a line. A
// message with a line longer than Options.MaxLineBytes goes to
// Options.OnTooLong. Batch.Data and Batch.LineOffset are valid until
// Done, which marks the batch processed
// ([Partition.Processed]); Read waits when Options.Buffers batches are in
// flight.
//
// After Options.Idle without messages Read emits one Batch with Idle
// set, no Data and no Done; its Offset is the offset after the last
// message read (Start before the first).
//
// Read returns nil when the generation ends (after emitting the batch it
// was gathering), ctx.Err() promptly when ctx is done, the error of emit
// as is, or a fatal fetch error ("kafka fetch topic/0: ..."); a broker
// that goes away is reconnected with backoff, the errors go to
// Options.OnError.
func (p *Partition) Read(ctx context.Context, emit func(pipeline.Batch) error) error {
	if !p.started.CompareAndSwap(false, true) {
		return fmt.Errorf("cannot read kafka %s: already read", p.name)
	}
	if !p.gen.enter() {
		return nil
	}
	defer p.gen.reads.Done()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(p.gen.ctx, cancel)
	defer stop()

	r := kafka.NewReader(p.readerConfig())
	if err := r.SetOffset(p.start); err != nil {
		r.Close()
		return fmt.Errorf("kafka fetch %s: %w", p.name, err)
	}
	p.initRing()
	err := newGatherer(p, r, emit).run(ctx, rctx)
	if ctx.Err() != nil {
		// Do not wait for a fetch in flight (up to FetchMaxWait).
		go r.Close()
	} else {
		r.Close()
	}
	return err
}

func (p *Partition) readerConfig() kafka.ReaderConfig {
	o := p.opts
	return kafka.ReaderConfig{
		Brokers:        o.Brokers,
		Topic:          p.tp.Topic,
		Partition:      p.tp.Partition,
		Dialer:         p.dialer,
		MinBytes:       o.FetchMinBytes,
		MaxBytes:       o.FetchMaxBytes,
		MaxWait:        o.FetchMaxWait,
		ReadBackoffMin: 100 * time.Millisecond,
		ReadBackoffMax: o.Backoff,
		ErrorLogger:    o.errorLogger("kafka fetch " + p.name + ": "),
	}
}

func (p *Partition) initRing() {
	n := p.opts.Buffers
	p.ring = make([]slot, n)
	p.freed = make(chan struct{}, n)
	for i := range p.ring {
		s := &p.ring[i]
		s.doneFn = func() { p.done(i) }
		s.lineOffsetFn = s.lineOffset
		p.freed <- struct{}{}
	}
}

// acquire waits for a free slot and returns it; nil when ctx is done.
func (p *Partition) acquire(ctx context.Context) *slot {
	select {
	case <-p.freed:
	case <-ctx.Done():
		return nil
	}
	p.mu.Lock()
	s := &p.ring[(p.head+p.n)%len(p.ring)]
	p.n++
	p.mu.Unlock()
	return s
}

// done marks slot i's batch Done and retires the Done batches at the
// head of the ring, advancing Processed.
func (p *Partition) done(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ring[i].done {
		panic("BUG: kafkasrc batch Done twice")
	}
	p.ring[i].done = true
	for p.n > 0 && p.ring[p.head].done {
		h := &p.ring[p.head]
		h.done = false
		p.processed.Store(h.offset)
		p.head = (p.head + 1) % len(p.ring)
		p.n--
		p.freed <- struct{}{}
	}
}

// release gives back a slot acquired but not emitted (the last one of a
// Read).
func (p *Partition) release() {
	p.mu.Lock()
	p.n--
	p.mu.Unlock()
	p.freed <- struct{}{}
}

// isFatal says whether an error is one that retrying cannot fix: the
// broker refused the credentials or the authorization. Other errors
// (a broker gone, a leader moved, a rebalance) are retried: kafka-go's
// reader retries them by itself and reports them only after some
// attempts, the group rejoins.
func isFatal(err error) bool {
	var ke kafka.Error
	if !errors.As(err, &ke) {
		return false
	}
	switch ke {
	case kafka.SASLAuthenticationFailed, kafka.UnsupportedSASLMechanism, kafka.IllegalSASLState,
		kafka.TopicAuthorizationFailed, kafka.GroupAuthorizationFailed,
		kafka.ClusterAuthorizationFailed, kafka.InvalidGroupId:
		return true
	}
	return false
}
