package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/notify"
)

// notifyFlags adds the flags of the incident event outputs of --follow
// to fs: those of ingest, and --brokers for --incidents-topic.
func notifyFlags(fs *pflag.FlagSet, c *notify.Config) {
	c.AddFlags(fs, notify.FlagHelp{When: "with --follow: ", EventJSON: "-o json"})
	fs.StringSliceVar(&c.Kafka.Brokers, "brokers", nil, "Kafka bootstrap brokers of --incidents-topic, host:port, comma-separated (plain TCP: no TLS or SASL)")
}

// startNotify starts the notifier c's flags ask for; nil when none is.
// The outputs are for live runs: without --follow they are a usage
// error. Its Stop delivers what is queued within notify.StopGrace.
func startNotify(c *config, stderr io.Writer) (*notify.Notifier, error) {
	nc := c.notify
	if !c.follow && (!nc.Empty() || len(nc.AlertLabels) > 0) {
		return nil, errors.New("cannot send incident events without --follow: --alertmanager, --webhook and --incidents-topic are for live runs")
	}
	if len(nc.Kafka.Brokers) > 0 && nc.IncidentsTopic == "" {
		return nil, errors.New("cannot use --brokers without --incidents-topic")
	}
	nc.Options.Logf = c.logf(stderr, "notify: ")
	return notify.FromConfig(nc)
}

// onEvent returns show followed by the notifier's Notify, or show
// alone when there is no notifier.
func (c *config) onEvent(show func(incident.Event)) func(incident.Event) {
	n := c.notifier
	if n == nil {
		return show
	}
	return func(e incident.Event) {
		show(e)
		n.Notify(e)
	}
}
