package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/notify"
)

// notifyGrace bounds how long the end of a --follow run waits for queued
// incident events to be delivered.
const notifyGrace = 2 * time.Second

// notifyFlags adds the flags of the incident event outputs of --follow
// to fs: those of ingest, and --brokers for --incidents-topic.
func notifyFlags(fs *pflag.FlagSet, c *notify.Config) {
	fs.StringArrayVar(&c.Alertmanagers, "alertmanager", nil, "with --follow: Alertmanager base URL that gets the incidents as alerts, e.g. http://am:9093 (repeatable: every instance of an HA pair)")
	fs.StringArrayVar(&c.AlertLabels, "alert-label", nil, "static label of every alert, name=value, e.g. service=shop (repeatable)")
	fs.DurationVar(&c.AlertResend, "alert-resend", notify.DefaultResend, "how often open incidents are sent to Alertmanager again (keep it below its resolve_timeout)")
	fs.StringArrayVar(&c.Webhooks, "webhook", nil, "with --follow: URL that gets a POST per incident event (repeatable)")
	fs.StringVar(&c.WebhookFormat, "webhook-format", notify.FormatJSON, "webhook body: json (the event, as -o json prints it) or slack (the incident alert text, for opened, escalated and resolved events)")
	fs.StringVar(&c.IncidentsTopic, "incidents-topic", "", "with --follow and --brokers: existing Kafka topic that gets every incident event as JSON, keyed by incident id")
	fs.StringSliceVar(&c.Kafka.Brokers, "brokers", nil, "Kafka bootstrap brokers of --incidents-topic, host:port, comma-separated (plain TCP: no TLS or SASL)")
}

// startNotify starts the notifier c's flags ask for; nil when none is.
// The outputs are for live runs: without --follow they are a usage
// error.
func startNotify(c *config, stderr io.Writer) (*notify.Notifier, error) {
	nc := c.notify
	if !c.follow && (!nc.Empty() || len(nc.AlertLabels) > 0) {
		return nil, errors.New("cannot send incident events without --follow: --alertmanager, --webhook and --incidents-topic are for live runs")
	}
	if len(nc.Kafka.Brokers) > 0 && nc.IncidentsTopic == "" {
		return nil, errors.New("cannot use --brokers without --incidents-topic")
	}
	var mu sync.Mutex // Sinks log from their own goroutines.
	nc.Options.Logf = func(format string, args ...any) {
		if c.quiet {
			return
		}
		mu.Lock()
		fmt.Fprintf(stderr, "analyze: notify: "+format+"\n", args...)
		mu.Unlock()
	}
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

// stopNotify delivers what is queued, within notifyGrace, and says what
// could not be.
func stopNotify(n *notify.Notifier, stderr io.Writer) {
	if n == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), notifyGrace)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
	}
	for _, s := range n.Stats() {
		if s.Dropped > 0 {
			fmt.Fprintf(stderr, "analyze: notify: %s: %d incident events not delivered\n", s.Sink, s.Dropped)
		}
	}
}
