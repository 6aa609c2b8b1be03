package kafkasrc

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/vigil-ops/vigil/pipeline"
)

func TestAppendLines(t *testing.T) {
	f := func(v string, limit int, want string, wantKept, wantSkipped uint64) {
		t.Helper()
		got, kept, skipped := appendLines([]byte("x\n"), []byte(v), limit)
		if string(got) != "x\n"+want || kept != wantKept || skipped != wantSkipped {
			t.Errorf("unexpected appendLines for %q, limit %d; got %q, %d kept, %d skipped; want %q, %d, %d",
				v, limit, got, kept, skipped, "x\n"+want, wantKept, wantSkipped)
		}
		if long := hasLongLine([]byte(v), limit); long != (wantSkipped > 0) {
			t.Errorf("unexpected hasLongLine for %q, limit %d; got %v; want %v", v, limit, long, wantSkipped > 0)
		}
	}
	f("a", 10, "a\n", 1, 0)
	f("a\n", 10, "a\n", 1, 0)
	f("a\n\n", 10, "a\n\n", 2, 0) // one trailing newline only
	f("", 10, "\n", 1, 0)
	f("\n", 10, "\n", 1, 0)
	f("a\r\n", 10, "a\r\n", 1, 0) // the engine ignores the '\r'
	f("a\nb\nc", 10, "a\nb\nc\n", 3, 0)
	f("0123456789", 10, "0123456789\n", 1, 0)
	f("0123456789\n", 10, "0123456789\n", 1, 0)
	f("0123456789x", 10, "", 0, 1)
	f("a\n0123456789x\nb\n", 10, "a\nb\n", 2, 1)
	f("0123456789x\n0123456789", 10, "0123456789\n", 1, 1)
	f("0123456789\n0123456789", 10, "0123456789\n0123456789\n", 2, 0)
}

// TestProcessed: Processed advances over the batches Done in order only.
func TestProcessed(t *testing.T) {
	p := newPartition(nil, &Options{Buffers: 3}, nil, TopicPartition{topic, 0}, FirstOffset)
	p.initRing()
	ctx := context.Background()
	var s [3]*slot
	for i := range s {
		s[i] = p.acquire(ctx)
		s[i].offset = int64(10 * (i + 1))
	}
	check := func(want int64) {
		t.Helper()
		if got := p.Processed(); got != want {
			t.Fatalf("unexpected Processed; got %d; want %d", got, want)
		}
	}
	check(FirstOffset)
	s[1].doneFn()
	check(FirstOffset)
	s[0].doneFn()
	check(20)
	s4 := p.acquire(ctx) // the first slot again
	s4.offset = 40
	s4.doneFn()
	check(20)
	s[2].doneFn()
	check(40)
}

// collector gathers a partition's batches.
type collector struct {
	mu      sync.Mutex
	data    []byte
	tooLong uint64
	idle    int
	lines   []uint64 // Batch.Line of each batch with data
	offsets []int64
}

func (c *collector) emit(b pipeline.Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b.Idle {
		c.idle++
		return nil
	}
	c.data = append(c.data, b.Data...)
	c.tooLong += b.TooLong
	c.lines = append(c.lines, b.Line)
	c.offsets = append(c.offsets, b.Offset)
	b.Done()
	return nil
}

func (c *collector) get() (string, uint64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.data), c.tooLong, c.idle
}

// readOne starts a group with opts and reads its first generation's
// partition 0 into c, returning the Read's result channel.
func readOne(t *testing.T, ctx context.Context, o Options, c *collector) (*Group, *Partition, chan error) {
	t.Helper()
	g, err := New(o)
	if err != nil {
		t.Fatalf("cannot create group: %v", err)
	}
	t.Cleanup(func() { g.Close() })
	gen, err := g.Next(ctx)
	if err != nil {
		t.Fatalf("cannot join: %v", err)
	}
	for _, p := range gen.Partitions[1:] {
		go p.Read(ctx, func(b pipeline.Batch) error {
			if b.Done != nil {
				b.Done()
			}
			return nil
		})
	}
	p := gen.Partitions[0]
	done := make(chan error, 1)
	go func() { done <- p.Read(ctx, c.emit) }()
	return g, p, done
}

