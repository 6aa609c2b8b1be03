package pipeline

import (
	"bytes"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestParseRulesSuccess(t *testing.T) {
	f := func(in string, change func(r *Rules)) {
		t.Helper()
		got, err := ParseRules(strings.NewReader(in))
		if err != nil {
			t.Fatalf("cannot parse rules %q: %v", in, err)
		}
		want := DefaultRules()
		change(&want)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected rules for %q; got %+v; want %+v\n%s", in, got, want, diff)
		}
	}
	f(`{}`, func(*Rules) {})
	f(`{"outage": {"failures": {"min_requests": 0}}}`, func(*Rules) {})
	f(`{"attack": {"min_per_minute": 60, "for": "5m"}}`, func(r *Rules) {
		r.Attack.MinPerMinute = 60
		r.Attack.For = Duration(5 * time.Minute)
	})
	f(`{"latency": {"warn": {"off": true}}, "error_burst": {"off": true}}`, func(r *Rules) {
		r.Latency.Warn.Off = true
		r.ErrorBurst.Off = true
	})
}

func TestReadRules(t *testing.T) {
	got, err := ReadRules("testdata/detect/partial.json")
	if err != nil {
		t.Fatalf("cannot read rules: %v", err)
	}
	want := DefaultRules()
	want.Confidence = 0.999
	want.Endpoints.Payment = "/v2/pay*"
	want.ErrorRate.Alert.Threshold = 0.1
	want.ErrorRate.Alert.Window = Duration(10 * time.Minute)
	want.Latency.Alert.Above = Duration(1500 * time.Millisecond)
	want.BotSurge.Off = true
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected rules for %q; got %+v; want %+v\n%s", "partial.json", got, want, diff)
	}
	wo := got.WindowOptions(WindowOptions{Size: 5 * time.Minute})
	wantWO := WindowOptions{
		Size: 5 * time.Minute, SlowWarn: 500 * time.Millisecond, SlowAlert: 1500 * time.Millisecond,
		PaymentPattern: "/v2/pay*", ExportPattern: "*export*", LoginPattern: "*login*",
	}
	if wo != wantWO {
		t.Fatalf("unexpected window options for %q; got %+v; want %+v", "partial.json", wo, wantWO)
	}
}

func TestParseRulesFailure(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		_, err := ParseRules(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for %q; got %v; want one containing %q", in, err, want)
		}
	}
	f(`{"outage": {"failure": {}}}`, `unknown field "failure"`)
	f(`{"confidence": "high"}`, "confidence")
	f(`{"confidence": 0.3}`, "invalid rule confidence: must be in [0.5, 1); got 0.3")
	f(`{"confidence": 1}`, "invalid rule confidence: must be in [0.5, 1); got 1")
	f(`{"baseline": "1 hour"}`, `cannot parse duration "1 hour"`)
	f(`{"baseline": 3600}`, "cannot parse duration 3600")
	f(`{"baseline": "-1h"}`, "invalid rule baseline: must be positive; got -1h")
	f(`{"error_rate": {"alert": {"threshold": 1.5}}}`, "invalid rule error_rate.alert.threshold")
	f(`{"error_rate": {"warn": {"threshold": 0.2}}}`, "invalid rule error_rate.warn.threshold: must not exceed error_rate.alert.threshold")
	f(`{"latency": {"warn": {"above": "3s"}}}`, "invalid rule latency.warn.above: must not exceed latency.alert.above; got 3s")
	f(`{"payment_failures": {"min_success": 1}}`, "invalid rule payment_failures.min_success")
	f(`{"bot_surge": {"factor": 0.5}}`, "invalid rule bot_surge.factor: must be at least 1; got 0.5")
	f(`{"auth_failures": {"min_clients": -1}}`, "invalid rule auth_failures.min_clients")
	f(`{"attack": {"factor": 3}}`, "invalid rule attack.factor: is not used by attack; remove it; got 3")
	f(`{"attack": {"min_per_minute": 5}} {}`, "unexpected data after the rules object")
	f(`[]`, "cannot parse rules")
}

func TestWriteRules(t *testing.T) {
	f := func(r Rules) {
		t.Helper()
		var b bytes.Buffer
		if err := WriteRules(&b, r); err != nil {
			t.Fatalf("cannot write rules: %v", err)
		}
		got, err := ParseRules(&b)
		if err != nil {
			t.Fatalf("cannot parse written rules: %v", err)
		}
		if diff := gocmp.Diff(r.withDefaults(), got); diff != "" {
			t.Fatalf("unexpected rules for %q; got %+v; want %+v\n%s", "round trip", got, r.withDefaults(), diff)
		}
	}
	f(Rules{})
	f(DefaultRules())
	f(Rules{MaxGap: Duration(90 * time.Second), BotSurge: BurstRule{Off: true, Factor: 5}})
}

func TestDurationString(t *testing.T) {
	f := func(d time.Duration, want string) {
		t.Helper()
		if got := Duration(d).String(); got != want {
			t.Fatalf("unexpected string for %q; got %q; want %q", d, got, want)
		}
	}
	f(5*time.Minute, "5m")
	f(time.Hour, "1h")
	f(90*time.Minute, "1h30m")
	f(90*time.Second, "1m30s")
	f(500*time.Millisecond, "500ms")
}
