package detect

import (
	"math"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
	"github.com/vigil-ops/vigil/sketches/quantile"
)

// addPoints adds points of series (kind, subject) to w, with detail and
// severity.
func addPoints(w *win, kind, subject, detail, severity string, values ...float64) {
	if w.c.Metrics == nil {
		w.c.Metrics = make(map[window.MetricKey]*window.MetricStats)
	}
	k := window.MetricKey{Kind: kind, Subject: subject}
	m := w.c.Metrics[k]
	if m == nil {
		m = &window.MetricStats{Values: quantile.New(256), At: math.MinInt64}
		w.c.Metrics[k] = m
	}
	for i, v := range values {
		milli, _ := window.Milli(v)
		m.Values.Add(milli)
		m.At, m.Detail, m.Severity = w.c.Start.UnixNano()+int64(i), detail, severity
	}
}

// points returns a change adding values to (kind, subject) in every
// window of [from, to), and base before and after when it is not NaN.
func points(kind, subject string, from, to int, base float64, values ...float64) func(int, *win) {
	return pointsWith(kind, subject, "", "", from, to, base, values...)
}

func pointsWith(kind, subject, detail, severity string, from, to int, base float64, values ...float64) func(int, *win) {
	return func(i int, w *win) {
		switch {
		case i >= from && i < to:
			addPoints(w, kind, subject, detail, severity, values...)
		case !math.IsNaN(base):
			addPoints(w, kind, subject, detail, severity, base, base)
		}
	}
}

// TestDetectMetricThresholds: each threshold rule's default raises its
// kind and severity once held; just below, or above for less than the
// hold, nothing; one noisy sample in a window of normal ones, nothing.
func TestDetectMetricThresholds(t *testing.T) {
	f := func(name string, change func(int, *win), want ...brief) {
		t.Helper()
		thresholds(t, name, Rules{}, change, want...)
	}
	nan := math.NaN()
	// memory: above 85 % (window mean), held 5 minutes.
	f("memory 86% for 5m", points("memory", "web-1", 60, 65, 50, 86, 86.5), brief{incident.Memory, incident.P2, "web-1", 60, 65})
	f("memory 86% for 4m", points("memory", "web-1", 60, 64, 50, 86, 86.5))
	f("memory 85% for 30m", points("memory", "web-1", 60, 90, 50, 85, 85))
	f("memory one noisy sample", points("memory", "web-1", 60, 70, 50, 99, 60, 60, 60))
	// cpu: above 80 %, held 5 minutes.
	f("cpu 81% for 6m", points("cpu", "web-2", 30, 36, 20, 81), brief{incident.CPU, incident.P2, "web-2", 30, 36})
	f("cpu 80% for 30m", points("cpu", "web-2", 30, 60, 20, 80))
	// db_connections: above 80, one window.
	f("81 connections", points("db_connections", "db-1", 60, 61, nan, 81), brief{incident.DBConnections, incident.P2, "db-1", 60, 61})
	f("80 connections", points("db_connections", "db-1", 60, 70, nan, 80))
	// long_query: a query running longer than 5 minutes (the window's max).
	f("query at 301 s", points("long_query", "db-1 pid 42", 60, 61, nan, 250, 301), brief{incident.LongQuery, incident.P1, "db-1 pid 42", 60, 61})
	f("query at 299 s", points("long_query", "db-1 pid 42", 60, 65, nan, 299))
	// slow_statement: mean above 1000 ms.
	f("statement 1001 ms", points("slow_statement", "db-1 queryid 7", 60, 61, nan, 1001), brief{incident.SlowStatement, incident.P2, "db-1 queryid 7", 60, 61})
	f("statement 1000 ms", points("slow_statement", "db-1 queryid 7", 60, 70, nan, 1000))
	// payment_success as a metric: below 95 %, held 2 minutes.
	f("payments 94% for 2m", points("payment_success", "shop", 60, 62, 99, 94), brief{incident.PaymentSuccess, incident.P1, "shop", 60, 62})
	f("payments 94% for 1m", points("payment_success", "shop", 60, 61, 99, 94))
	f("payments 95%", points("payment_success", "shop", 60, 80, 99, 95))
	// endpoint_down: every probe of the window failed, 2 minutes; the
	// probe's severity label decides P1 or P2.
	f("health URL down 2m", pointsWith("endpoint_down", "api", "http://x/api/health", "P1", 60, 62, 1, 0, 0),
		brief{incident.EndpointDown, incident.P1, "api", 60, 62})
	f("other URL down 3m", pointsWith("endpoint_down", "docs", "http://x/docs", "P2", 60, 63, 1, 0, 0),
		brief{incident.EndpointDown, incident.P2, "docs", 60, 63})
	f("probe without severity down 2m", points("endpoint_down", "misc", 60, 62, 1, 0), brief{incident.EndpointDown, incident.P2, "misc", 60, 62})
	f("down 1m", pointsWith("endpoint_down", "api", "", "P1", 60, 61, 1, 0, 0))
	f("one failure a window", pointsWith("endpoint_down", "api", "", "P1", 60, 90, 1, 0, 1))
	// uptime: below 99.9 % over a rolling hour, 5 minutes: one failed
	// probe of 120 in the hour is 99.17 %, until it leaves the hour.
	f("one probe down", points("uptime", "api", 60, 61, 100, 0, 100), brief{incident.Uptime, incident.P2, "api", 60, 120})
	f("uptime 99.95%", points("uptime", "api", 0, 120, nan, 99.95))
}

