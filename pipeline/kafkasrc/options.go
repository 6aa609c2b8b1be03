package kafkasrc

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// Defaults of the Options fields.
const (
	DefaultBatchBytes        = 1 << 20
	DefaultBatchWait         = 200 * time.Millisecond
	DefaultBuffers           = 4
	DefaultMaxLineBytes      = 64 << 10
	DefaultIdle              = 5 * time.Second
	DefaultFetchMinBytes     = 1
	DefaultFetchMaxBytes     = 1 << 20
	DefaultFetchMaxWait      = 1500 * time.Millisecond
	DefaultDialTimeout       = 10 * time.Second
	DefaultTimeout           = 5 * time.Second
	DefaultHeartbeatInterval = 3 * time.Second
	DefaultSessionTimeout    = 30 * time.Second
	DefaultRebalanceTimeout  = 30 * time.Second
	DefaultBackoff           = 2 * time.Second
)

// FirstOffset stands for the earliest offset of a partition, where a
// partition without a stored or committed offset starts
// ([Partition.Start]).
const FirstOffset = kafka.FirstOffset

// SASL mechanisms of Options.SASLMechanism.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// Options configure a Group. Brokers, Topics and Group are required; for
// every other field the zero value (or a negative one) means the default.
type Options struct {
	// Brokers are the bootstrap addresses, host:port.
	Brokers []string
	// Topics are the topics the group consumes.
	Topics []string
	// Group is the consumer group id.
	Group string
	// ClientID names the client to the brokers. Default: "vigil".
	ClientID string

	// BatchBytes is how many bytes of lines a batch gathers before it is
	// emitted. A batch holds whole messages, so one message longer than
	// this makes a longer batch. Default: DefaultBatchBytes (1 MiB).
	BatchBytes int
	// BatchWait is how long after its first message a batch that is not
	// full is emitted. Default: DefaultBatchWait (200ms).
	BatchWait time.Duration
	// Buffers is how many batches of one partition may be in flight:
	// emitted and not yet released by Batch.Done. Read waits for a
	// release beyond that. Default: DefaultBuffers (4).
	Buffers int
	// MaxLineBytes is the length in bytes, without its newline, of the
	// longest line kept; a longer line is skipped and counted in
	// Batch.TooLong. Default: DefaultMaxLineBytes (64 KiB), as filesrc.
	MaxLineBytes int
	// Idle is how long a partition may go without messages before Read
	// emits one Batch with Idle set; once per idle period.
	// Default: DefaultIdle (5s).
	Idle time.Duration

	// FetchMinBytes is the least data a fetch request waits for at the
	// broker. Default: DefaultFetchMinBytes (1).
	FetchMinBytes int
	// FetchMaxBytes is the most data one fetch request returns.
	// Default: DefaultFetchMaxBytes (1 MiB).
	FetchMaxBytes int
	// FetchMaxWait bounds a fetch request: kafka-go waits this long for
	// the broker's answer and asks the broker to wait for FetchMinBytes
	// for less, keeping the rest for the answer to arrive: a quarter
	// below 1s, 1s from 1s on. An answer later than that is an i/o
	// timeout and the fetch starts over, so a value too short for a
	// loaded broker or network never makes progress (100ms, 25ms of it
	// for the answer, did not on a loaded 2-core machine). New data ends
	// a fetch's wait at once, so this is not a latency; an idle
	// partition's reader asks again every FetchMaxWait − 1s.
	// Default: DefaultFetchMaxWait (1.5s: the broker waits 0.5s, the
	// answer has 1s).
	FetchMaxWait time.Duration

	// DialTimeout bounds connecting to a broker, TLS and SASL included.
	// Default: DefaultDialTimeout (10s).
	DialTimeout time.Duration
	// Timeout bounds each request to the group coordinator (join, sync,
	// heartbeat, offset fetch and commit). Default: DefaultTimeout (5s).
	Timeout time.Duration
	// HeartbeatInterval is how often the member tells the coordinator it
	// is alive; a rebalance is noticed within it.
	// Default: DefaultHeartbeatInterval (3s).
	HeartbeatInterval time.Duration
	// SessionTimeout is how long the coordinator waits for a heartbeat
	// before it evicts the member. Default: DefaultSessionTimeout (30s).
	SessionTimeout time.Duration
	// RebalanceTimeout is how long the coordinator waits for the members
	// to rejoin in a rebalance. Default: DefaultRebalanceTimeout (30s).
	RebalanceTimeout time.Duration
	// Backoff is the longest wait before retrying after a broker error:
	// rejoining the group, reconnecting a partition's reader (which
	// starts at 100ms and doubles up to Backoff).
	// Default: DefaultBackoff (2s).
	Backoff time.Duration

	// TLS, when not nil, connects to the brokers with TLS.
	TLS *tls.Config
	// SASLMechanism is "", SASLPlain, SASLScramSHA256 or SASLScramSHA512,
	// authenticating as SASLUser with SASLPassword.
	SASLMechanism string
	SASLUser      string
	SASLPassword  string

	// OnAssign, when not nil, is called by [Group.Next] for each assigned
	// partition of a new generation, and says where to start: the offset
	// of the next message to read, as stored with the state (ok), or
	// !ok to start at the group's committed offset, or the earliest one
	// when none is committed. An error ends the generation and is
	// returned by Next.
	OnAssign func(ctx context.Context, tp TopicPartition) (offset int64, ok bool, err error)
	// OnError, when not nil, is told of the retriable errors that the
	// group and the readers recover from by themselves (a broker gone, a
	// failed join), for logs and health. It is called from any goroutine.
	OnError func(err error)
	// OnTooLong, when not nil, is called once for each message holding a
	// line longer than MaxLineBytes, as it is gathered: with the whole
	// message value, its partition and offset, and the reason
	// pipeline.ReasonTooLong ("line too long"). It is called from the
	// partition's Read goroutine and must not block ([DeadLetter.Send]
	// does not); r.Value is valid during the call only. A message read
	// again (after a rebalance or a restart, before its offset was
	// stored) is passed again.
	OnTooLong func(r Rejected)
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.BatchBytes, DefaultBatchBytes)
	def(&o.Buffers, DefaultBuffers)
	def(&o.MaxLineBytes, DefaultMaxLineBytes)
	def(&o.FetchMinBytes, DefaultFetchMinBytes)
	def(&o.FetchMaxBytes, DefaultFetchMaxBytes)
	defDur(&o.BatchWait, DefaultBatchWait)
	defDur(&o.Idle, DefaultIdle)
	defDur(&o.FetchMaxWait, DefaultFetchMaxWait)
	defDur(&o.DialTimeout, DefaultDialTimeout)
	defDur(&o.Timeout, DefaultTimeout)
	defDur(&o.HeartbeatInterval, DefaultHeartbeatInterval)
	defDur(&o.SessionTimeout, DefaultSessionTimeout)
	defDur(&o.RebalanceTimeout, DefaultRebalanceTimeout)
	defDur(&o.Backoff, DefaultBackoff)
	if o.ClientID == "" {
		o.ClientID = "vigil"
	}
	return o
}

