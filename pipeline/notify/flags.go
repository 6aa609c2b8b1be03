package notify

import "github.com/spf13/pflag"

// FlagHelp fits the help of [Config.AddFlags]'s flags to a command. The
// zero value is plain help.
type FlagHelp struct {
	// When starts the help of the flags that add an output (--alertmanager,
	// --webhook, --incidents-topic) when the outputs work in one mode of
	// the command only, such as "with --follow: ". Default: none.
	When string
	// EventJSON is the command's flag that prints events as JSON, which
	// is what a json webhook body holds, such as "--events json".
	// Default: none.
	EventJSON string
}

// AddFlags adds to fs the flags that set c's fields but Kafka and Options:
// --alertmanager, --alert-label, --alert-resend, --webhook,
// --webhook-format and --incidents-topic, with their defaults. Kafka's
// brokers are the command's own flags (ingest's consumer's, analyze's
// --brokers). c must outlive fs's Parse.
func (c *Config) AddFlags(fs *pflag.FlagSet, h FlagHelp) {
	event := "the event"
	if h.EventJSON != "" {
		event += ", as " + h.EventJSON + " prints it"
	}
	fs.StringArrayVar(&c.Alertmanagers, "alertmanager", nil, h.When+"Alertmanager base URL that gets the incidents as alerts, e.g. http://am:9093 (repeatable: every instance of an HA pair)")
	fs.StringArrayVar(&c.AlertLabels, "alert-label", nil, "static label of every alert, name=value, e.g. service=shop (repeatable)")
	fs.DurationVar(&c.AlertResend, "alert-resend", DefaultResend, "how often open incidents are sent to Alertmanager again (keep it below its resolve_timeout)")
	fs.StringArrayVar(&c.Webhooks, "webhook", nil, h.When+"URL that gets a POST per incident event (repeatable)")
	fs.StringVar(&c.WebhookFormat, "webhook-format", FormatJSON, "webhook body: json ("+event+") or slack (the incident alert text, for opened, escalated and resolved events)")
	fs.StringVar(&c.IncidentsTopic, "incidents-topic", "", h.When+"existing Kafka topic that gets every incident event as JSON, keyed by incident id (default: none)")
}
