package kafkasrc

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestProducer(t *testing.T) {
	const events = "events"
	c := newCluster(t, kfake.SeedTopics(3, events))
	p, err := NewProducer(ProducerOptions{Kafka: Options{Brokers: c.ListenAddrs()}, Topic: events})
	if err != nil {
		t.Fatalf("cannot create producer: %v", err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in := []Message{{[]byte("a"), []byte("a1")}, {[]byte("b"), []byte("b1")}, {[]byte("a"), []byte("a2")}}
	for _, m := range in {
		if err := p.Write(ctx, m); err != nil {
			t.Fatalf("unexpected error of Write; got %v; want nil", err)
		}
	}
	if err := p.Write(ctx, Message{[]byte("b"), []byte("b2")}, Message{[]byte("a"), []byte("a3")}); err != nil {
		t.Fatalf("unexpected error of Write; got %v; want nil", err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics(events),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatalf("cannot create consumer: %v", err)
	}
	defer cl.Close()
	got := map[string][]string{}
	partition := map[string]int32{}
	for read := 0; read < 5; {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("cannot fetch: %v", err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			read++
			k := string(r.Key)
			if p, ok := partition[k]; ok && p != r.Partition {
				t.Errorf("unexpected partition of key %q; got %d; want %d", k, r.Partition, p)
			}
			partition[k] = r.Partition
			got[k] = append(got[k], string(r.Value))
		})
	}
	want := map[string][]string{"a": {"a1", "a2", "a3"}, "b": {"b1", "b2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected messages by key (-want +got):\n%s", diff)
	}
}

func TestProducerFailure(t *testing.T) {
	f := func(o ProducerOptions, want string) {
		t.Helper()
		_, err := NewProducer(o)
		if err == nil || err.Error() != want {
			t.Fatalf("unexpected error for %+v; got %v; want %q", o, err, want)
		}
	}
	f(ProducerOptions{Topic: "x"}, "cannot write to kafka: no brokers")
	f(ProducerOptions{Kafka: Options{Brokers: []string{"localhost:1"}}}, "cannot write to kafka: no topic")
	f(ProducerOptions{Kafka: Options{Brokers: []string{"localhost:1"}, SASLMechanism: "MD5"}, Topic: "x"},
		`cannot set up kafka SASL: unknown mechanism "MD5" (want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)`)

	// A topic that does not exist: Write fails within its timeout.
	c := newCluster(t)
	p, err := NewProducer(ProducerOptions{Kafka: Options{Brokers: c.ListenAddrs()}, Topic: "absent", WriteTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Write(ctx, Message{Key: []byte("k"), Value: []byte("v")}); err == nil {
		t.Fatalf("unexpected success of a write to a topic that does not exist")
	}
}
