package kafkasrc

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

const rejectsTopic = "rejects"

// letter is a dead letter as read back from the topic.
type letter struct {
	Value   string
	Headers map[string]string
}

// readLetters reads n records of the dead-letter topic and returns them
// by key, each key's in the order of its partition.
func readLetters(t *testing.T, addrs []string, n int) map[string][]letter {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(rejectsTopic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatalf("cannot create consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(map[string][]letter)
	for read := 0; read < n; {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("cannot fetch the dead letters: %v", err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			read++
			l := letter{Value: string(r.Value), Headers: make(map[string]string)}
			for _, h := range r.Headers {
				l.Headers[h.Key] = string(h.Value)
			}
			got[string(r.Key)] = append(got[string(r.Key)], l)
		})
	}
	return got
}

func newDeadLetter(t *testing.T, o DeadLetterOptions) *DeadLetter {
	t.Helper()
	d, err := NewDeadLetter(o)
	if err != nil {
		t.Fatalf("cannot create dead letter: %v", err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

func closeDeadLetter(t *testing.T, d *DeadLetter) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatalf("unexpected error of Close; got %v; want nil", err)
	}
}

func TestDeadLetter(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, rejectsTopic))
	d := newDeadLetter(t, DeadLetterOptions{Kafka: Options{Brokers: c.ListenAddrs()}, Topic: rejectsTopic})
	p0, p1 := TopicPartition{topic, 0}, TopicPartition{topic, 1}
	bad := []byte("GET / HTTP/1.1 abc")
	long := bytes.Repeat([]byte("0123456789"), DefaultDeadLetterMaxBytes/10+10)
	longReason := strings.Repeat("é", maxReasonBytes) // 2 bytes each
	rs := []Rejected{
		{Source: p0, Offset: 5, Value: bad, Reason: `cannot parse status "abc"`},
		{Source: p1, Offset: 7, Value: long, Reason: "line too long"},
		{Source: p0, Offset: 9, Value: []byte{}, Reason: longReason},
	}
	for _, r := range rs {
		if !d.Send(context.Background(), r) {
			t.Fatalf("unexpected drop of the reject at %s@%d", r.Source, r.Offset)
		}
	}
	copy(bad, "XXX") // Send copied the value.
	closeDeadLetter(t, d)
	if d.Send(context.Background(), rs[0]) {
		t.Errorf("unexpected Send after Close; got true; want false")
	}
	if got, want := d.Stats(), (DeadLetterStats{Sent: 3, Dropped: 1}); got != want {
		t.Errorf("unexpected Stats; got %+v; want %+v", got, want)
	}

	want := map[string][]letter{
		"logs/0": {
			{Value: "GET / HTTP/1.1 abc", Headers: map[string]string{
				HeaderReason: `cannot parse status "abc"`, HeaderSource: "logs/0@5"}},
			{Value: "", Headers: map[string]string{
				HeaderReason: strings.Repeat("é", maxReasonBytes/2), HeaderSource: "logs/0@9"}},
		},
		"logs/1": {
			{Value: string(long[:DefaultDeadLetterMaxBytes]), Headers: map[string]string{
				HeaderReason: "line too long", HeaderSource: "logs/1@7",
				HeaderTruncated: strconv.Itoa(len(long))}},
		},
	}
	if diff := cmp.Diff(want, readLetters(t, c.ListenAddrs(), 3)); diff != "" {
		t.Errorf("unexpected dead letters (-want +got):\n%s", diff)
	}
}

// TestDeadLetterSASL: the writer authenticates as the Group does.
func TestDeadLetterSASL(t *testing.T) {
	f := func(password string, want DeadLetterStats) {
		t.Helper()
		c := newCluster(t, kfake.SeedTopics(1, rejectsTopic),
			kfake.EnableSASL(), kfake.Superuser(SASLScramSHA256, "vigil", "secret"))
		o := Options{Brokers: c.ListenAddrs(), SASLMechanism: SASLScramSHA256, SASLUser: "vigil", SASLPassword: password}
		var errs errorLog
		o.OnError = errs.add
		d := newDeadLetter(t, DeadLetterOptions{Kafka: o, Topic: rejectsTopic, WriteTimeout: 3 * time.Second})
		d.Send(context.Background(), Rejected{Source: TopicPartition{topic, 0}, Value: []byte("x"), Reason: "r"})
		closeDeadLetter(t, d)
		if got := d.Stats(); got != want {
			t.Errorf("unexpected Stats with password %q; got %+v; want %+v", password, got, want)
		}
		if got := errs.count("kafka dead-letter write rejects: "); (got > 0) != (want.Failed > 0) {
			t.Errorf("unexpected count of write errors with password %q; got %d; want %d", password, got, want.Failed)
		}
	}
	f("secret", DeadLetterStats{Sent: 1})
	f("wrong", DeadLetterStats{Failed: 1})
}

