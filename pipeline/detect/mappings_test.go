package detect

import (
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers/metrics"
)

// TestMappingsSuccess: a rules file's metric_mappings add to the built-in
// mappings, replace one of the same name, label, value and metric, or
// drop one (off); none leaves the built-in table.
func TestMappingsSuccess(t *testing.T) {
	f := func(in string, want []metrics.Mapping) {
		t.Helper()
		r, err := ParseRules(strings.NewReader(in))
		if err != nil {
			t.Fatalf("unexpected error for %q: %v", in, err)
		}
		if diff := gocmp.Diff(want, r.Mappings()); diff != "" {
			t.Fatalf("unexpected mappings for %q; diff (-want +got):\n%s", in, diff)
		}
	}
	builtin := metrics.DefaultMappings()
	f(`{}`, builtin)
	heap := metrics.Mapping{Name: "myapp_heap_percent", Kind: metrics.Memory, Op: metrics.OpValue}
	f(`{"metric_mappings": [{"name": "myapp_heap_percent", "metric": "memory"}]}`, append(metrics.DefaultMappings(), heap))
	disk := metrics.Mapping{Name: "cpu_usage_idle", Label: "cpu", Value: "cpu0", Kind: metrics.CPU, Op: metrics.OpIdle, Subject: []string{"host", "cpu"}}
	f(`{"metric_mappings": [{"name": "cpu_usage_idle", "label": "cpu", "value": "cpu0", "metric": "cpu", "op": "idle", "subject": ["host", "cpu"]}]}`, append(metrics.DefaultMappings(), disk))
	// The same name and metric as a built-in mapping: replaced in place.
	want := metrics.DefaultMappings()
	i := indexOf(t, want, "mem_used_percent", metrics.Memory)
	want[i].Subject = []string{"node"}
	f(`{"metric_mappings": [{"name": "mem_used_percent", "metric": "memory", "subject": ["node"]}]}`, want)
	// off drops probe_success's uptime and keeps its endpoint_down.
	want = metrics.DefaultMappings()
	i = indexOf(t, want, "probe_success", metrics.Uptime)
	want = append(want[:i], want[i+1:]...)
	f(`{"metric_mappings": [{"name": "probe_success", "metric": "uptime", "off": true}]}`, want)
}

func indexOf(t *testing.T, ms []metrics.Mapping, name string, kind metrics.Kind) int {
	t.Helper()
	for i, m := range ms {
		if m.Name == name && m.Kind == kind {
			return i
		}
	}
	t.Fatalf("no built-in mapping of %s to %s", name, kind)
	return -1
}

// TestMappingsFailure: each invalid entry is named by its index and key.
func TestMappingsFailure(t *testing.T) {
	f := func(entries, want string) {
		t.Helper()
		in := `{"metric_mappings": [` + entries + `]}`
		_, err := ParseRules(strings.NewReader(in))
		if err == nil || err.Error() != want {
			t.Fatalf("unexpected error for %q; got %v; want %q", in, err, want)
		}
	}
	f(`{"metric": "memory"}`, `invalid rule metric_mappings[0].name: must name the samples; got ""`)
	f(`{"name": "x", "metric": "memory"}, {"name": "disk_used_percent", "metric": "disk"}`,
		`invalid rule metric_mappings[1].metric: must be one of db_connections, long_query, payment_success, endpoint_down, uptime, slow_statement, memory, cpu; got "disk"`)
	f(`{"name": "x", "metric": "cpu", "op": "rate"}`,
		`invalid rule metric_mappings[0].op: must be one of value, idle, sum, free, total, idle_seconds, percent; got "rate"`)
	f(`{"name": "x", "metric": "cpu", "label": "cpu"}`,
		`invalid rule metric_mappings[0].label: and value go together: a label restricts the mapping to one of its values; got label "cpu", value ""`)
	f(`{"name": "x", "metric": "cpu", "value": "cpu-total"}`,
		`invalid rule metric_mappings[0].label: and value go together: a label restricts the mapping to one of its values; got label "", value "cpu-total"`)
	f(`{"name": "x", "metric": "cpu", "subject": ["host", ""]}`, `invalid rule metric_mappings[0].subject: must name labels; got "host,"`)
	f(`{"name": "x", "metric": "db_connections", "op": "sum", "subject": ["host", "db"]}`,
		`invalid rule metric_mappings[0].subject: cannot be used: subject labels with op sum; want value, idle or percent; got "host,db"`)
	f(`{"name": "x", "metric": "memory", "off": true}`,
		`invalid rule metric_mappings[0].off: must name a built-in mapping (same name, label, value and metric: docs/metrics.md); got x → memory`)
	// A free half pairs with a total of the same metric (node_exporter's
	// memory has one); cpu has none.
	f(`{"name": "idle_seconds", "metric": "cpu", "op": "free"}`,
		`invalid rule metric_mappings: cannot use the mappings of cpu: cpu needs both a free and a total mapping; got idle_seconds (cpu, free)`)
	f(`{"name": "x", "metric": "memory", "kind": "memory"}`, `cannot parse rules: json: unknown field "kind"`)
	// Several invalid entries, one line each.
	f(`{"metric": "memory"}, {"name": "x", "metric": "cpu", "op": "rate"}`, "2 invalid rules:\n"+
		`  invalid rule metric_mappings[0].name: must name the samples; got ""`+"\n"+
		`  invalid rule metric_mappings[1].op: must be one of value, idle, sum, free, total, idle_seconds, percent; got "rate"`)
}
