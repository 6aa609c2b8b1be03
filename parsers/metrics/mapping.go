package metrics

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is the runbook metric a [Point] measures, spelled as rules and
// reports name it.
type Kind string

// The runbook's infrastructure metrics.
const (
	// Memory is the percentage of memory in use, 0 to 100.
	Memory Kind = "memory"
	// CPU is the percentage of CPU time busy, 0 to 100, over all CPUs.
	CPU Kind = "cpu"
	// DBConnections is the number of client connections to a database
	// server.
	DBConnections Kind = "db_connections"
	// Uptime is the percentage of time a service was up, 0 to 100.
	Uptime Kind = "uptime"
	// PaymentSuccess is the percentage of payments that succeeded.
	PaymentSuccess Kind = "payment_success"
	// LongQuery is how long a database query has been running, in
	// seconds (one series per query: host and pid).
	LongQuery Kind = "long_query"
	// SlowStatement is a statement's mean execution time in
	// milliseconds (pg_stat_statements; one series per host and
	// queryid).
	SlowStatement Kind = "slow_statement"
	// EndpointDown is a health-check probe's success: 1 up, 0 down.
	EndpointDown Kind = "endpoint_down"
)

// Op is how a [Mapping] turns samples into points.
type Op uint8

const (
	// OpValue: the sample's value is the point's.
	OpValue Op = iota
	// OpIdle: 100 − the value, an idle percentage made a busy one.
	OpIdle
	// OpSum: the sum of the samples of one subject and time (one per
	// database, summed per server). A sum is emitted when a later time
	// of its subject arrives, or by [Mapper.Flush].
	OpSum
	// OpFree and OpTotal: the two halves of a percentage in use,
	// 100 × (1 − free/total), paired by subject and time (both must
	// carry the same timestamp).
	OpFree
	OpTotal
	// OpIdleSeconds: per-CPU counters of idle seconds. Each series (its
	// labels: cpu="0", cpu="1", …) becomes a per-second rate between
	// consecutive samples (a counter reset counts as a restart from 0);
	// the rates of one subject and time are averaged, and the point is
	// 100 × (1 − mean), emitted as OpSum's. The first sample of a series
	// gives no rate.
	OpIdleSeconds
	// OpPercent: 100 × the value, a ratio (a probe's 1 or 0) made a
	// percentage.
	OpPercent
)

var opNames = [...]string{"value", "idle", "sum", "free", "total", "idle_seconds", "percent"}

// String returns the op's name, as a rules file would write it.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", o)
}

// OpNames returns the ops' names, in the order of their values.
func OpNames() []string { return append([]string(nil), opNames[:]...) }

// ParseOp returns the op named name, as String spells it.
func ParseOp(name string) (Op, bool) {
	for i, n := range opNames {
		if n == name {
			return Op(i), true
		}
	}
	return 0, false
}

// Mapping says which samples measure a runbook metric, and how.
type Mapping struct {
	// Name is the sample name, exactly; line protocol's is
	// measurement_field.
	Name string
	// Label and Value, when Label is not empty, restrict the mapping to
	// the samples that carry that label with that value.
	Label, Value string
	// Kind is the metric the points measure.
	Kind Kind
	// Op is how samples become points.
	Op Op
	// Subject, when not empty, names the labels that make the point's
	// subject instead of [MapperOptions].SubjectLabels: the first one's
	// value (or, when the sample lacks it, the mapper's subject), then
	// " name value" for each further one the sample carries, as in
	// "db-1 pid 4242". Only OpValue, OpIdle and OpPercent use it.
	Subject []string
	// Detail, when not empty, names the label whose value is the point's
	// Detail: the text of a long query, a probe's URL.
	Detail string
	// Severity, when not empty, names the label whose value is the
	// point's Severity ("P1"): a probe's importance.
	Severity string
}

