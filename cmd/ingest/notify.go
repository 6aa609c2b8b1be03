package main

import (
	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/notify"
)

// notifyFlags adds the flags of the incident event outputs to fs.
func notifyFlags(fs *pflag.FlagSet, c *notify.Config) {
	c.AddFlags(fs, notify.FlagHelp{EventJSON: "--events json"})
}

// startNotify starts the notifier c's flags ask for, with Kafka's
// brokers, TLS and SASL, and chains it after c.opts.OnEvent; a new
// detection leader gives it the incidents it re-sends (c.opts.OnLead).
// It returns nil when no output is asked for; its Stop delivers what is
// queued within notify.StopGrace.
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
	c.opts.OnLead = n.SetOpen
	return n, nil
}
