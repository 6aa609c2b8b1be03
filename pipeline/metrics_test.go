package pipeline_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// metricsData is the shared corpus of metric files (testdata/metrics,
// written by its README's script).
func metricsData(name string) string { return filepath.Join("..", "testdata", "metrics", name) }

// inc is what the metric tests compare of an incident: its kind,
// severity, subject, span (HH:MM) and status.
func incs(rep *report.Report) []string {
	var out []string
	for _, in := range rep.Incidents {
		out = append(out, fmt.Sprintf("%s %s %s %s-%s %s", in.Severity, in.Kind, in.Subject, in.Start.Format("15:04"), in.End.Format("15:04"), in.Status))
	}
	return out
}

// TestMetricFiles: a metric file of each format raises the incidents its
// script put in it, at the right severity, and none where a series stays
// below its threshold (web-3's memory: 86 % for 4 minutes, under the
// hold); node_exporter's idle-CPU counters give the hand-computed busy
// share.
func TestMetricFiles(t *testing.T) {
	f := func(name, format string, want ...string) *report.Report {
		t.Helper()
		rep := runFiles(t, []string{metricsData(name)}, pipeline.Options{Workers: 2})
		if rep.Input.Format != format || rep.Input.Malformed != 0 {
			t.Fatalf("unexpected input for %s; got format %s, %d malformed; want %s, 0", name, rep.Input.Format, rep.Input.Malformed, format)
		}
		if diff := gocmp.Diff(want, incs(rep)); diff != "" {
			t.Fatalf("unexpected incidents for %s; diff (-want +got):\n%s", name, diff)
		}
		return rep
	}
	f("telegraf.influx", "influx",
		"P2 memory web-1 10:05-10:11 resolved",
		"P2 cpu web-2 10:08-10:14 resolved")
	rep := f("node_exporter.prom", "prometheus",
		"P2 memory node_exporter.prom 10:00-10:16 open",
		"P2 cpu node_exporter.prom 10:04-10:10 resolved")
	// Two CPUs whose idle counters grow 12 s, or 1.5 s, per 15 s scrape:
	// busy 100 × (1 − 12/15) = 20 %, or 100 × (1 − 1.5/15) = 90 %; memory
	// 100 × (1 − 2 GiB / 16 GiB) = 87.5 %.
	cpu, mem := rep.Metrics[0], rep.Metrics[1]
	if cpu.Metric != "cpu" || cpu.Min != 20 || cpu.Max != 90 || cpu.Samples != 60 || cpu.Crossing != 6*time.Minute {
		t.Fatalf("unexpected cpu series; got %+v; want 60 points from 20 to 90, 6m crossing", cpu)
	}
	if mem.Metric != "memory" || mem.Min != 87.5 || mem.Max != 87.5 || mem.Samples != 61 {
		t.Fatalf("unexpected memory series; got %+v; want 61 points of 87.5", mem)
	}
	rep = f("pg_probes.json", "metrics-json",
		"P1 long_query db-1 pid 4242 10:05-10:15 open",
		"P1 endpoint_down api-health 10:09-10:12 resolved",
		"P2 slow_statement db-1 queryid -8812 10:00-10:15 open",
		"P2 uptime docs 10:02-10:15 open",
		"P2 db_connections db-1 10:04-10:06 resolved",
		"P2 uptime api-health 10:09-10:15 open")
	lq := rep.Incidents[0]
	if ev := lq.Evidence.Metric; ev == nil || ev.Detail != "SELECT pg_sleep(3600)" || len(ev.Commands) == 0 || lq.Peak.Value != 870 || lq.Runbook.Section != "Database Issues" {
		t.Fatalf("unexpected long query incident; got %+v", lq)
	}
	// pg_connections and probe_duration_seconds are vigil's own
	// informational samples: counted, not a warning.
	if w := rep.Input.Files[0].Warnings; len(w) != 0 {
		t.Fatalf("unexpected warnings; got %q; want none", w)
	}
	data, err := os.ReadFile(metricsData("pg_probes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var lines, info uint64
	for line := range strings.Lines(string(data)) {
		var s struct{ Name string }
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatal(err)
		}
		lines++
		if s.Name == "pg_connections" || s.Name == "probe_duration_seconds" {
			info++
		}
	}
	mi := run(t, []string{metricsData("pg_probes.json")}, nil, pipeline.Options{}).Sources[0].Metrics
	if mi.Informational != info || mi.Unmapped != 0 || mi.Samples != lines {
		t.Fatalf("unexpected sample counts; got %+v; want %d samples, %d informational, none unmapped", mi, lines, info)
	}
}

// jsonMetric writes a JSON metric line.
func jsonMetric(at time.Time, name string, value float64, host string) string {
	return fmt.Sprintf(`{"ts": %q, "name": %q, "value": %g, "labels": {"host": %q}}`+"\n", at.Format(time.RFC3339), name, value, host)
}

// TestMetricsQuiet: below the threshold, above it for less than the hold,
// or one noisy sample among normal ones: no incident; the report's series
// says how long it crossed.
func TestMetricsQuiet(t *testing.T) {
	var b strings.Builder
	for s := 0; s < 30*60; s += 10 {
		at := t0.Add(time.Duration(s) * time.Second)
		b.WriteString(jsonMetric(at, "memory_usage_percent", 84.9, "web-1"))
		v := 40.0
		if s >= 600 && s < 840 {
			v = 95 // 4 minutes
		}
		b.WriteString(jsonMetric(at, "memory_usage_percent", v, "web-2"))
		v = 50
		if s == 900 {
			v = 100
		}
		b.WriteString(jsonMetric(at, "cpu_usage_percent", v, "web-3"))
	}
	rep := runBytes(t, []byte(b.String()), pipeline.Options{Workers: 2})
	if len(rep.Incidents) != 0 {
		t.Fatalf("unexpected incidents; got %v; want none", incs(rep))
	}
	got := map[string]time.Duration{}
	for _, m := range rep.Metrics {
		got[m.Metric+" "+m.Subject] = m.Crossing
	}
	want := map[string]time.Duration{"cpu web-3": 0, "memory web-1": 0, "memory web-2": 4 * time.Minute}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected crossing times; diff (-want +got):\n%s", diff)
	}
}

