// Package notify sends incident events to the people and systems that
// act on them: Prometheus Alertmanager ([Alertmanager]), webhooks in
// JSON or Slack's format ([Webhook]) and a Kafka topic ([Kafka]). It is
// what `ingest` and `analyze --follow` do with the events of the
// incident tracker (docs/notify.md).
//
// # Delivery
//
// A [Notifier] takes events from the engine through Notify, which never
// waits: detection and consumption go on whatever the receivers do.
// Each sink has a bounded queue (Options.QueueSize, 1024 by default) and
// a goroutine of its own that delivers it in order, at least once:
// a failed attempt (network error, timeout, HTTP 5xx, 408 or 429) is
// retried after a backoff doubling from Options.MinBackoff (500ms) to
// Options.MaxBackoff (30s); a receiver that refuses an event for good
// (another 4xx) has it dropped. Receivers deduplicate by the incident id
// and the event's seq, which every message carries.
//
// A slow or dead receiver fills its own queue only. A full queue makes
// room by coalescing updates of one incident (the newest state stays)
// and then by dropping the least important event: an update before an
// escalation before an opening, a resolution or a supersede (see
// [Stats]: Sent, Failed attempts, Dropped, Coalesced, Queued).
//
// Alertmanager forgets alerts that are not re-sent (and all of them when
// it restarts), so its sink also re-sends the open incidents every
// AlertmanagerOptions.Resend (1m by default, below Alertmanager's
// default resolve_timeout of 5m), each with an endsAt four intervals
// ahead; a resolved incident is sent with its end as endsAt. A new
// detection leader gives the notifier the incidents it takes over
// (Notifier.SetOpen): they are re-sent without a second "opened" event.
//
// # Concurrency
//
// Notify, Stats and Close are safe for concurrent use; Notify is cheap
// (a mutex and a copy of the event per sink). Sinks are called from
// their own goroutine only.
//
// # Usage
//
//	n, err := notify.FromConfig(notify.Config{
//		Alertmanagers: []string{"http://am-1:9093", "http://am-2:9093"},
//		AlertLabels:   []string{"service=shop", "env=prod"},
//		Webhooks:      []string{"https://hooks.slack.com/services/…"},
//		WebhookFormat: notify.FormatSlack,
//	})
//	…
//	opts.OnEvent = n.Notify
//	… run …
//	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
//	defer cancel()
//	n.Close(ctx) // Deliver what is queued, within 5s.
//
// The command lines' flags map to [Config]: --alertmanager URL
// (repeatable), --alert-label name=value (repeatable), --alert-resend
// DURATION, --webhook URL (repeatable), --webhook-format json|slack,
// --incidents-topic TOPIC.
package notify