func TestLines(t *testing.T) {
	c := newCluster(t)
	long := strings.Repeat("y", 20)
	var rs []*kgo.Record
	for _, v := range []string{"a", long, "b\nc", "d\n" + long + "\ne\n", "", "f\n"} {
		rs = append(rs, &kgo.Record{Partition: 0, Value: []byte(v)})
	}
	produceRecords(t, c.ListenAddrs(), rs)
	o := testOptions(c.ListenAddrs(), "lines")
	o.MaxLineBytes = 10
	o.Idle = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var col collector
	_, p, done := readOne(t, ctx, o, &col)
	want := "a\nb\nc\nd\ne\n\nf\n"
	waitFor(t, 10*time.Second, "the lines", func() bool { data, _, _ := col.get(); return len(data) >= len(want) })
	data, tooLong, _ := col.get()
	if data != want || tooLong != 2 {
		t.Fatalf("unexpected lines; got %q, %d too long; want %q, 2", data, tooLong, want)
	}
	waitFor(t, 10*time.Second, "an idle batch", func() bool { _, _, idle := col.get(); return idle > 0 })
	if got := col.offsets[len(col.offsets)-1]; got != 6 {
		t.Errorf("unexpected last Batch.Offset; got %d; want 6", got)
	}
	if got := p.Processed(); got != 6 {
		t.Errorf("unexpected Processed; got %d; want 6", got)
	}
	if got := col.lines[0]; got != 1 {
		t.Errorf("unexpected Batch.Line of the first batch; got %d; want 1", got)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("unexpected Read error; got %v; want context.Canceled", err)
	}
}

// TestCancel: every blocking call returns within a second of its ctx.
func TestCancel(t *testing.T) {
	c := newCluster(t)
	produce(t, c.ListenAddrs(), 0, 10, 0)
	o := testOptions(c.ListenAddrs(), "cancel")
	o.Buffers = 1
	o.BatchBytes = 1 // a batch per message
	within := func(what string, done <-chan error) {
		t.Helper()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("unexpected error of %s; got %v; want context.Canceled", what, err)
			}
		case <-time.After(time.Second):
			t.Fatalf("%s did not return within 1s of its cancel", what)
		}
	}

	// Read waiting for a Done (Buffers 1, never Done).
	ctx, cancel := context.WithCancel(context.Background())
	g, err := New(o)
	if err != nil {
		t.Fatalf("cannot create group: %v", err)
	}
	defer g.Close()
	gen, err := g.Next(ctx)
	if err != nil {
		t.Fatalf("cannot join: %v", err)
	}
	emitted := make(chan struct{}, 10)
	done := make(chan error, len(gen.Partitions))
	for _, p := range gen.Partitions {
		go func() {
			done <- p.Read(ctx, func(pipeline.Batch) error { emitted <- struct{}{}; return nil })
		}()
	}
	<-emitted
	time.Sleep(100 * time.Millisecond)
	if got := gen.Partitions[0].Lag(); got != 9 {
		t.Errorf("unexpected Lag after 1 of 10 messages; got %d; want 9", got)
	}
	cancel()
	for range gen.Partitions {
		within("Read", done) // partition 0 waits for Done, 1 and 2 fetch
	}

	// Commit with a done ctx.
	if err := g.Commit(ctx, map[TopicPartition]int64{{topic, 0}: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("unexpected Commit error; got %v; want context.Canceled", err)
	}

	// Next while no broker answers.
	o.Brokers = []string{"127.0.0.1:" + strconv.Itoa(freePort(t))}
	g2, err := New(o)
	if err != nil {
		t.Fatalf("cannot create group: %v", err)
	}
	defer g2.Close()
	ctx2, cancel2 := context.WithCancel(context.Background())
	nextDone := make(chan error, 1)
	go func() { _, err := g2.Next(ctx2); nextDone <- err }()
	time.Sleep(300 * time.Millisecond)
	cancel2()
	within("Next", nextDone)
}

