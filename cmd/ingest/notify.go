package main

import (
	"context"
	"time"

	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/notify"
)

// notifyGrace bounds how long a stop waits for queued incident events
// to be delivered (within shutdownGrace's promise as far as may be).
const notifyGrace = 2 * time.Second

// notifyFlags adds the flags of the incident event outputs to fs.
func notifyFlags(fs *pflag.FlagSet, c *notify.Config) {
	c.AddFlags(fs, notify.FlagHelp{EventJSON: "--events json"})
}

// startNotify starts the notifier c's flags ask for, with Kafka's
// brokers, TLS and SASL, and chains it after c.opts.OnEvent. It returns
// nil when no output is asked for.
func startNotify(c *config, logf func(string, ...any)) (*notify.Notifier, error) {
	nc := c.notify
	nc.Kafka = c.opts.Kafka
	nc.Options.Logf = func(format string, args ...any) { logf("notify: "+format, args...) }
	n, err := notify.FromConfig(nc)
	if n == nil || err != nil {
		return nil, err
	}
	prev := c.opts.OnEvent
	c.opts.OnEvent = func(e incident.Event) {
		if prev != nil {
			prev(e)
		}
		n.Notify(e)
	}
	return n, nil
}

// stopNotify delivers what is queued, within notifyGrace, and logs what
// could not be.
func stopNotify(n *notify.Notifier, logf func(string, ...any)) {
	if n == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), notifyGrace)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		logf("%v", err)
	}
	for _, s := range n.Stats() {
		if s.Dropped > 0 {
			logf("notify: %s: %d incident events not delivered", s.Sink, s.Dropped)
		}
	}
}
