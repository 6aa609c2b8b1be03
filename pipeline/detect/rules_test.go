package detect

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/window"
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
	got, err := ReadRules("testdata/partial.json")
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
	wc := got.WindowConfig()
	wantWC := window.Config{
		Size: time.Minute, SlowWarn: 500 * time.Millisecond, SlowAlert: 1500 * time.Millisecond,
		Payment: "/v2/pay*", Export: "*export*", Login: "*login*",
	}
	if wc != wantWC {
		t.Fatalf("unexpected window config for %q; got %+v; want %+v", "partial.json", wc, wantWC)
	}
	wc = Rules{WindowSize: Duration(5 * time.Minute)}.WindowConfig()
	if wc.Size != 5*time.Minute || wc != wc.WithDefaults() {
		t.Fatalf("unexpected window config for %q; got %+v; want 5m windows and every field set", "window_size 5m", wc)
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
	f(`[]`, `cannot parse rules: want a JSON object, got "[]"`)
	f(`{"window_size": "10ms"}`, "invalid rule window_size: must be at least 1s; got 10ms")
	f(`{"endpoints": {"health": ["/ok", "healthz"]}}`, `invalid rule endpoints.health[1]: must be a path ("/healthz") or a path ending in "/*" ("/api/health/*"); got "healthz"`)
	f(`{"endpoints": {"health": ["/api/*/health"]}}`, `invalid rule endpoints.health[0]: must be a path`)
	f(`{"endpoints": {"health": ["/api/health*"]}}`, `invalid rule endpoints.health[0]: must be a path`)
	f(`{"confidence": 0.99, "baseline": }`, "cannot parse rules at byte 34: invalid character '}'")
	f(`127.0.0.1 - - [01/Mar/2026:00:00:10 +0000] "GET / HTTP/1.1" 200 5`, `cannot parse rules: want a JSON object, got "127.0.0.1 - - [01/Mar/2026:00:00:10 +000"`)
}

// TestReadRulesFailure checks what a wrong --rules file says: a device or
// a file past 1 MiB is refused without reading it whole, a log on its
// first bytes, and several invalid values one per line.
func TestReadRulesFailure(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatalf("cannot write %s: %v", path, err)
		}
		return path
	}
	f := func(path, want string) {
		t.Helper()
		_, err := ReadRules(path)
		if err == nil || err.Error() != want {
			t.Fatalf("unexpected error for %q; got %v; want %q", path, err, want)
		}
	}
	big := write("big.json", `{"confidence": 0.99}`+strings.Repeat(" ", MaxRulesSize))
	f(big, "cannot read rules "+big+": larger than 1 MiB")
	if _, err := os.Stat("/dev/zero"); err == nil {
		start := time.Now()
		f("/dev/zero", "cannot read rules /dev/zero: larger than 1 MiB")
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("unexpected time for %q; got %v; want well under a second", "/dev/zero", d)
		}
	}
	log := write("access.log", strings.Repeat("203.0.113.9 - - [01/Mar/2026:00:00:10 +0000] \"GET / HTTP/1.1\" 200 5\n", 10))
	f(log, `cannot parse rules `+log+`: want a JSON object, got "203.0.113.9 - - [01/Mar/2026:00:00:10 +0"`)
	two := write("two.json", `{"confidence": 0.3, "baseline": "-1h"}`)
	f(two, two+": 2 invalid rules:\n"+
		"  invalid rule confidence: must be in [0.5, 1); got 0.3\n"+
		"  invalid rule baseline: must be positive; got -1h")
	one := write("one.json", `{"confidence": 0.3}`)
	f(one, one+": invalid rule confidence: must be in [0.5, 1); got 0.3")
	f(filepath.Join(dir, "missing.json"), "cannot read rules: open "+filepath.Join(dir, "missing.json")+": no such file or directory")
	_, err := ReadRules(two)
	var invalid *InvalidRulesError
	if !errors.As(err, &invalid) || len(invalid.Errs) != 2 || invalid.File != two {
		t.Fatalf("unexpected error for %q; got %#v; want an *InvalidRulesError with 2 errors", two, err)
	}
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
	f(Rules{Endpoints: EndpointRules{Health: HealthPaths{}}})
	f(Rules{MetricMappings: []MetricMapping{{Name: "myapp_heap_percent", Metric: "memory"}, {Name: "probe_success", Metric: "uptime", Off: true}}})
}

// TestHealthPaths: a path matches itself, and "/*" every path under it;
// no health paths in the rules file are the defaults, an empty list none.
func TestHealthPaths(t *testing.T) {
	f := func(rules, path string, want bool) {
		t.Helper()
		r, err := ParseRules(strings.NewReader(rules))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.HealthPaths().Match(path); got != want {
			t.Fatalf("unexpected match of %q under %s; got %v; want %v", path, rules, got, want)
		}
	}
	f(`{}`, "/api/health", true)
	f(`{}`, "/healthz", true)
	f(`{}`, "/health", true)
	f(`{}`, "/api/health/database", true)
	f(`{}`, "/api/health/payments/x", true)
	f(`{}`, "/api/health/", false)
	f(`{}`, "/api/healthcheck", false)
	f(`{}`, "/api/items", false)
	f(`{"endpoints": {"health": ["/status"]}}`, "/status", true)
	f(`{"endpoints": {"health": ["/status"]}}`, "/api/health", false)
	f(`{"endpoints": {"health": []}}`, "/api/health", false)
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