// TestGenerationEnd: when a member joins, the first member's Reads emit
// the batch they were gathering and return nil before the partitions
// move; with the offsets stored, every line is stored once.
func TestGenerationEnd(t *testing.T) {
	c := newCluster(t)
	produce(t, c.ListenAddrs(), 0, 100, 0, 1, 2)
	st := newStore(t)
	o := testOptions(c.ListenAddrs(), "end")
	o.OnAssign = st.onAssign
	o.BatchWait = time.Minute // only the end of the generation emits
	a := startMember(t, o, st.emit)
	waitFor(t, 10*time.Second, "a generation", func() bool { return a.generation() != nil })
	time.Sleep(200 * time.Millisecond) // let a gather the lines
	if n := st.total(); n != 0 {
		t.Fatalf("unexpected lines stored before the generation ended; got %d; want 0", n)
	}
	startMember(t, o, st.emit)
	waitFor(t, 15*time.Second, "300 lines", func() bool { return st.total() == 300 })
}

func TestSASL(t *testing.T) {
	f := func(mechanism string, auth kgo.Opt) {
		t.Helper()
		c := newCluster(t, kfake.EnableSASL(), kfake.Superuser(mechanism, "vigil", "secret"))
		rs := []*kgo.Record{{Partition: 0, Value: []byte("p0-0")}, {Partition: 0, Value: []byte("p0-1")}}
		produceRecords(t, c.ListenAddrs(), rs, auth)
		st := newStore(t)
		o := testOptions(c.ListenAddrs(), "sasl")
		o.SASLMechanism, o.SASLUser, o.SASLPassword = mechanism, "vigil", "secret"
		m := startMember(t, o, st.emit)
		waitFor(t, 10*time.Second, "2 lines with "+mechanism, func() bool { return st.total() == 2 })
		m.stop(t)
	}
	f(SASLPlain, kgo.SASL(plain.Auth{User: "vigil", Pass: "secret"}.AsMechanism()))
	f(SASLScramSHA256, kgo.SASL(scram.Auth{User: "vigil", Pass: "secret"}.AsSha256Mechanism()))
	f(SASLScramSHA512, kgo.SASL(scram.Auth{User: "vigil", Pass: "secret"}.AsSha512Mechanism()))
}

// TestSASLFailure: refused credentials end Next, not retried forever.
func TestSASLFailure(t *testing.T) {
	c := newCluster(t, kfake.EnableSASL(), kfake.Superuser(SASLPlain, "vigil", "secret"))
	o := testOptions(c.ListenAddrs(), "sasl")
	o.SASLMechanism, o.SASLUser, o.SASLPassword = SASLPlain, "vigil", "wrong"
	err := nextErr(t, o, 5*time.Second)
	if !errors.Is(err, kafkago.SASLAuthenticationFailed) || !strings.HasPrefix(err.Error(), "kafka join: ") {
		t.Fatalf("unexpected error of Next with a wrong password; got %v; want kafka join: ... SASL Authentication Failed", err)
	}
}

func TestNewFailure(t *testing.T) {
	f := func(o Options, want string) {
		t.Helper()
		_, err := New(o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("unexpected error of New for %+v; got %v; want one containing %q", o, err, want)
		}
	}
	ok := Options{Brokers: []string{"b:9092"}, Topics: []string{"t"}, Group: "g"}
	o := ok
	o.Brokers = nil
	f(o, "no brokers")
	o = ok
	o.Topics = nil
	f(o, "no topics")
	o = ok
	o.Group = ""
	f(o, "no consumer group")
	o = ok
	o.SASLMechanism = "GSSAPI"
	f(o, `unknown mechanism "GSSAPI"`)
}