// TestDeadLetterUnreachable: with the broker refusing connections, or
// accepting them and never answering, Send returns at once, the rejects
// beyond the queue are dropped and counted, and every reject is counted
// once. A silent broker holds the first write for WriteTimeout, so all
// but the queue and that write's batch are dropped; against a refusing
// one, the writes fail as fast as they are tried.
func TestDeadLetterUnreachable(t *testing.T) {
	const n, queue = 2000, 8
	f := func(name, addr string, wantClose error, minDropped uint64) {
		t.Helper()
		var errs errorLog
		d := newDeadLetter(t, DeadLetterOptions{
			Kafka: Options{Brokers: []string{addr}, OnError: errs.add}, Topic: rejectsTopic,
			QueueSize: queue, WriteTimeout: 5 * time.Second,
		})
		start := time.Now()
		for i := range n {
			d.Send(context.Background(), Rejected{Source: TopicPartition{topic, 0}, Offset: int64(i), Value: []byte("x")})
		}
		// One write waits up to 5s on a silent broker; Send must not.
		if el := time.Since(start); el > time.Second {
			t.Errorf("unexpected time of %d Sends to a %s broker; got %v; want under 1s", n, name, el)
		}
		if st := d.Stats(); st.Sent != 0 || st.Dropped < minDropped {
			t.Errorf("unexpected Stats after Sends to a %s broker; got %+v; want Sent 0 and Dropped >= %d", name, st, minDropped)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if err := d.Close(ctx); !errors.Is(err, wantClose) {
			t.Errorf("unexpected error of Close with a %s broker; got %v; want %v", name, err, wantClose)
		}
		waitFor(t, 10*time.Second, "every reject counted", func() bool {
			st := d.Stats()
			return st.Sent+st.Dropped+st.Failed == n
		})
		st := d.Stats()
		if st.Sent != 0 || st.Failed == 0 || st.Dropped < minDropped || st.Queued != 0 {
			t.Errorf("unexpected Stats with a %s broker; got %+v; want Sent 0, Failed > 0, Dropped >= %d, Queued 0",
				name, st, minDropped)
		}
		if errs.count("kafka dead-letter write rejects: ") == 0 {
			t.Errorf("unexpected errors with a %s broker; got none; want kafka dead-letter write rejects: ...", name)
		}
	}
	f("refusing", "127.0.0.1:"+strconv.Itoa(freePort(t)), nil, 0)
	f("silent", silentBroker(t), context.DeadlineExceeded, n-queue-deadLetterBatch)
}

// silentBroker returns the address of a listener that accepts
// connections and never answers.
func silentBroker(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cannot listen: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

func TestNewDeadLetterFailure(t *testing.T) {
	f := func(o DeadLetterOptions, want string) {
		t.Helper()
		_, err := NewDeadLetter(o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("unexpected error of NewDeadLetter for %+v; got %v; want one containing %q", o, err, want)
		}
	}
	ok := DeadLetterOptions{Kafka: Options{Brokers: []string{"b:9092"}}, Topic: "t"}
	o := ok
	o.Kafka.Brokers = nil
	f(o, "cannot write kafka dead letters: no brokers")
	o = ok
	o.Topic = ""
	f(o, "cannot write kafka dead letters: no topic")
	o = ok
	o.Kafka.SASLMechanism = "GSSAPI"
	f(o, `unknown mechanism "GSSAPI"`)
}

// errorLog collects the errors given to Options.OnError.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

// count returns how many errors start with prefix.
func (l *errorLog) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, err := range l.errs {
		if strings.HasPrefix(err.Error(), prefix) {
			n++
		}
	}
	return n
}
