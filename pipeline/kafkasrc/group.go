package kafkasrc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/vigil-ops/vigil/pipeline"
)

// ErrClosed is returned by [Group.Next] once the group is closed.
var ErrClosed = errors.New("kafka group closed")

// ErrNotAssigned is wrapped by the error of [Group.Commit] when some of
// the offsets were for partitions the current generation does not hold
// (they moved to another member in a rebalance); the others were
// committed.
var ErrNotAssigned = errors.New("partition not assigned to this member")

// TopicPartition names one partition of a topic.
type TopicPartition struct {
	Topic     string
	Partition int
}

func (tp TopicPartition) String() string { return fmt.Sprintf("%s/%d", tp.Topic, tp.Partition) }

// Group is a member of a Kafka consumer group. Its generations give one
// [Partition] source per assigned partition.
//
// Next, Commit and Close are safe for concurrent use.
type Group struct {
	opts   Options
	dialer *kafka.Dialer
	cg     *kafka.ConsumerGroup

	mu  sync.Mutex
	gen *Generation // the newest generation, nil before the first
}

// New returns a member of the consumer group o.Group. It does not
// connect: [Group.Next] joins the group.
func New(o Options) (*Group, error) {
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	d, err := o.dialer()
	if err != nil {
		return nil, err
	}
	cg, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                o.Group,
		Brokers:           o.Brokers,
		Dialer:            d,
		Topics:            o.Topics,
		HeartbeatInterval: o.HeartbeatInterval,
		SessionTimeout:    o.SessionTimeout,
		RebalanceTimeout:  o.RebalanceTimeout,
		JoinGroupBackoff:  o.Backoff,
		StartOffset:       kafka.FirstOffset,
		Timeout:           o.Timeout,
		ErrorLogger:       o.errorLogger("kafka group: "),
	})
	if err != nil {
		return nil, fmt.Errorf("cannot consume kafka: %w", err)
	}
	return &Group{opts: o, dialer: d, cg: cg}, nil
}

// Next waits for this member's next generation: it joins the group (or
// rejoins it after a rebalance), is assigned partitions, and asks
// Options.OnAssign where each starts. There is never more than one
// generation: Next returns the next one only after the previous one has
// ended and every Read of its partitions has returned.
//
// Errors the group recovers from (a broker gone, a failed join) go to
// Options.OnError and Next keeps trying. Next returns ctx.Err() when ctx
// is done, ErrClosed after Close, "kafka join: ..." when retrying cannot
// help (credentials or authorization refused, a session timeout outside
// the broker's group.min/max.session.timeout.ms), and the error of OnAssign
// (after ending the generation, so that the next Next rejoins).
func (g *Group) Next(ctx context.Context) (*Generation, error) {
	for {
		kg, err := g.cg.Next(ctx)
		switch {
		case err == nil:
			return g.start(ctx, kg)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, kafka.ErrGroupClosed):
			return nil, ErrClosed
		case errors.Is(err, kafka.InvalidSessionTimeout):
			// A configuration error: the broker bounds the timeout.
			return nil, fmt.Errorf("kafka join: session timeout %s: %w", g.opts.SessionTimeout, err)
		case isFatal(err):
			return nil, fmt.Errorf("kafka join: %w", err)
		}
		g.opts.reportError(fmt.Errorf("kafka join: %w", err))
	}
}

// start makes the Generation of kg and its partitions.
func (g *Group) start(ctx context.Context, kg *kafka.Generation) (*Generation, error) {
	gen := newGeneration(kg)
	for topic, as := range kg.Assignments {
		for _, a := range as {
			tp := TopicPartition{Topic: topic, Partition: a.ID}
			start, err := g.startOffset(ctx, tp, a.Offset)
			if err != nil {
				gen.abort()
				return nil, err
			}
			gen.Partitions = append(gen.Partitions, newPartition(gen, &g.opts, g.dialer, tp, start))
		}
	}
	slices.SortFunc(gen.Partitions, func(a, b *Partition) int {
		return cmp.Or(cmp.Compare(a.tp.Topic, b.tp.Topic), cmp.Compare(a.tp.Partition, b.tp.Partition))
	})
	gen.watch()
	g.mu.Lock()
	g.gen = gen
	g.mu.Unlock()
	return gen, nil
}

func (g *Group) startOffset(ctx context.Context, tp TopicPartition, committed int64) (int64, error) {
	if g.opts.OnAssign == nil {
		return committed, nil
	}
	off, ok, err := g.opts.OnAssign(ctx, tp)
	switch {
	case err != nil:
		return 0, fmt.Errorf("kafka assign %s: %w", tp, err)
	case !ok:
		return committed, nil
	case off < 0:
		return 0, fmt.Errorf("kafka assign %s: cannot start at negative offset %d", tp, off)
	}
	return off, nil
}

