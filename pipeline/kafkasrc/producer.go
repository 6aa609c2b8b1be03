package kafkasrc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// DefaultProducerTimeout is ProducerOptions.WriteTimeout's default.
const DefaultProducerTimeout = 10 * time.Second

// writerAttempts is how many times kafka-go tries one write of a Producer
// or a DeadLetter.
const writerAttempts = 3

// ProducerOptions configure a Producer. Kafka.Brokers and Topic are
// required; for every other field the zero value means the default.
type ProducerOptions struct {
	// Kafka says how to reach the brokers: Brokers, ClientID,
	// DialTimeout, TLS, SASLMechanism, SASLUser, SASLPassword, as for the
	// Group (pass the Group's Options); kafka-go's own errors go to its
	// OnError. Its other fields are ignored.
	Kafka Options
	// Topic is the topic written. It must exist: it is not created.
	Topic string
	// WriteTimeout bounds one Write, kafka-go's attempts (up to 3)
	// included. Default: DefaultProducerTimeout (10s).
	WriteTimeout time.Duration
}

// Message is a keyed message for [Producer.Write].
type Message struct {
	// Key picks the partition (a hash of it), so that the messages of one
	// key stay in order in one partition.
	Key   []byte
	Value []byte
}

// Producer writes keyed messages to one topic, synchronously: Write
// returns once every in-sync replica has the messages, or with why not.
// It is the one place outside the consumer where kafka-go writes, so
// that other packages (the incidents topic of pipeline/notify) need not
// import kafka-go. Write and Close are safe for concurrent use.
type Producer struct {
	w  *kafka.Writer
	tr *kafka.Transport // w's; kafka-go closes only a transport of its own
}

// NewProducer returns a Producer writing to o.Topic; it does not connect
// until the first Write.
func NewProducer(o ProducerOptions) (*Producer, error) {
	o.Kafka = o.Kafka.withDefaults()
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultProducerTimeout
	}
	switch {
	case len(o.Kafka.Brokers) == 0:
		return nil, errors.New("cannot write to kafka: no brokers")
	case o.Topic == "":
		return nil, errors.New("cannot write to kafka: no topic")
	}
	w, tr, err := newWriter(&o.Kafka, o.Topic, o.WriteTimeout, "kafka producer: ")
	if err != nil {
		return nil, err
	}
	return &Producer{w: w, tr: tr}, nil
}

// newWriter returns a synchronous kafka-go writer of topic that connects
// as the Group's dialer does (TLS, SASL), hashes keys to partitions,
// waits for every in-sync replica, and spends at most timeout on one
// WriteMessages, its attempts included. Producer and DeadLetter use it;
// logPrefix starts the lines of kafka-go's errors.
func newWriter(o *Options, topic string, timeout time.Duration, logPrefix string) (*kafka.Writer, *kafka.Transport, error) {
	d, err := o.dialer()
	if err != nil {
		return nil, nil, err
	}
	tr := &kafka.Transport{
		DialTimeout: d.Timeout,
		ClientID:    d.ClientID,
		TLS:         d.TLS,
		SASL:        d.SASLMechanism,
	}
	attempt := timeout / writerAttempts
	w := &kafka.Writer{
		Addr:     kafka.TCP(o.Brokers...),
		Topic:    topic,
		Balancer: &kafka.Hash{},
		// Each WriteMessages call is one batch: flush it at once.
		BatchTimeout:    time.Millisecond,
		MaxAttempts:     writerAttempts,
		WriteBackoffMin: 10 * time.Millisecond,
		WriteBackoffMax: 100 * time.Millisecond,
		ReadTimeout:     attempt,
		WriteTimeout:    attempt,
		RequiredAcks:    kafka.RequireAll,
		ErrorLogger:     o.errorLogger(logPrefix),
		Transport:       tr,
	}
	return w, tr, nil
}

// Write writes msgs and returns when the brokers have them all, or the
// first error ("kafka write TOPIC: ..."); on error some of them may have
// been written (retry the lot for at-least-once). ctx bounds the wait.
// Write copies nothing: msgs must not change until it returns.
func (p *Producer) Write(ctx context.Context, msgs ...Message) error {
	km := make([]kafka.Message, len(msgs))
	for i, m := range msgs {
		km[i] = kafka.Message{Key: m.Key, Value: m.Value}
	}
	if err := p.w.WriteMessages(ctx, km...); err != nil {
		return fmt.Errorf("kafka write %s: %w", p.w.Topic, err)
	}
	return nil
}

// Close waits for nothing (Write is synchronous) and releases the
// connections. Write must not be called after Close.
func (p *Producer) Close() error {
	err := p.w.Close()
	p.tr.CloseIdleConnections()
	return err
}
