package ingest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/pgmon"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/probe"
)

// DefaultMonitorTopic is MonitorOptions.Topic's default.
const DefaultMonitorTopic = "vigil-monitor"

// MonitorOptions configure a Monitor. Kafka.Brokers, DSN and Group are
// required, and a PostgreSQL DSN to watch (PG.DSN) or probes or both.
type MonitorOptions struct {
	// Kafka says how to reach the brokers (the Service's Kafka options:
	// brokers, TLS, SASL).
	Kafka kafkasrc.Options
	// Topic receives the samples; it must exist, and the group must
	// consume it. Default: DefaultMonitorTopic.
	Topic string
	// DSN is the group's store (the Service's DSN), where the monitor
	// lock is taken; Group is the consumer group.
	DSN, Group string
	// PG is the PostgreSQL server to watch, every PG.Interval; no DSN:
	// none. Its Logf and Notef are the Monitor's Logf.
	PG pgmon.Options
	// Probes are the health-check probes.
	Probes []probe.Spec
	// LockRetry is how often an instance that does not hold the lock
	// tries to take it, and the holder checks that it still holds it.
	// Default: DefaultFlush.
	LockRetry time.Duration
	// Logf, if set, receives the monitor's log lines.
	Logf func(format string, args ...any)
}

// Monitor runs the PostgreSQL monitor and the probes of a consumer group
// on one instance at a time, the holder of the group's monitor lock
// (pgstore.Store.TryMonitor), and writes their samples (metric lines,
// docs/monitor.md) to a Kafka topic that the group consumes like any
// log topic: so they are windowed, stored and detected with the same
// exactly-once flushes. Writing is at least once: a write retried after
// a timeout may repeat a poll's samples.
type Monitor struct {
	o      MonitorOptions
	prod   *kafkasrc.Producer
	probes *probe.Runner // nil without probes
	// leading is whether this instance holds the lock.
	leading atomic.Bool
	// writeErrors counts the writes that failed (their samples lost).
	writeErrors atomic.Uint64
}

// NewMonitor checks o and returns a Monitor; Run starts it.
func NewMonitor(o MonitorOptions) (*Monitor, error) {
	if o.Topic == "" {
		o.Topic = DefaultMonitorTopic
	}
	if o.LockRetry <= 0 {
		o.LockRetry = DefaultFlush
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	switch {
	case o.DSN == "" || o.Group == "":
		return nil, errors.New("cannot run the monitor without the group's PostgreSQL DSN and group")
	case o.PG.DSN == "" && len(o.Probes) == 0:
		return nil, errors.New("cannot run the monitor without a PostgreSQL DSN to watch or a probe")
	}
	if o.PG.DSN != "" {
		o.PG.Logf, o.PG.Notef = o.Logf, o.Logf
		if err := o.PG.Validate(); err != nil {
			return nil, err
		}
	}
	m := &Monitor{o: o}
	if len(o.Probes) > 0 {
		r, err := probe.NewRunner(o.Probes, nil, o.Logf)
		if err != nil {
			return nil, err
		}
		m.probes = r
	}
	prod, err := kafkasrc.NewProducer(kafkasrc.ProducerOptions{Kafka: o.Kafka, Topic: o.Topic})
	if err != nil {
		return nil, err
	}
	m.prod = prod
	return m, nil
}

// ProbeStats returns the probes' counters (their last results on this
// instance: all zero where another instance runs them). Safe for
// concurrent use.
func (m *Monitor) ProbeStats() []probe.Stats {
	if m.probes == nil {
		return nil
	}
	return m.probes.Stats()
}

// Leading reports whether this instance runs the monitor now.
func (m *Monitor) Leading() bool { return m.leading.Load() }

// WriteErrors counts the writes to the topic that failed.
func (m *Monitor) WriteErrors() uint64 { return m.writeErrors.Load() }

// Run takes the monitor lock when it is free and, while it holds it,
// runs the monitor and the probes; it returns when ctx is done.
func (m *Monitor) Run(ctx context.Context) error {
	defer m.prod.Close()
	var st *pgstore.Store
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	for {
		var err error
		if st == nil {
			st, err = pgstore.Open(ctx, m.o.DSN, m.o.Group)
		}
		if err == nil {
			err = m.lead(ctx, st)
		}
		if err != nil && ctx.Err() == nil {
			m.o.Logf("monitor: %v", err)
		}
		if !sleep(ctx, m.o.LockRetry) {
			return nil
		}
	}
}

// lead tries the lock once; when it gets it, it runs the sources until
// the lock is lost or ctx is done.
func (m *Monitor) lead(ctx context.Context, st *pgstore.Store) error {
	l, err := st.TryMonitor(ctx)
	if l == nil || err != nil {
		return err
	}
	defer l.Close()
	m.o.Logf("monitor: leading: %d probes, PostgreSQL %v", len(m.o.Probes), m.o.PG.DSN != "")
	m.leading.Store(true)
	defer m.leading.Store(false)
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if m.o.PG.DSN != "" {
		pg, err := pgmon.New(m.o.PG)
		if err != nil {
			cancel()
			return err
		}
		defer pg.Close()
		wg.Go(func() { pg.Run(rctx, func(b []byte) error { return m.write(rctx, pg.Host(), b) }) })
	}
	if m.probes != nil {
		wg.Go(func() { m.probes.Run(rctx, func(b []byte) error { return m.write(rctx, "probes", b) }) })
	}
	for l.Alive(ctx) && sleep(ctx, m.o.LockRetry) {
	}
	cancel()
	wg.Wait()
	if ctx.Err() == nil {
		return errors.New("lost the monitor lock")
	}
	return nil
}

// write sends lines as one message keyed by key; a failure is logged and
// counted, and the lines are lost (the next poll or check follows).
func (m *Monitor) write(ctx context.Context, key string, lines []byte) error {
	err := m.prod.Write(ctx, kafkasrc.Message{Key: []byte(key), Value: lines})
	if err != nil && ctx.Err() == nil {
		m.writeErrors.Add(1)
		m.o.Logf("monitor: cannot write to %s: %v", m.o.Topic, err)
	}
	return nil
}