// TestMetricsMixed: an access log and a metric file of the same minutes
// in one run: their windows merge (the timeline counts the requests, the
// metric incidents come with the log's), and the report is byte-identical
// whatever the worker count and batch size; malformed and late metric
// lines are counted.
func TestMetricsMixed(t *testing.T) {
	var access strings.Builder
	for s := 0; s < 20*60; s += 2 {
		access.WriteString(accessLine(t0.Add(time.Duration(s)*time.Second), "/api/items", 200, 12))
	}
	influx, err := os.ReadFile(metricsData("telegraf.influx"))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := os.ReadFile(metricsData("pg_probes.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A malformed line, and a sample 10 minutes late (its window closed).
	pg = append(pg, "{\"name\": \"db_connections\", \"value\": \"many\"}\n"...)
	pg = append(pg, jsonMetric(t0.Add(time.Minute), "db_connections", 500, "db-9")...)
	sources := func(n int) []pipeline.Source {
		return []pipeline.Source{
			&memSource{name: "access.log", data: []byte(access.String()), n: n},
			&memSource{name: "telegraf.influx", data: influx, n: n},
			&memSource{name: "pg.json", data: pg, n: n},
		}
	}
	var want string
	for _, c := range []struct{ workers, n int }{{1, 0}, {1, 7}, {2, 13}, {8, 3}, {8, 0}} {
		// The unit is given: a first batch of a few lines leaves it unknown.
		res, _ := runSources(t, pipeline.Options{Workers: c.workers, DurationUnit: "ms"}, sources(c.n)...)
		rep := res.Report()
		got := jsonOf(t, rep)
		if want == "" {
			want = got
			if rep.Input.Format != "mixed" || rep.Requests.Total != 600 || len(rep.Timeline) != 20 {
				t.Fatalf("unexpected mixed report; got format %s, %d requests, %d timeline rows; want mixed, 600, 20", rep.Input.Format, rep.Requests.Total, len(rep.Timeline))
			}
			all := strings.Join(incs(rep), "\n")
			for _, s := range []string{"P2 memory web-1 10:05-10:11", "P2 cpu web-2", "P1 long_query db-1 pid 4242", "P1 endpoint_down api-health"} {
				if !strings.Contains(all, s) {
					t.Fatalf("unexpected incidents; got\n%s\nwant one of %q", all, s)
				}
			}
			if strings.Contains(all, "db-9") || rep.Input.Late != 1 || rep.Input.Malformed != 1 || rep.Input.MalformedReasons[0].Key != "cannot parse value" {
				t.Fatalf("unexpected late or malformed lines; got late %d, malformed %v; want 1 late (db-9), 1 cannot parse value", rep.Input.Late, rep.Input.MalformedReasons)
			}
			continue
		}
		if got != want {
			t.Fatalf("unexpected report with %d workers, batches of %d lines:\n%s", c.workers, c.n, gocmp.Diff(want, got))
		}
	}
}

// TestMetricsStamped: Prometheus samples without a timestamp take the
// file's modification time, and the report says so; --format names a
// metric format.
func TestMetricsStamped(t *testing.T) {
	path := writeFile(t, "node.prom", []byte("# TYPE node_memory_MemAvailable_bytes gauge\nnode_memory_MemAvailable_bytes 1e9\nnode_memory_MemTotal_bytes 1e10\n"))
	mod := time.Date(2026, 3, 1, 10, 0, 30, 0, time.UTC)
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
	rep := runFiles(t, []string{path}, pipeline.Options{Format: "prometheus"})
	if len(rep.Metrics) != 1 || rep.Metrics[0].Max != 90 || !rep.TimeRange.Start.Equal(mod) || rep.Input.Files[0].Detection != "given with --format" {
		t.Fatalf("unexpected report; got metrics %+v, time range %v, detection %q", rep.Metrics, rep.TimeRange, rep.Input.Files[0].Detection)
	}
	if w := rep.Input.Files[0].Warnings; len(w) != 1 || !strings.Contains(w[0], "2 samples without a time were given the file's modification time") {
		t.Fatalf("unexpected warnings; got %q", w)
	}
}

// TestCounterMetrics: ingest's Counter detects a metric topic, maps its
// samples in order across batches (node_exporter's idle counter becomes
// a rate), and hands out the windows they changed with their series; a
// window that encodes and decodes keeps them.
func TestCounterMetrics(t *testing.T) {
	c, err := pipeline.NewCounter("metrics/0", pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	line := func(s int, idle float64) string {
		return fmt.Sprintf("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",host=\"db-1\"} %g %d\n", idle, (t0.Unix()+int64(s))*1000)
	}
	// 15 s scrapes, 3 s idle each: busy 80 %; one scrape a batch.
	for k := range 9 {
		if _, err := c.Count(pipeline.Batch{Data: []byte(line(15*k, 100+3*float64(k)))}); err != nil {
			t.Fatal(err)
		}
	}
	if c.Format() != "prometheus" {
		t.Fatalf("unexpected format; got %q; want prometheus", c.Format())
	}
	var got []string
	err = c.Dirty(func(w *window.Window) error {
		b, err := w.AppendBinary(nil)
		if err != nil {
			return err
		}
		d, err := window.Decode(b, c.Config())
		if err != nil {
			return err
		}
		for k, m := range d.Metrics {
			got = append(got, fmt.Sprintf("%s %s %s n=%d mean=%g", time.Unix(0, w.Start).UTC().Format("15:04"), k.Kind, k.Subject, m.Values.Count(), window.Unit(m.Values.Mean())))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Rates from the second scrape on; the last waits for the next one.
	want := []string{"10:00 cpu db-1 n=3 mean=80", "10:01 cpu db-1 n=4 mean=80"}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected windows; diff (-want +got):\n%s", diff)
	}
}