// Commit commits offsets to Kafka for the consumer group: each is the
// offset of the next message to read, as Batch.Offset and
// [Partition.Processed] give. Call it after the state up to those offsets
// is stored: Kafka's committed offsets then follow the stored ones (for
// lag tools, and for members without Options.OnAssign).
//
// Only partitions of the current generation are committed; the error for
// the others wraps ErrNotAssigned. A commit during a rebalance fails
// ("kafka commit: ...") and may be retried with the next generation.
// Commit returns ctx.Err() as soon as ctx is done; the request itself
// ends within Options.Timeout.
func (g *Group) Commit(ctx context.Context, offsets map[TopicPartition]int64) error {
	g.mu.Lock()
	gen := g.gen
	g.mu.Unlock()
	if gen == nil {
		if len(offsets) == 0 {
			return nil
		}
		return fmt.Errorf("kafka commit: %w", ErrNotAssigned)
	}
	byTopic, skipped := gen.assigned(offsets)
	if len(byTopic) > 0 {
		done := make(chan error, 1)
		go func() { done <- gen.kg.CommitOffsets(byTopic) }()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-done:
			if err != nil {
				return fmt.Errorf("kafka commit: %w", err)
			}
		}
	}
	if skipped > 0 {
		return fmt.Errorf("kafka commit: %d of %d partitions: %w", skipped, len(offsets), ErrNotAssigned)
	}
	return nil
}

// Close leaves the group. It waits for the Reads of the current
// generation to return, which they do once they have emitted what they
// hold: call it after the engine has stopped reading or while it still
// drains them.
func (g *Group) Close() error {
	return g.cg.Close()
}

// Ping checks that a broker answers: it connects to the first bootstrap
// broker that accepts (TLS and SASL as configured) and reads the
// cluster's broker list, within Options.DialTimeout. The errors that
// OnError hears are often transient (a fetch timing out, a reader
// reconnecting); Ping is what a health check asks.
func (g *Group) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, g.opts.DialTimeout)
	defer cancel()
	var errs []error
	for _, b := range g.opts.Brokers {
		conn, err := g.dialer.DialContext(ctx, "tcp", b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		conn.SetDeadline(time.Now().Add(g.opts.Timeout))
		_, err = conn.Brokers()
		conn.Close()
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("kafka: no broker answers: %w", errors.Join(errs...))
}

// Generation is one assignment of partitions to this member, from a join
// to the next rebalance.
type Generation struct {
	// ID is the group's generation id: a later generation has a higher
	// one, so that a store can refuse a write of an older one.
	ID int32
	// Partitions are the partitions assigned to this member, by topic and
	// partition; each is a pipeline.Source.
	Partitions []*Partition

	kg     *kafka.Generation
	ctx    context.Context // done when the generation ends
	cancel context.CancelFunc
	abortc chan struct{}

	mu    sync.Mutex
	ended bool
	reads sync.WaitGroup // the Reads started before the end
}

func newGeneration(kg *kafka.Generation) *Generation {
	ctx, cancel := context.WithCancel(context.Background())
	return &Generation{ID: kg.ID, kg: kg, ctx: ctx, cancel: cancel, abortc: make(chan struct{})}
}

// Sources returns the partitions as the engine's sources.
func (gen *Generation) Sources() []pipeline.Source {
	s := make([]pipeline.Source, len(gen.Partitions))
	for i, p := range gen.Partitions {
		s[i] = p
	}
	return s
}

// Done is closed when the generation has ended (a rebalance, a lost
// coordinator, Close); the Reads of its partitions then emit what they
// hold and return nil.
func (gen *Generation) Done() <-chan struct{} { return gen.ctx.Done() }

// Processed returns, per partition, the offset after the last message
// whose batch, and every batch before it, is Done: what may be committed
// once the state is stored: Start until a batch is Done. Partitions
// still at FirstOffset (nothing processed, nothing stored or committed)
// are left out.
func (gen *Generation) Processed() map[TopicPartition]int64 {
	m := make(map[TopicPartition]int64, len(gen.Partitions))
	for _, p := range gen.Partitions {
		if off := p.Processed(); off >= 0 {
			m[p.tp] = off
		}
	}
	return m
}

// watch holds the kafka-go generation open until it ends (or is
// aborted), then ends ours and waits for the Reads, so that the member
// rejoins only after its partitions are released.
func (gen *Generation) watch() {
	gen.kg.Start(func(kctx context.Context) {
		select {
		case <-kctx.Done():
		case <-gen.abortc:
		}
		gen.mu.Lock()
		gen.ended = true
		gen.mu.Unlock()
		gen.cancel()
		gen.reads.Wait()
	})
}

// abort ends a generation that was not handed out.
func (gen *Generation) abort() {
	close(gen.abortc)
	gen.watch()
}

// enter registers a Read; false when the generation has ended.
func (gen *Generation) enter() bool {
	gen.mu.Lock()
	defer gen.mu.Unlock()
	if gen.ended {
		return false
	}
	gen.reads.Add(1)
	return true
}

// assigned groups the offsets of the partitions this generation holds by
// topic, and counts the others.
func (gen *Generation) assigned(offsets map[TopicPartition]int64) (map[string]map[int]int64, int) {
	byTopic := make(map[string]map[int]int64)
	skipped := 0
	for tp, off := range offsets {
		if !gen.holds(tp) {
			skipped++
			continue
		}
		m := byTopic[tp.Topic]
		if m == nil {
			m = make(map[int]int64)
			byTopic[tp.Topic] = m
		}
		m[tp.Partition] = off
	}
	return byTopic, skipped
}

func (gen *Generation) holds(tp TopicPartition) bool {
	for _, p := range gen.Partitions {
		if p.tp == tp {
			return true
		}
	}
	return false
}