// TestDetectMetricLifecycle: a memory incident resolves after its quiet
// period, with the series' evidence; a rules file's threshold, hold and
// severity apply; a rule off raises nothing.
func TestDetectMetricLifecycle(t *testing.T) {
	got := thresholds(t, "memory 90% for 10m", Rules{}, points("memory", "web-1", 60, 70, 50, 90, 92), brief{incident.Memory, incident.P2, "web-1", 60, 70})
	in := got.final[0]
	want := &incident.MetricEvidence{Samples: 20, Min: 90, Mean: 91, P95: 92, Max: 92, Statistic: "mean", Direction: "above", Commands: incident.Memory.Commands()}
	if in.Status != incident.Resolved || in.Threshold != 85 || in.Peak.Value != 91 {
		t.Fatalf("unexpected incident; got %s, threshold %v, peak %v; want resolved, 85, 91", in.Status, in.Threshold, in.Peak.Value)
	}
	if diff := gocmp.Diff(want, in.Evidence.Metric); diff != "" {
		t.Fatalf("unexpected evidence; diff (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(in.Summary, "memory of web-1 above 85 (mean of each window): worst 91; 20 points from 90 to 92, mean 91, between") {
		t.Fatalf("unexpected summary; got %q", in.Summary)
	}
	if in.Runbook.Section != "High Memory/CPU Usage" || in.Runbook.RespondWithin != "1 h" {
		t.Fatalf("unexpected runbook; got %+v", in.Runbook)
	}
	lq := thresholds(t, "long query", Rules{}, pointsWith("long_query", "db-1 pid 42", "SELECT pg_sleep(900)", "", 60, 61, math.NaN(), 400),
		brief{incident.LongQuery, incident.P1, "db-1 pid 42", 60, 61}).final[0]
	if ev := lq.Evidence.Metric; ev.Detail != "SELECT pg_sleep(900)" || len(ev.Commands) != 2 || !strings.Contains(ev.Commands[0], "pg_stat_activity") || lq.Runbook.Section != "Database Issues" {
		t.Fatalf("unexpected long query evidence; got %+v, %+v", ev, lq.Runbook)
	}
	var r Rules
	r.Metrics.Memory = ThresholdRule{Threshold: 70, For: Duration(2 * time.Minute), Severity: incident.P3}
	thresholds(t, "memory 75% with a rules file", r, points("memory", "web-1", 60, 62, 50, 75), brief{incident.Memory, incident.P3, "web-1", 60, 62})
	r.Metrics.Memory.Off = true
	thresholds(t, "memory rule off", r, points("memory", "web-1", 60, 90, 50, 99))
}

// TestMetricRulesFile: the rules file reads the threshold rules, and
// rejects bad values by key.
func TestMetricRulesFile(t *testing.T) {
	r, err := ParseRules(strings.NewReader(`{"metrics": {"cpu": {"threshold": 90, "for": "10m", "severity": "P1"}, "uptime": {"window": "30m"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Metrics.CPU; c.Threshold != 90 || c.For != Duration(10*time.Minute) || c.Severity != incident.P1 || c.Direction != "above" || c.Statistic != "mean" {
		t.Fatalf("unexpected cpu rule; got %+v", c)
	}
	if u := r.Metrics.Uptime; u.Window != Duration(30*time.Minute) || u.Threshold != 99.9 {
		t.Fatalf("unexpected uptime rule; got %+v", u)
	}
	_, err = ParseRules(strings.NewReader(`{"metrics": {"cpu": {"direction": "up", "statistic": "p99", "window": "3h", "for": "-1m"}}}`))
	for _, want := range []string{"metrics.cpu.direction", "metrics.cpu.statistic", "metrics.cpu.window", "metrics.cpu.for"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for bad cpu rules; got %v; want one naming %s", err, want)
		}
	}
	if _, err := ParseRules(strings.NewReader(`{"metrics": {"cpu": {"severity": "P7"}}}`)); err == nil {
		t.Fatalf("unexpected success for severity P7")
	}
}

// TestRolling: a rule's rolling statistic pools the trailing windows by
// time (a window without points adds nothing, a gap drops what it
// passes), against a plain mean over the same points; without a rolling
// window, each window alone.
func TestRolling(t *testing.T) {
	const size = int64(time.Minute)
	// Window starts (in minutes) and their points.
	wins := []struct {
		at     int64
		values []float64
	}{{0, []float64{100, 100}}, {1, []float64{0}}, {2, []float64{100}}, {3, []float64{100, 100, 100}}, {6, []float64{100}}}
	f := func(rule ThresholdRule, want []string) {
		t.Helper()
		r := rule.Rolling(time.Minute)
		var got []string
		for _, w := range wins {
			s := quantile.New(256)
			for _, v := range w.values {
				milli, _ := window.Milli(v)
				s.Add(milli)
			}
			v, crosses := r.Add(w.at*size, s)
			got = append(got, value2(v)+map[bool]string{true: " crosses", false: ""}[crosses])
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected rolling statistics for %+v; diff (-want +got):\n%s", rule, diff)
		}
	}
	// Means over the trailing 3 minutes: {100,100}, {100,100,0},
	// {100,100,0,100}, {0,100,100,100,100}, {100} (minutes 4-6).
	f(ThresholdRule{Threshold: 80, Direction: "below", Statistic: "mean", Window: Duration(3 * time.Minute)},
		[]string{"100", "66.67 crosses", "75 crosses", "80", "100"})
	f(ThresholdRule{Threshold: 80, Direction: "below", Statistic: "min", Window: Duration(3 * time.Minute)},
		[]string{"100", "0 crosses", "0 crosses", "0 crosses", "100"})
	f(ThresholdRule{Threshold: 80, Direction: "below", Statistic: "mean"},
		[]string{"100", "0 crosses", "100", "100", "100"})
}
