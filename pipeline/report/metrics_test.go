package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// metricsReport is a report of metric series: a memory series crossing
// its threshold with its incident, a query with a hostile subject, and a
// series no rule reads.
func metricsReport() *Report {
	pts := func(vs ...float64) []MetricPoint {
		var out []MetricPoint
		for i, v := range vs {
			out = append(out, MetricPoint{Start: t0.Add(time.Duration(i) * time.Minute), Value: v})
		}
		return out
	}
	return &Report{
		TimeRange: TimeRange{Start: t0, End: t0.Add(10 * time.Minute)},
		Metrics: []MetricSeries{
			{Metric: "long_query", Subject: "db-1 pid 7 " + scriptUA, Samples: 3, Min: 10, Mean: 200, P95: 400, Max: 400, Exact: true,
				Threshold: 300, Direction: "above", Statistic: "max", Crossing: time.Minute, Points: pts(10, 190, 400), PointStep: time.Minute},
			{Metric: "memory", Subject: "web-1", Samples: 60, Min: 50, Mean: 71.25, P95: 91.5, Max: 92, Exact: true,
				Threshold: 85, Direction: "above", Statistic: "mean", Crossing: 5 * time.Minute,
				Points: pts(50, 50, 90, 91, 92, 90, 90, 50, 50, 50), PointStep: time.Minute},
			{Metric: "uptime", Subject: "/api/health", Samples: 600, Min: 0, Mean: 99.5, P95: 100, Max: 100, Exact: true,
				Threshold: 99.9, Direction: "below", Statistic: "mean", Window: time.Hour, Crossing: 8 * time.Minute,
				Points: pts(100, 100, 95, 99.5, 99.5, 99.5, 99.5, 99.5, 99.5, 99.5), PointStep: time.Minute},
			{Metric: "disk", Subject: "web-1", Samples: 2, Min: 1234.5, Mean: 1234.5, P95: 1234.5, Max: 1234.5, Exact: true,
				Points: pts(1234.5), PointStep: time.Minute},
		},
		Incidents: []incident.Incident{{ID: "m1", Severity: incident.P2, Kind: incident.Memory, Subject: "web-1", Status: incident.Resolved,
			Start: t0.Add(2 * time.Minute), End: t0.Add(7 * time.Minute), Threshold: 85, Summary: "memory of web-1 above 85",
			Evidence: incident.Evidence{Metric: &incident.MetricEvidence{Samples: 30, Min: 90, Mean: 91, P95: 92, Max: 92,
				Statistic: "mean", Direction: "above", Detail: "web-1 \x1b[31m", Commands: incident.Memory.Commands()}}}},
	}
}

func TestMetricsText(t *testing.T) {
	golden(t, "metrics.txt", writeText(t, metricsReport()))
}

// TestMetricsJSON: the metrics section round-trips, durations in
// seconds; a report without metrics has no "metrics" key.
func TestMetricsJSON(t *testing.T) {
	r := metricsReport()
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"crossing_seconds": 300`, `"point_step_seconds": 60`, `"statistic": "mean"`, `"start": "2026-03-01T03:02:00Z"`} {
		if !strings.Contains(b.String(), want) {
			t.Fatalf("unexpected JSON: no %s in\n%s", want, b.String())
		}
	}
	var back Report
	if err := back.UnmarshalJSON(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Metrics, back.Metrics); diff != "" {
		t.Fatalf("unexpected metrics after a round trip; diff (-want +got):\n%s", diff)
	}
	b.Reset()
	if err := WriteJSON(&b, &Report{}); err != nil || strings.Contains(b.String(), `"metrics"`) {
		t.Fatalf("unexpected metrics key in a report without metrics; got %v\n%s", err, b.String())
	}
}

// TestMetricsHTML: one chart per series, the threshold dashed where a
// rule reads the series, the series' incident shaded, hostile subjects
// as text.
func TestMetricsHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, metricsReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	f := func(what, s string, n int) {
		t.Helper()
		if got := strings.Count(out, s); got != n {
			t.Fatalf("unexpected count of %s (%q); got %d; want %d", what, s, got, n)
		}
	}
	f("series charts", `<path class="metric-line"`, 4)
	f("thresholds", `<line class="threshold"`, 3)
	f("incident bands in the metrics section", `<rect class="band sev-p2"`, 1)
	f("hostile subject", "<script>", 0)
	f("crossing", `<td class="n bad">5m</td>`, 1)
	f("threshold cell", `<td class="nw">&gt; 85 (mean)</td>`, 1)
	f("rolling threshold cell", `<td class="nw">&lt; 99.9 (mean 1h)</td>`, 1)
	f("no-rule cell", `<td class="nw">-</td>`, 1)
}
