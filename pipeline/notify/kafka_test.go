package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
)

const incidentsTopic = "incidents"

// readTopic reads n records of topic and returns their values by key,
// each key's in the order of its partition.
func readTopic(t *testing.T, addrs []string, topic string, n int) map[string][]string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatalf("cannot create consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	got := map[string][]string{}
	for read := 0; read < n; {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("cannot fetch %s after %d of %d records: %v", topic, read, n, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			read++
			got[string(r.Key)] = append(got[string(r.Key)], string(r.Value))
		})
	}
	return got
}

// TestKafkaRetries: events sent while the topic does not exist are
// retried, and delivered once it does.
func TestKafkaRetries(t *testing.T) {
	c := ingesttest.NewCluster(t, 1)
	sink, err := NewKafka(kafkasrc.ProducerOptions{Kafka: kafkasrc.Options{Brokers: c.ListenAddrs()}, Topic: incidentsTopic})
	if err != nil {
		t.Fatal(err)
	}
	o := fastOptions()
	o.Timeout = time.Second
	n := newNotifier(t, o, sink)
	e := outage()[0]
	n.Notify(e)
	waitFor(t, "a failed write", func() bool { return n.Stats()[0].Failed > 0 })
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := createTopic(ctx, cl, incidentsTopic); err != nil {
		t.Fatalf("cannot create topic: %v", err)
	}
	closeNotifier(t, n)
	got := readTopic(t, c.ListenAddrs(), incidentsTopic, 1)
	want := map[string][]string{e.Incident.ID: {strings.TrimSuffix(eventJSON(t, e), "\n")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected messages (-want +got):\n%s", diff)
	}
	if st := n.Stats()[0]; st.Sent != 1 || st.Dropped != 0 {
		t.Fatalf("unexpected stats; got %+v; want 1 sent after failures", st)
	}
}

// createTopic creates a one-partition topic with franz-go's raw request.
func createTopic(ctx context.Context, cl *kgo.Client, topic string) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, 1, 1
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	for _, tp := range resp.Topics {
		if err := kerr.ErrorForCode(tp.ErrorCode); err != nil {
			return err
		}
	}
	return nil
}
