package detect

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-ops/vigil/parsers/metrics"
)

// MetricMapping is one entry of a rules file's metric_mappings: which
// samples measure a runbook metric, and how (parsers/metrics' Mapping,
// whose fields these name; docs/metrics.md has the built-in table).
// Entries extend the built-in mappings: an entry with the Name, Label,
// Value and Metric of a built-in one replaces it (Off drops it), any
// other is added.
type MetricMapping struct {
	// Off drops the built-in mapping the entry names.
	Off bool `json:"off,omitempty"`
	// Name is the sample's name, exactly (line protocol's is
	// measurement_field: "mem_used_percent").
	Name string `json:"name"`
	// Label and Value, when set (both), restrict the entry to samples
	// carrying that label with that value.
	Label string `json:"label,omitempty"`
	Value string `json:"value,omitempty"`
	// Metric is the runbook metric the points measure: a key of the
	// rules' metrics ("memory", "cpu", …).
	Metric string `json:"metric"`
	// Op is how samples become points: "value", "idle", "sum", "free",
	// "total", "idle_seconds" or "percent". Default: "value".
	Op string `json:"op,omitempty"`
	// Subject, Detail and Severity name the labels of the point's
	// subject, detail and severity (parsers/metrics' Mapping).
	// Default: none (the subject is the host or instance label).
	Subject  []string `json:"subject,omitempty"`
	Detail   string   `json:"detail,omitempty"`
	Severity string   `json:"severity,omitempty"`
}

// Mappings returns the metric mappings of r: the built-in ones with r's
// MetricMappings applied (replacing, dropping or added after them). r
// must be valid ([Rules.Validate]); it allocates a new slice.
func (r Rules) Mappings() []metrics.Mapping {
	ms := metrics.DefaultMappings()
	for _, e := range r.MetricMappings {
		m, _ := e.mapping()
		i := slices.IndexFunc(ms, func(d metrics.Mapping) bool { return sameMapping(&d, &m) })
		switch {
		case i >= 0 && e.Off:
			ms = slices.Delete(ms, i, i+1)
		case i >= 0:
			ms[i] = m
		case !e.Off:
			ms = append(ms, m)
		}
	}
	return ms
}

// sameMapping reports whether a and b map the same samples to the same
// metric: an entry of the rules file then replaces a built-in mapping.
func sameMapping(a, b *metrics.Mapping) bool {
	return a.Name == b.Name && a.Label == b.Label && a.Value == b.Value && a.Kind == b.Kind
}

// mapping returns e as parsers/metrics' Mapping, and false when its op is
// unknown.
func (e *MetricMapping) mapping() (metrics.Mapping, bool) {
	op := metrics.OpValue
	ok := true
	if e.Op != "" {
		op, ok = metrics.ParseOp(e.Op)
	}
	return metrics.Mapping{
		Name: e.Name, Label: e.Label, Value: e.Value, Kind: metrics.Kind(e.Metric), Op: op,
		Subject: e.Subject, Detail: e.Detail, Severity: e.Severity,
	}, ok
}

// metricMappings checks each entry of ms, naming it by its index
// (metric_mappings[2].op), then the table they make with the built-in
// mappings.
func (v *validator) metricMappings(r *Rules) {
	n := len(v.errs)
	builtin := metrics.DefaultMappings()
	for i := range r.MetricMappings {
		e := &r.MetricMappings[i]
		key := fmt.Sprintf("metric_mappings[%d]", i)
		m, ok := e.mapping()
		switch {
		case e.Name == "":
			v.add(key+".name", "must name the samples", `""`)
		case !slices.ContainsFunc(metricKinds, func(k metricRule) bool { return k.key == e.Metric }):
			v.add(key+".metric", "must be one of "+metricKeys(), strconv.Quote(e.Metric))
		case !ok:
			v.add(key+".op", "must be one of "+strings.Join(metrics.OpNames(), ", "), strconv.Quote(e.Op))
		case (e.Label == "") != (e.Value == ""):
			v.add(key+".label", "and value go together: a label restricts the mapping to one of its values", fmt.Sprintf("label %q, value %q", e.Label, e.Value))
		case slices.Contains(e.Subject, ""):
			v.add(key+".subject", "must name labels", strconv.Quote(strings.Join(e.Subject, ",")))
		case e.Off && !slices.ContainsFunc(builtin, func(d metrics.Mapping) bool { return sameMapping(&d, &m) }):
			v.add(key+".off", "must name a built-in mapping (same name, label, value and metric: docs/metrics.md)", e.Name+" → "+e.Metric)
		default:
			if err := m.Check(); err != nil {
				v.add(key+".subject", "cannot be used: "+err.Error(), strconv.Quote(strings.Join(e.Subject, ",")))
			}
		}
	}
	if len(v.errs) > n {
		return
	}
	if err := metrics.CheckPairs(r.Mappings()); err != nil {
		var halves []string
		for _, e := range r.MetricMappings {
			if e.Op == "free" || e.Op == "total" {
				halves = append(halves, e.Name+" ("+e.Metric+", "+e.Op+")")
			}
		}
		v.add("metric_mappings", err.Error(), strings.Join(halves, ", "))
	}
}

// metricKeys lists the metrics' keys in the rules file.
func metricKeys() string {
	keys := make([]string, len(metricKinds))
	for i, k := range metricKinds {
		keys[i] = k.key
	}
	return strings.Join(keys, ", ")
}
