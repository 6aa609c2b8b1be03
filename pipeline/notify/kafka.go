package notify

import (
	"bytes"
	"context"
	"fmt"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// Kafka writes every incident event to a Kafka topic (the incidents
// topic): one message per event, keyed by the incident id, so that the
// events of one incident stay in order in one partition; the value is
// the event as [FormatJSON] posts it ({"event", "seq", "incident"}),
// without a trailing newline. Consumers deduplicate by id and seq.
// It writes through [kafkasrc.Producer], which owns the kafka-go client.
type Kafka struct {
	p    *kafkasrc.Producer
	name string
}

// NewKafka returns a Kafka sink writing to o.Topic, which must exist.
// The brokers, TLS and SASL are o.Kafka's (the consumer's options);
// Options.Timeout bounds each write, so o.WriteTimeout may stay 0.
func NewKafka(o kafkasrc.ProducerOptions) (*Kafka, error) {
	p, err := kafkasrc.NewProducer(o)
	if err != nil {
		return nil, err
	}
	return &Kafka{p: p, name: "kafka " + o.Topic}, nil
}

// Name returns "kafka " and the topic.
func (k *Kafka) Name() string { return k.name }

// Accepts returns true: the topic gets every event.
func (k *Kafka) Accepts(incident.EventType) bool { return true }

// Send writes e and returns once the brokers have it.
func (k *Kafka) Send(ctx context.Context, e *incident.Event) error {
	var b bytes.Buffer
	if err := report.WriteEventJSON(&b, e); err != nil {
		return fmt.Errorf("%w: cannot encode event: %v", ErrRejected, err)
	}
	return k.p.Write(ctx, kafkasrc.Message{
		Key:   []byte(e.Incident.ID),
		Value: bytes.TrimSuffix(b.Bytes(), []byte("\n")),
	})
}

// Close closes the producer.
func (k *Kafka) Close() error { return k.p.Close() }
