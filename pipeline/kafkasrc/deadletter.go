package kafkasrc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
)

// Defaults of the DeadLetterOptions fields.
const (
	DefaultDeadLetterQueue    = 1024
	DefaultDeadLetterMaxBytes = 64 << 10
	DefaultDeadLetterTimeout  = 10 * time.Second
)

// Kafka headers of a dead letter.
const (
	// HeaderReason holds Rejected.Reason, cut to 1 KiB.
	HeaderReason = "vigil-reason"
	// HeaderSource holds "topic/partition@offset" of the rejected message.
	HeaderSource = "vigil-source"
	// HeaderTruncated is present only on a dead letter whose value was
	// cut to DeadLetterOptions.MaxValueBytes, and holds the length in
	// bytes of the whole rejected value, in decimal.
	HeaderTruncated = "vigil-truncated"
)

const (
	// deadLetterBatch is how many queued rejects one write takes at most.
	deadLetterBatch = 100
	// maxReasonBytes caps HeaderReason.
	maxReasonBytes = 1 << 10
)

// DeadLetterOptions configure a DeadLetter. Kafka.Brokers and Topic are
// required; for every other field the zero value (or a negative one)
// means the default.
type DeadLetterOptions struct {
	// Kafka says how to reach the brokers: Brokers, ClientID,
	// DialTimeout, TLS, SASLMechanism, SASLUser, SASLPassword, as for the
	// Group (pass the Group's Options). Failed writes go to its OnError.
	// Its other fields are ignored.
	Kafka Options
	// Topic is the dead-letter topic. It must exist: it is not created.
	Topic string
	// QueueSize is how many rejects wait for their write at most; Send
	// drops a reject beyond it. Memory: up to QueueSize times
	// MaxValueBytes (64 MiB with the defaults; 1 MiB for lines under
	// 1 KiB). Default: DefaultDeadLetterQueue (1024).
	QueueSize int
	// MaxValueBytes is how many bytes of a rejected value are kept; a
	// longer value is cut and marked with HeaderTruncated.
	// Default: DefaultDeadLetterMaxBytes (64 KiB, Options.MaxLineBytes's
	// default).
	MaxValueBytes int
	// WriteTimeout bounds each write of a batch of rejects to the topic,
	// kafka-go's retries (up to 3 attempts) included; the rejects of a
	// write that fails or times out are counted in Failed.
	// Default: DefaultDeadLetterTimeout (10s).
	WriteTimeout time.Duration
}

// Rejected is a message the stream rejected, for [DeadLetter.Send].
type Rejected struct {
	// Source is where the message was read.
	Source TopicPartition
	// Offset is the message's offset in Source.
	Offset int64
	// Value is the message's raw bytes. Send copies what it keeps.
	Value []byte
	// Reason says why the message was rejected; at most 1 KiB is kept.
	Reason string
}

// DeadLetterStats count the rejects given to [DeadLetter.Send]. Once
// Close has returned nil, Sent+Dropped+Failed is the number of calls.
type DeadLetterStats struct {
	// Sent counts the rejects written to the topic.
	Sent uint64
	// Dropped counts the rejects Send did not queue: the queue was full
	// or the DeadLetter closed.
	Dropped uint64
	// Failed counts the queued rejects whose write failed, timed out or
	// was abandoned by Close. kafka-go may still deliver a write that
	// timed out, so some of them can be in the topic.
	Failed uint64
	// Queued is how many rejects wait for their write now.
	Queued int
}

// DeadLetter writes rejected messages to a Kafka topic, through a bounded
// queue, so that the stream never waits for the dead-letter topic: when
// the topic is slow or down, Send drops the reject and counts it.
//
// One goroutine writes the queue in batches with kafka-go's Writer
// (acks from all in-sync replicas). A dead letter's key is its source
// "topic/partition", so that the rejects of one partition stay in order
// in one partition of the dead-letter topic.
//
// Send, Stats and Close are safe for concurrent use.
type DeadLetter struct {
	topic    string
	maxBytes int
	timeout  time.Duration
	onError  func(error)
	w        *kafka.Writer
	tr       *kafka.Transport // w's; kafka-go closes only a transport of its own

	// mu guards closed and the closing of q, so that Send never sends on
	// a closed channel.
	mu     sync.RWMutex
	closed bool
	q      chan kafka.Message

	ctx    context.Context // cancelled by Close when its ctx is done
	cancel context.CancelFunc
	done   chan struct{} // closed when run has written (or failed) all

	sent, dropped, failed atomic.Uint64
}

// NewDeadLetter returns a DeadLetter writing to o.Topic, and starts its
// writing goroutine; it does not connect until the first write. Close
// stops it.
func NewDeadLetter(o DeadLetterOptions) (*DeadLetter, error) {
	o = o.withDefaults()
	switch {
	case len(o.Kafka.Brokers) == 0:
		return nil, errors.New("cannot write kafka dead letters: no brokers")
	case o.Topic == "":
		return nil, errors.New("cannot write kafka dead letters: no topic")
	}
	w, tr, err := newWriter(&o.Kafka, o.Topic, o.WriteTimeout, "kafka dead letter: ")
	if err != nil {
		return nil, err
	}
	// Each WriteMessages call is one batch of ours: at most deadLetterBatch.
	w.BatchSize = deadLetterBatch
	ctx, cancel := context.WithCancel(context.Background())
	dl := &DeadLetter{
		topic:    o.Topic,
		maxBytes: o.MaxValueBytes,
		timeout:  o.WriteTimeout,
		onError:  o.Kafka.OnError,
		w:        w,
		tr:       tr,
		q:        make(chan kafka.Message, o.QueueSize),
		ctx:      ctx,
		cancel:   cancel,
		done:     make(chan struct{}),
	}
	go dl.run()
	return dl, nil
}

