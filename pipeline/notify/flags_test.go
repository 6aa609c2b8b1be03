package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

func TestAddFlags(t *testing.T) {
	f := func(args []string, want Config) {
		t.Helper()
		var c Config
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		c.AddFlags(fs, FlagHelp{})
		if err := fs.Parse(args); err != nil {
			t.Fatalf("cannot parse %q: %v", args, err)
		}
		if diff := cmp.Diff(want, c); diff != "" {
			t.Errorf("unexpected config for %q (-want +got):\n%s", args, diff)
		}
	}
	f(nil, Config{AlertResend: DefaultResend, WebhookFormat: FormatJSON})
	f([]string{"--alertmanager", "http://am-1:9093", "--alertmanager", "http://am-2:9093", "--alert-label", "a=b,c",
		"--alert-resend", "30s", "--webhook", "https://hook/a", "--webhook-format", "slack", "--incidents-topic", "incidents"},
		Config{Alertmanagers: []string{"http://am-1:9093", "http://am-2:9093"}, AlertLabels: []string{"a=b,c"},
			AlertResend: 30 * time.Second, Webhooks: []string{"https://hook/a"}, WebhookFormat: FormatSlack, IncidentsTopic: "incidents"})
}

func TestAddFlagsHelp(t *testing.T) {
	f := func(h FlagHelp, flag, want string) {
		t.Helper()
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		new(Config).AddFlags(fs, h)
		if got := fs.Lookup(flag).Usage; !strings.HasPrefix(got, want) {
			t.Errorf("unexpected help of --%s for %+v; got %q; want it to start with %q", flag, h, got, want)
		}
	}
	follow := FlagHelp{When: "with --follow: ", EventJSON: "-o json"}
	f(follow, "alertmanager", "with --follow: Alertmanager base URL")
	f(follow, "webhook", "with --follow: URL")
	f(follow, "incidents-topic", "with --follow: existing Kafka topic")
	f(follow, "webhook-format", "webhook body: json (the event, as -o json prints it) or slack")
	f(FlagHelp{}, "alertmanager", "Alertmanager base URL")
	f(FlagHelp{}, "webhook-format", "webhook body: json (the event) or slack")
}