func (o *Options) validate() error {
	switch {
	case len(o.Brokers) == 0:
		return errors.New("cannot consume kafka: no brokers")
	case len(o.Topics) == 0:
		return errors.New("cannot consume kafka: no topics")
	case o.Group == "":
		return errors.New("cannot consume kafka: no consumer group")
	}
	return nil
}

// dialer is the kafka-go dialer of the options, with TLS and SASL.
func (o *Options) dialer() (*kafka.Dialer, error) {
	m, err := o.mechanism()
	if err != nil {
		return nil, err
	}
	return &kafka.Dialer{
		ClientID:      o.ClientID,
		Timeout:       o.DialTimeout,
		DualStack:     true,
		TLS:           o.TLS,
		SASLMechanism: m,
	}, nil
}

func (o *Options) mechanism() (sasl.Mechanism, error) {
	switch o.SASLMechanism {
	case "":
		return nil, nil
	case SASLPlain:
		return plain.Mechanism{Username: o.SASLUser, Password: o.SASLPassword}, nil
	case SASLScramSHA256, SASLScramSHA512:
		algo := scram.SHA256
		if o.SASLMechanism == SASLScramSHA512 {
			algo = scram.SHA512
		}
		m, err := scram.Mechanism(algo, o.SASLUser, o.SASLPassword)
		if err != nil {
			return nil, fmt.Errorf("cannot set up kafka SASL %s: %w", o.SASLMechanism, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("cannot set up kafka SASL: unknown mechanism %q (want %s, %s or %s)",
		o.SASLMechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
}

// reportError passes a retriable error to OnError.
func (o *Options) reportError(err error) {
	if o.OnError != nil {
		o.OnError(err)
	}
}

// errorLogger adapts kafka-go's error logging to OnError.
func (o *Options) errorLogger(prefix string) kafka.Logger {
	if o.OnError == nil {
		return nil
	}
	return kafka.LoggerFunc(func(format string, args ...any) {
		o.OnError(errors.New(prefix + fmt.Sprintf(format, args...)))
	})
}
