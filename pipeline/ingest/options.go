package ingest

import (
	"errors"
	"fmt"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
)

// Defaults of the Options fields.
const (
	// DefaultFlush: within this time after a message is counted, its
	// state is in PostgreSQL.
	DefaultFlush = 2 * time.Second
	// DefaultIdle: a partition without messages for this long (wall
	// time) stops holding detection back.
	DefaultIdle = 30 * time.Second
	// DefaultRetention: windows older than this, in event time behind
	// detection's progress, are dropped.
	DefaultRetention = 7 * 24 * time.Hour
	// DefaultMaxBackoff caps the wait between retries of a failing
	// database.
	DefaultMaxBackoff = 10 * time.Second
)

// Options configure a Service. Kafka's Brokers, Topics and Group and DSN
// are required; zero values of the others mean their defaults.
type Options struct {
	// Kafka configures the consumer group; its OnAssign and OnError are
	// the Service's own, and its Idle is at most a third of Idle.
	Kafka kafkasrc.Options
	// DSN is the PostgreSQL connection string.
	DSN string
	// Engine gives the format (Format, LogFormat, DurationUnit; detected
	// per partition by default), the rules, the lateness and the number
	// of rejected lines sampled per batch.
	Engine pipeline.Options
	// Flush is the interval of flushes. Default: DefaultFlush.
	Flush time.Duration
	// Idle is how long a partition may go without messages before it
	// stops holding detection back. Default: DefaultIdle.
	Idle time.Duration
	// Retention is how long windows are kept, in event time behind
	// detection's progress. Default: DefaultRetention.
	Retention time.Duration
	// MaxBackoff caps the wait between database retries. Default:
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
	// OnEvent, if set, receives each incident event once it is stored,
	// from the detection goroutine.
	OnEvent func(incident.Event)
	// OnLead, if set, is called from the detection goroutine when this
	// instance starts leading detection, with the incidents open where
	// detection stopped (found again, with their ids, by the replay;
	// opened by this or another instance, whose events were sent then),
	// before any OnEvent of its lead; and with none when it stops
	// leading. A notifier keeps these firing (notify.Notifier.SetOpen).
	OnLead func(open []incident.Incident)
	// DeadLetter, when its Topic is set, sends rejected messages to that
	// topic (a [kafkasrc.DeadLetter], which must exist): the sampled
	// rejected lines of each batch (at most Engine.MalformedSamples per
	// batch; the line itself, cut to MaxValueBytes, with its message's
	// offset and its reason) and every message holding a line longer
	// than Kafka.MaxLineBytes (whole, reason "line too long"). Its Kafka
	// field is ignored: Kafka's brokers, TLS and SASL are used. Sending
	// never holds the stream back (a full queue drops and counts);
	// Service.Stats counts what was sent, dropped and failed.
	// Engine.SampleBytes is set to its MaxValueBytes. Default: no Topic,
	// no dead letters.
	DeadLetter kafkasrc.DeadLetterOptions
	// OnReject, if set, receives samples of the rejected lines of each
	// batch (at most Engine.MalformedSamples per batch), with the
	// partition they come from (Sample.Offset is the offset of the
	// line's message).
	OnReject func(kafkasrc.TopicPartition, pipeline.Sample)
	// Logf, if set, receives the service's log lines.
	Logf func(format string, args ...any)
}

func (o Options) withDefaults() Options {
	if o.Flush <= 0 {
		o.Flush = DefaultFlush
	}
	if o.Idle <= 0 {
		o.Idle = DefaultIdle
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Engine.Lateness <= 0 {
		o.Engine.Lateness = pipeline.DefaultLateness
	}
	if o.DeadLetter.Topic != "" {
		// A dead letter keeps the whole line, up to what it keeps of a
		// message.
		if o.DeadLetter.MaxValueBytes <= 0 {
			o.DeadLetter.MaxValueBytes = kafkasrc.DefaultDeadLetterMaxBytes
		}
		o.Engine.SampleBytes = o.DeadLetter.MaxValueBytes
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	if o.DSN == "" {
		return errors.New("cannot store state without a PostgreSQL DSN (--pg)")
	}
	if len(o.Kafka.Brokers) == 0 || len(o.Kafka.Topics) == 0 || o.Kafka.Group == "" {
		return errors.New("cannot consume Kafka without brokers, topics and a group (--brokers, --topic, --group)")
	}
	if o.Flush < 0 || o.Idle < 0 || o.Retention < 0 {
		return fmt.Errorf("cannot use a negative flush interval, idle period or retention")
	}
	return o.Engine.Validate()
}
