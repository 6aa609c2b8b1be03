package pipeline_test

import (
	"encoding/json"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/incident"
)

// TestMetricCommands: every metric incident carries its kind's diagnostic
// commands in the JSON report (evidence.metric.commands), from the one
// table of kinds: memory and cpu the host's, db_connections and
// long_query pg_stat_activity's, endpoint_down and uptime the health
// checks', after a curl of the failing probe's URL.
func TestMetricCommands(t *testing.T) {
	got, details := map[string][]string{}, map[string]string{}
	for _, name := range []string{"telegraf.influx", "pg_probes.json"} {
		rep := runFiles(t, []string{metricsData(name)}, pipeline.Options{Workers: 1})
		var doc struct {
			Incidents []struct {
				Kind     string `json:"kind"`
				Evidence struct {
					Metric struct {
						Detail   string   `json:"detail"`
						Commands []string `json:"commands"`
					} `json:"metric"`
				} `json:"evidence"`
			} `json:"incidents"`
		}
		if err := json.Unmarshal([]byte(jsonOf(t, rep)), &doc); err != nil {
			t.Fatal(err)
		}
		for _, in := range doc.Incidents {
			got[in.Kind] = in.Evidence.Metric.Commands
			details[in.Kind] = in.Evidence.Metric.Detail
		}
	}
	want := map[string][]string{}
	for _, k := range []incident.Kind{incident.Memory, incident.CPU, incident.DBConnections, incident.LongQuery, incident.SlowStatement, incident.EndpointDown, incident.Uptime} {
		if len(k.Commands()) == 0 {
			t.Fatalf("unexpected commands of %s: none", k)
		}
		want[string(k)] = k.CommandsFor(details[string(k)])
	}
	// The probes' incidents name their URL: it is curled first.
	for _, k := range []incident.Kind{incident.EndpointDown, incident.Uptime} {
		if n := len(want[string(k)]); n != len(k.Commands())+1 {
			t.Fatalf("unexpected commands of %s with detail %q: %d; want a curl of the URL and the runbook's %d", k, details[string(k)], n, len(k.Commands()))
		}
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected commands in the JSON report; diff (-want +got):\n%s", diff)
	}
}
