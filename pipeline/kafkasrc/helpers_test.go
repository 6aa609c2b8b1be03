package kafkasrc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/pipeline"
)

const topic = "logs"

// newCluster starts an in-process broker with a 3-partition topic.
func newCluster(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.SeedTopics(3, topic)}, opts...)...)
	if err != nil {
		t.Fatalf("cannot start kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// produce writes the lines "p<partition>-<seq>" for seq in [from, to) to
// each of the partitions, in order.
func produce(t *testing.T, addrs []string, from, to int, partitions ...int32) {
	t.Helper()
	var rs []*kgo.Record
	for _, p := range partitions {
		for i := from; i < to; i++ {
			rs = append(rs, &kgo.Record{Partition: p, Value: []byte(fmt.Sprintf("p%d-%d\n", p, i))})
		}
	}
	produceRecords(t, addrs, rs)
}

// produceRecords writes the records, each to its partition.
func produceRecords(t *testing.T, addrs []string, rs []*kgo.Record, opts ...kgo.Opt) {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner())}, opts...)...)
	if err != nil {
		t.Fatalf("cannot create producer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, rs...).FirstErr(); err != nil {
		t.Fatalf("cannot produce: %v", err)
	}
}

// testOptions are fast timings for tests.
func testOptions(addrs []string, group string) Options {
	return Options{
		Brokers:           addrs,
		Topics:            []string{topic},
		Group:             group,
		BatchWait:         20 * time.Millisecond,
		HeartbeatInterval: 100 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  5 * time.Second,
		Backoff:           200 * time.Millisecond,
		Timeout:           2 * time.Second,
	}
}

// store stands for the PostgreSQL of issue 8: per partition, the lines
// counted and the offset they reach, updated together. It checks that
// every batch continues its partition exactly where the stored offset is.
type store struct {
	t       *testing.T
	mu      sync.Mutex
	next    map[int]int64 // partition → offset after the last stored line
	lines   map[int]int   // partition → lines stored
	batches int
}

func newStore(t *testing.T) *store {
	return &store{t: t, next: map[int]int64{}, lines: map[int]int{}}
}

// onAssign starts each partition at its stored offset.
func (s *store) onAssign(_ context.Context, tp TopicPartition) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	off, ok := s.next[tp.Partition]
	return off, ok, nil
}

// emit stores a batch of lines "p<partition>-<seq>", where seq is the
// message offset, checking that it starts at the stored offset.
func (s *store) emit(b pipeline.Batch) error {
	if b.Idle {
		return nil
	}
	defer b.Done()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches++
	data := b.Data
	first := true
	part := -1
	for len(data) > 0 {
		line, rest, ok := bytes.Cut(data, []byte{'\n'})
		if !ok {
			s.t.Errorf("unexpected batch without final newline %q", b.Data)
			return nil
		}
		data = rest
		p, seq, err := parseLine(line)
		if err != nil {
			s.t.Errorf("unexpected line %q: %v", line, err)
			return nil
		}
		if first {
			part, first = p, false
		}
		if p != part {
			s.t.Errorf("unexpected lines of partitions %d and %d in one batch", part, p)
		}
		if want := s.next[p]; int64(seq) != want {
			s.t.Errorf("unexpected line %q in partition %d; got seq %d; want %d", line, p, seq, want)
		}
		s.next[p] = int64(seq) + 1
		s.lines[p]++
	}
	if part >= 0 && b.Offset != s.next[part] {
		s.t.Errorf("unexpected Batch.Offset for partition %d; got %d; want %d", part, b.Offset, s.next[part])
	}
	return nil
}

func parseLine(line []byte) (part, seq int, err error) {
	var a, b string
	if s, ok := bytes.CutPrefix(line, []byte("p")); ok {
		x, y, found := bytes.Cut(s, []byte("-"))
		if !found {
			return 0, 0, errors.New("no dash")
		}
		a, b = string(x), string(y)
	}
	if part, err = strconv.Atoi(a); err != nil {
		return 0, 0, err
	}
	seq, err = strconv.Atoi(b)
	return part, seq, err
}

// total returns how many lines are stored.
func (s *store) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.lines {
		n += c
	}
	return n
}

func (s *store) offsets() map[int]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[int]int64, len(s.next))
	for k, v := range s.next {
		m[k] = v
	}
	return m
}

// member is one consumer of a test: a Group consumed on a goroutine,
// each generation's partitions read concurrently into emit.
type member struct {
	g      *Group
	cancel context.CancelFunc
	done   chan error

	mu   sync.Mutex
	gens []*Generation
}

func startMember(t *testing.T, o Options, emit func(pipeline.Batch) error) *member {
	t.Helper()
	g, err := New(o)
	if err != nil {
		t.Fatalf("cannot create group: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{g: g, cancel: cancel, done: make(chan error, 1)}
	go func() { m.done <- m.run(ctx, emit) }()
	t.Cleanup(func() { m.stop(t) })
	return m
}

func (m *member) run(ctx context.Context, emit func(pipeline.Batch) error) error {
	for {
		gen, err := m.g.Next(ctx)
		if err != nil {
			return err
		}
		m.mu.Lock()
		m.gens = append(m.gens, gen)
		m.mu.Unlock()
		var wg sync.WaitGroup
		errs := make(chan error, len(gen.Partitions))
		for _, p := range gen.Partitions {
			wg.Go(func() {
				if err := p.Read(ctx, emit); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		select {
		case err := <-errs:
			return err
		default:
		}
	}
}

// generation returns the member's newest generation, nil before the
// first.
func (m *member) generation() *Generation {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.gens) == 0 {
		return nil
	}
	return m.gens[len(m.gens)-1]
}

// stop cancels the member and closes its group; idempotent.
func (m *member) stop(t *testing.T) {
	t.Helper()
	if m.cancel == nil {
		return
	}
	m.cancel()
	m.cancel = nil
	select {
	case err := <-m.done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("unexpected error of the member; got %v; want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("member did not stop within 5s of its cancel")
	}
	m.g.Close()
}

// waitFor waits until cond holds, failing after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
