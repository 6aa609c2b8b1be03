package notify

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
)

// Config is what the command lines (ingest, analyze --follow) say about
// where incident events go: every field is a flag's value.
type Config struct {
	// Alertmanagers are the base URLs of Alertmanager instances
	// (--alertmanager, repeatable: an HA pair gets every alert twice).
	Alertmanagers []string
	// AlertLabels are static labels of every alert, "name=value"
	// (--alert-label, repeatable).
	AlertLabels []string
	// AlertResend is how often open incidents are sent to Alertmanager
	// again (--alert-resend). Default: DefaultResend (1m).
	AlertResend time.Duration
	// Webhooks are the URLs events are posted to (--webhook, repeatable).
	Webhooks []string
	// WebhookFormat is FormatJSON or FormatSlack, for every webhook
	// (--webhook-format). Default: FormatJSON.
	WebhookFormat string
	// IncidentsTopic is the Kafka topic of the events (--incidents-topic),
	// written with Kafka's brokers, TLS and SASL. Default: none.
	IncidentsTopic string
	// Kafka is how to reach the brokers, for IncidentsTopic.
	Kafka kafkasrc.Options
	// Options configure the queues and retries.
	Options Options
}

// Empty reports whether c names no sink.
func (c *Config) Empty() bool {
	return len(c.Alertmanagers) == 0 && len(c.Webhooks) == 0 && c.IncidentsTopic == ""
}

// FromConfig returns a Notifier with the sinks c names: one per
// Alertmanager, one per webhook, the incidents topic. It returns nil
// and no error when c names none (see [Config.Empty]).
func FromConfig(c Config) (*Notifier, error) {
	if c.Empty() && len(c.AlertLabels) == 0 {
		return nil, nil
	}
	sinks, err := c.sinks()
	if err == nil {
		var n *Notifier
		if n, err = New(c.Options, sinks...); err == nil {
			return n, nil
		}
	}
	for _, s := range sinks {
		s.Close()
	}
	return nil, err
}

// sinks builds c's sinks; on error, the ones built so far.
func (c *Config) sinks() ([]Sink, error) {
	var sinks []Sink
	labels, err := ParseLabels(c.AlertLabels)
	if err != nil {
		return nil, err
	}
	if len(labels) > 0 && len(c.Alertmanagers) == 0 {
		return nil, errors.New("cannot use --alert-label without --alertmanager")
	}
	for _, u := range c.Alertmanagers {
		s, err := NewAlertmanager(AlertmanagerOptions{URL: u, Labels: labels, Resend: c.AlertResend})
		if err != nil {
			return sinks, err
		}
		sinks = append(sinks, s)
	}
	for _, u := range c.Webhooks {
		s, err := NewWebhook(WebhookOptions{URL: u, Format: c.WebhookFormat})
		if err != nil {
			return sinks, err
		}
		sinks = append(sinks, s)
	}
	if c.IncidentsTopic != "" {
		if len(c.Kafka.Brokers) == 0 {
			return sinks, errors.New("cannot write --incidents-topic: no --brokers")
		}
		s, err := NewKafka(kafkasrc.ProducerOptions{Kafka: c.Kafka, Topic: c.IncidentsTopic, WriteTimeout: c.Options.Timeout})
		if err != nil {
			return sinks, err
		}
		sinks = append(sinks, s)
	}
	return sinks, nil
}

// ParseLabels reads "name=value" pairs into a map. A name given twice is
// an error; names and values are checked by [NewAlertmanager].
func ParseLabels(pairs []string) (map[string]string, error) {
	out := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		_, dup := out[k]
		switch {
		case !ok:
			return nil, fmt.Errorf("cannot read alert label %q: want name=value", p)
		case dup:
			return nil, fmt.Errorf("cannot read alert label %q: %s given twice", p, k)
		}
		out[k] = v
	}
	return out, nil
}