// defaultMappings is the one table of what the usual agents emit: see the
// package documentation's table, which lists it row by row.
var defaultMappings = [...]Mapping{
	// Telegraf (inputs.mem, inputs.cpu, inputs.postgresql).
	{Name: "mem_used_percent", Kind: Memory, Op: OpValue},
	{Name: "cpu_usage_idle", Label: "cpu", Value: "cpu-total", Kind: CPU, Op: OpIdle},
	{Name: "postgresql_numbackends", Kind: DBConnections, Op: OpSum},
	// node_exporter.
	{Name: "node_memory_MemAvailable_bytes", Kind: Memory, Op: OpFree},
	{Name: "node_memory_MemTotal_bytes", Kind: Memory, Op: OpTotal},
	{Name: "node_cpu_seconds_total", Label: "mode", Value: "idle", Kind: CPU, Op: OpIdleSeconds},
	// Plain names, as the runbook writes them.
	{Name: "memory_usage_percent", Kind: Memory, Op: OpValue},
	{Name: "cpu_usage_percent", Kind: CPU, Op: OpValue},
	{Name: "db_connections", Kind: DBConnections, Op: OpValue},
	{Name: "uptime_percent", Kind: Uptime, Op: OpValue},
	{Name: "payment_success_percent", Kind: PaymentSuccess, Op: OpValue},
	// vigil's PostgreSQL monitor and health-check probes
	// (docs/metrics.md).
	{Name: "pg_long_query_seconds", Kind: LongQuery, Op: OpValue, Subject: []string{"host", "pid"}, Detail: "query"},
	{Name: "pg_statement_mean_ms", Kind: SlowStatement, Op: OpValue, Subject: []string{"host", "queryid"}, Detail: "query"},
	{Name: "probe_success", Kind: EndpointDown, Op: OpValue, Subject: []string{"probe"}, Detail: "url", Severity: "severity"},
	{Name: "probe_success", Kind: Uptime, Op: OpPercent, Subject: []string{"probe"}, Detail: "url"},
}

// informational are the samples vigil's own PostgreSQL monitor and probes
// write for the record but no rule reads (docs/metrics.md): connections
// per state, beside their total db_connections, and a probe's duration,
// beside its probe_success.
var informational = [...]string{"pg_connections", "probe_duration_seconds"}

// Informational reports whether samples called name are informational:
// written by vigil's monitor or probes, read by no mapping, and so no
// sign that an input holds samples nobody understands. It allocates
// nothing.
func Informational(name []byte) bool {
	for _, n := range informational {
		if string(name) == n {
			return true
		}
	}
	return false
}

// DefaultMappings returns a copy of the built-in mappings, for a rules
// file to extend.
func DefaultMappings() []Mapping {
	return append([]Mapping(nil), defaultMappings[:]...)
}

// Check reports what makes m unusable on its own, as a phrase without
// the mapping's place ("no name"): no name, a kind that is empty or holds
// a space or NUL, an unknown op, or subject labels with an op that does
// not use them.
func (m *Mapping) Check() error {
	switch {
	case m.Name == "":
		return errors.New("no name")
	case m.Kind == "" || strings.ContainsAny(string(m.Kind), " \x00"):
		return fmt.Errorf("kind %q", m.Kind)
	case int(m.Op) >= len(opNames):
		return fmt.Errorf("unknown op %d", m.Op)
	case len(m.Subject) > 0 && m.Op != OpValue && m.Op != OpIdle && m.Op != OpPercent:
		return fmt.Errorf("subject labels with op %s; want value, idle or percent", m.Op)
	}
	return nil
}

// CheckPairs reports a kind of ms with an OpFree mapping but no OpTotal
// one (or the reverse), which could never give a point.
func CheckPairs(ms []Mapping) error {
	halves := map[Kind]uint8{}
	for _, m := range ms {
		switch m.Op {
		case OpFree:
			halves[m.Kind] |= 1
		case OpTotal:
			halves[m.Kind] |= 2
		}
	}
	for k, h := range halves {
		if h != 3 {
			return fmt.Errorf("cannot use the mappings of %s: %s needs both a %s and a %s mapping", k, k, OpFree, OpTotal)
		}
	}
	return nil
}

// validateMappings reports the first mapping of ms that is not valid
// ([Mapping.Check]), else what [CheckPairs] reports.
func validateMappings(ms []Mapping) error {
	for i := range ms {
		if err := ms[i].Check(); err != nil {
			return fmt.Errorf("cannot use mapping %d (%s): %w", i, ms[i].Name, err)
		}
	}
	return CheckPairs(ms)
}
