package notify

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
)

func TestFromConfigSuccess(t *testing.T) {
	n, err := FromConfig(Config{})
	if n != nil || err != nil {
		t.Fatalf("unexpected result of an empty config; got %v, %v; want nil, nil", n, err)
	}
	n, err = FromConfig(Config{
		Alertmanagers:  []string{"http://am-1:9093", "http://am-2:9093"},
		AlertLabels:    []string{"service=shop", "env=prod"},
		Webhooks:       []string{"https://hooks.example/a", "https://hooks.example/b"},
		WebhookFormat:  FormatSlack,
		IncidentsTopic: "incidents",
		Kafka:          kafkasrc.Options{Brokers: []string{"127.0.0.1:1"}},
	})
	if err != nil {
		t.Fatalf("cannot build notifier: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range n.Stats() {
		names = append(names, s.Sink)
	}
	want := []string{"alertmanager http://am-1:9093", "alertmanager http://am-2:9093",
		"webhook slack https://hooks.example/…", "webhook slack https://hooks.example/… #2", "kafka incidents"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("unexpected sinks (-want +got):\n%s", diff)
	}
}

func TestFromConfigFailure(t *testing.T) {
	f := func(c Config, want string) {
		t.Helper()
		n, err := FromConfig(c)
		if err == nil || err.Error() != want || n != nil {
			t.Fatalf("unexpected result for %+v; got %v, %v; want nil, %q", c, n, err, want)
		}
	}
	f(Config{AlertLabels: []string{"env=prod"}}, "cannot use --alert-label without --alertmanager")
	f(Config{Alertmanagers: []string{"http://am"}, AlertLabels: []string{"env"}}, `cannot read alert label "env": want name=value`)
	f(Config{Alertmanagers: []string{"http://am"}, AlertLabels: []string{"env=a", "env=b"}}, `cannot read alert label "env=b": env given twice`)
	f(Config{Alertmanagers: []string{"http://am"}, AlertLabels: []string{"kind=x"}}, `cannot use alert label "kind": vigil sets it`)
	f(Config{Webhooks: []string{"http://hook"}, WebhookFormat: "teams"}, `cannot post webhooks as "teams": want json or slack`)
	f(Config{IncidentsTopic: "incidents"}, "cannot write --incidents-topic: no --brokers")
}

func TestParseLabels(t *testing.T) {
	f := func(in []string, want map[string]string) {
		t.Helper()
		got, err := ParseLabels(in)
		if err != nil {
			t.Fatalf("cannot parse %q: %v", in, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected labels for %q (-want +got):\n%s", in, diff)
		}
	}
	f(nil, map[string]string{})
	f([]string{"service=shop", "env=prod"}, map[string]string{"service": "shop", "env": "prod"})
	f([]string{"url=http://x/?a=b"}, map[string]string{"url": "http://x/?a=b"})
}