func (o DeadLetterOptions) withDefaults() DeadLetterOptions {
	o.Kafka = o.Kafka.withDefaults()
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultDeadLetterQueue
	}
	if o.MaxValueBytes <= 0 {
		o.MaxValueBytes = DefaultDeadLetterMaxBytes
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultDeadLetterTimeout
	}
	return o
}

// Send queues r to be written to the dead-letter topic and returns
// whether it was queued. It never blocks, so ctx is not waited on: when
// the queue is full (the topic is slow or down) or the DeadLetter is
// closed, r is dropped and counted in Stats().Dropped.
//
// Send copies r.Value (up to MaxValueBytes); the caller keeps it. Cost:
// allocates the dead letter's key, value and headers.
func (d *DeadLetter) Send(_ context.Context, r Rejected) bool {
	m := d.message(r)
	d.mu.RLock()
	defer d.mu.RUnlock()
	if !d.closed {
		select {
		case d.q <- m:
			return true
		default:
		}
	}
	d.dropped.Add(1)
	return false
}

// message returns the dead letter of r, owning its bytes.
func (d *DeadLetter) message(r Rejected) kafka.Message {
	reason := r.Reason
	if len(reason) > maxReasonBytes {
		reason = strings.ToValidUTF8(reason[:maxReasonBytes], "")
	}
	src := r.Source.String()
	hs := make([]kafka.Header, 2, 3)
	hs[0] = kafka.Header{Key: HeaderReason, Value: []byte(reason)}
	hs[1] = kafka.Header{Key: HeaderSource, Value: strconv.AppendInt([]byte(src+"@"), r.Offset, 10)}
	v := r.Value
	if len(v) > d.maxBytes {
		hs = append(hs, kafka.Header{Key: HeaderTruncated, Value: strconv.AppendInt(nil, int64(len(v)), 10)})
		v = v[:d.maxBytes]
	}
	return kafka.Message{Key: []byte(src), Value: bytes.Clone(v), Headers: hs}
}

// run writes the queue in batches until Close has closed it and it is
// empty, then closes the writer.
func (d *DeadLetter) run() {
	defer close(d.done)
	batch := make([]kafka.Message, 0, deadLetterBatch)
	for m := range d.q {
		batch = append(batch[:0], m)
	fill: // Take what else is queued, without waiting for more.
		for len(batch) < cap(batch) {
			select {
			case m, ok := <-d.q:
				if !ok {
					break fill
				}
				batch = append(batch, m)
			default:
				break fill
			}
		}
		d.write(batch)
		clear(batch)
	}
	if err := d.w.Close(); err != nil {
		d.report(err)
	}
	d.tr.CloseIdleConnections()
}

// write writes one batch and counts its rejects as sent or failed.
func (d *DeadLetter) write(batch []kafka.Message) {
	if d.ctx.Err() != nil { // Close gave up: fail the rest at once.
		d.failed.Add(uint64(len(batch)))
		return
	}
	ctx, cancel := context.WithTimeout(d.ctx, d.timeout)
	err := d.w.WriteMessages(ctx, batch...)
	cancel()
	if err == nil {
		d.sent.Add(uint64(len(batch)))
		return
	}
	var werrs kafka.WriteErrors
	if errors.As(err, &werrs) && len(werrs) == len(batch) {
		failed := uint64(werrs.Count())
		d.sent.Add(uint64(len(batch)) - failed)
		d.failed.Add(failed)
	} else {
		d.failed.Add(uint64(len(batch)))
	}
	d.report(err)
}

func (d *DeadLetter) report(err error) {
	if d.onError != nil {
		d.onError(fmt.Errorf("kafka dead-letter write %s: %w", d.topic, err))
	}
}

// Stats returns the counters of the rejects given to Send.
func (d *DeadLetter) Stats() DeadLetterStats {
	return DeadLetterStats{
		Sent:    d.sent.Load(),
		Dropped: d.dropped.Load(),
		Failed:  d.failed.Load(),
		Queued:  len(d.q),
	}
}

// Close stops taking rejects and waits until the queued ones are written
// (or failed). When ctx is done first, it abandons them: the write in
// flight is cancelled, the rest are counted in Failed, and Close returns
// "kafka dead-letter close: " and ctx's error without waiting for that.
// Close may be called more than once.
func (d *DeadLetter) Close(ctx context.Context) error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.q)
	}
	d.mu.Unlock()
	select {
	case <-d.done: // Flushed, even if ctx is done too.
		d.cancel()
		return nil
	default:
	}
	select {
	case <-d.done:
		d.cancel()
		return nil
	case <-ctx.Done():
		d.cancel()
		return fmt.Errorf("kafka dead-letter close: %w", ctx.Err())
	}
}
