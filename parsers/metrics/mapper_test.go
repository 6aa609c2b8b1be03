package metrics

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// pt is a point as the tests write it: values to 1e-9.
type pt struct {
	kind    Kind
	subject string
	time    int64
	value   float64
}

func (p pt) String() string { return fmt.Sprintf("%s %s @%d = %v", p.kind, p.subject, p.time, p.value) }

// mapLines parses lines with p, stamps untimed samples with stamp, maps
// them with m, flushes m and returns every point.
func mapLines(t *testing.T, p Parser, m *Mapper, lines [][]byte, stamp int64) []pt {
	t.Helper()
	var out []pt
	var s Sample
	var pts []Point
	keep := func() {
		for _, x := range pts {
			out = append(out, pt{x.Kind, string(x.Subject), x.Time, x.Value})
		}
	}
	for i, line := range lines {
		err := p.Parse(line, &s)
		if errors.Is(err, ErrNoSample) || errors.Is(err, parsers.ErrDirective) {
			continue
		}
		if err != nil {
			t.Fatalf("unexpected error for line %d %q; got %v", i+1, line, err)
		}
		for ok := true; ok; ok = p.Next(&s) {
			if s.Time == NoTime {
				s.Time = stamp
			}
			pts = m.AppendPoints(pts[:0], &s)
			keep()
		}
	}
	pts = m.Flush(pts[:0])
	keep()
	return out
}

func mustMapper(t testing.TB, o MapperOptions) *Mapper {
	t.Helper()
	m, err := NewMapper(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// samePoints compares points, values within 1e-9.
func samePoints(t *testing.T, what string, got, want []pt) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], want[i]
		ok = g.kind == w.kind && g.subject == w.subject && g.time == w.time &&
			(math.Abs(g.value-w.value) <= 1e-9 || math.IsNaN(g.value) && math.IsNaN(w.value))
	}
	if !ok {
		t.Fatalf("unexpected points for %s;\ngot  %v;\nwant %v", what, got, want)
	}
}

const t0 = int64(1772359200) * sec // 2026-03-01T10:00:00Z

// TestMapperTelegraf: mem.used_percent, cpu.usage_idle of cpu-total
// (100 − idle; per-CPU lines ignored) and postgresql.numbackends summed
// over the databases of db-1 (42 + 3 + 0, then 51 + 3 + 0), the sum of a
// time emitted when the next time arrives, the last by Flush.
func TestMapperTelegraf(t *testing.T) {
	got := mapLines(t, mustParser(t, FormatInflux, Options{}), mustMapper(t, MapperOptions{}), readLines(t, "telegraf.influx"), 0)
	t1 := t0 + 10*sec
	samePoints(t, "telegraf.influx", got, []pt{
		{CPU, "web-1", t0, 100 - 83.91959798994975},
		{Memory, "web-1", t0, 61.13},
		{CPU, "web-2", t0, 100 - 19.597989949748744},
		{Memory, "web-2", t0, 88.07},
		{CPU, "web-1", t1, 18.25},
		{Memory, "web-1", t1, 62.4},
		{CPU, "web-2", t1, 81.5},
		{Memory, "web-2", t1, 88.9},
		{DBConnections, "db-1", t0, 45},
		{DBConnections, "db-1", t1, 54},
	})
}

// TestMapperFederate checks node_exporter's memory pairs and CPU rates
// against the answers computed by hand in testdata/README.md, web-2's
// counters resetting between the scrapes.
func TestMapperFederate(t *testing.T) {
	got := mapLines(t, mustParser(t, FormatProm, Options{}), mustMapper(t, MapperOptions{}), readLines(t, "federate.prom"), 0)
	t1 := t0 + 15*sec
	samePoints(t, "federate.prom", got, []pt{
		{Memory, "web-1:9100", t0, 75},
		{Memory, "web-2:9100", t0, 90},
		{Memory, "web-1:9100", t1, 87.5},
		{Memory, "web-2:9100", t1, 92.5},
		{CPU, "web-1:9100", t1, 16}, // idle rates 12/15 and 13.2/15: mean 0.84
		{CPU, "web-2:9100", t1, 30}, // reset: 10/15 and 11/15, mean 0.7
	})
}

// TestMapperNodeExporterPage: a /metrics page has no host label and no
// timestamps: the caller stamps the scrape and names the subject. One
// scrape gives memory but no CPU rate yet; a second, 15 s later, does.
func TestMapperNodeExporterPage(t *testing.T) {
	p := mustParser(t, FormatProm, Options{})
	m := mustMapper(t, MapperOptions{Subject: "web-1"})
	lines := readLines(t, "node_exporter.prom")
	samePoints(t, "node_exporter.prom", mapLines(t, p, m, lines, t0), []pt{
		{Memory, "web-1", t0, 100 * (1 - 3052089344.0/8151785472)}, // 62.559…
	})
	// The next scrape: idle +13.5 s on cpu 0 and +12 s on cpu 1 in 15 s.
	next := make([][]byte, len(lines))
	for i, l := range lines {
		s := strings.Replace(string(l), `mode="idle"} 722144.58`, `mode="idle"} 722158.08`, 1)
		next[i] = []byte(strings.Replace(s, `mode="idle"} 724391.1`, `mode="idle"} 724403.1`, 1))
	}
	samePoints(t, "node_exporter.prom 15 s later", mapLines(t, p, m, next, t0+15*sec), []pt{
		{Memory, "web-1", t0 + 15*sec, 100 * (1 - 3052089344.0/8151785472)},
		{CPU, "web-1", t0 + 15*sec, 15}, // idle rates 0.9 and 0.8: mean 0.85
	})
}

// TestMapperJSON: plain names pass through, untimed ones with NoTime.
func TestMapperJSON(t *testing.T) {
	m := mustMapper(t, MapperOptions{})
	p := mustParser(t, FormatJSON, Options{})
	var s Sample
	var got []pt
	for _, line := range readLines(t, "metrics.jsonl") {
		if err := p.Parse(line, &s); err != nil {
			t.Fatal(err)
		}
		for _, x := range m.AppendPoints(nil, &s) {
			got = append(got, pt{x.Kind, string(x.Subject), x.Time, x.Value})
		}
	}
	ts := func(s int64) int64 { return s * sec }
	samePoints(t, "metrics.jsonl", got, []pt{
		{Memory, "web-1", t0, 87.5},
		{CPU, "web-1", t0, 42.25},
		{DBConnections, "db-1", ts(1772355600) + 250e6, 81},
		{Memory, "web-1", ts(1772359260), 88.1},
		{Uptime, "web-1", ts(1772359260) + 500e6, 99.95},
		{PaymentSuccess, "web-1", ts(1772359260), 96.4},
		{CPU, "web-2", ts(1772359260), 81.5},
		{Memory, "web-2", ts(1772359290), 85},
		{Uptime, "web-2", NoTime, 100},
	})
}

// TestMapperStateful: sums close on a later time or Flush, late and
// untimed samples are ignored and counted, the tables are bounded.
func TestMapperStateful(t *testing.T) {
	m := mustMapper(t, MapperOptions{MaxSeries: 2})
	f := func(name, host string, t0 int64, v float64, want ...pt) {
		t.Helper()
		s := Sample{Name: []byte(name), Value: v, Time: t0}
		if host != "" {
			s.Labels = []Label{{[]byte("host"), []byte(host)}}
		}
		var got []pt
		for _, x := range m.AppendPoints(nil, &s) {
			got = append(got, pt{x.Kind, string(x.Subject), x.Time, x.Value})
		}
		samePoints(t, fmt.Sprintf("%s %s@%d=%v", name, host, t0, v), got, want)
	}
	f("postgresql_numbackends", "db-1", 10*sec, 40)
	f("postgresql_numbackends", "db-1", 10*sec, 2)
	f("postgresql_numbackends", "db-2", 10*sec, 7)
	f("postgresql_numbackends", "db-1", 5*sec, 1)  // late
	f("postgresql_numbackends", "db-1", NoTime, 1) // untimed
	f("postgresql_numbackends", "db-3", 10*sec, 1) // beyond MaxSeries
	f("postgresql_numbackends", "db-1", 20*sec, 3, pt{DBConnections, "db-1", 10 * sec, 42})
	f("node_memory_MemTotal_bytes", "db-1", 20*sec, 0) // a total of 0 gives no point
	f("node_memory_MemAvailable_bytes", "db-1", 20*sec, 0)
	f("db_connections", "", NoTime, 12, pt{DBConnections, "", NoTime, 12})
	f("cpu_usage_idle", "db-1", 20*sec, 10) // no cpu label: not cpu-total
	var pts []Point
	pts = m.Flush(pts)
	if len(pts) != 2 || string(pts[0].Subject) != "db-1" || pts[0].Value != 3 || string(pts[1].Subject) != "db-2" || pts[1].Value != 7 {
		t.Fatalf("unexpected flush; got %v; want db-1 3, db-2 7", pts)
	}
	if pts = m.Flush(pts[:0]); len(pts) != 0 {
		t.Fatalf("unexpected second flush; got %v; want none", pts)
	}
	if st := m.Stats(); st != (MapperStats{Untimed: 1, Late: 1, Dropped: 1}) {
		t.Fatalf("unexpected stats; got %+v; want 1 untimed, 1 late, 1 dropped", st)
	}
}

// TestMapperOptions: a rules file's mappings extend the defaults; subject
// labels are configurable; invalid mappings are errors.
func TestMapperOptions(t *testing.T) {
	maps := append(DefaultMappings(), Mapping{Name: "disk_used_percent", Label: "path", Value: "/", Kind: "disk"})
	m := mustMapper(t, MapperOptions{Mappings: maps, SubjectLabels: []string{"node"}})
	s := Sample{Name: []byte("disk_used_percent"), Value: 91, Time: 5, Labels: []Label{
		{[]byte("host"), []byte("h")}, {[]byte("node"), []byte("n1")}, {[]byte("path"), []byte("/")}}}
	if got := m.AppendPoints(nil, &s); len(got) != 1 || got[0].Kind != "disk" || string(got[0].Subject) != "n1" || got[0].Value != 91 {
		t.Fatalf("unexpected points for an added mapping; got %v", got)
	}
	if len(DefaultMappings()) != len(defaultMappings) {
		t.Fatalf("unexpected change of the defaults through a copy")
	}
	for _, bad := range [][]Mapping{
		{{Kind: Memory}},
		{{Name: "x"}},
		{{Name: "x", Kind: "a b"}},
		{{Name: "x", Kind: Memory, Op: Op(99)}},
		{{Name: "x", Kind: Memory, Op: OpFree}},
		{{Name: "x", Kind: Memory, Op: OpTotal}},
	} {
		if _, err := NewMapper(MapperOptions{Mappings: bad}); err == nil {
			t.Fatalf("unexpected success for mappings %+v; want an error", bad)
		}
	}
	if _, err := NewMapper(MapperOptions{MaxSeries: -1}); err == nil {
		t.Fatalf("unexpected success for MaxSeries -1; want an error")
	}
	for i, name := range opNames {
		if op, ok := ParseOp(name); !ok || op != Op(i) || op.String() != name {
			t.Fatalf("unexpected op for %q; got %v, %v", name, op, ok)
		}
	}
	if _, ok := ParseOp("rate"); ok {
		t.Fatalf("unexpected op for %q", "rate")
	}
}

// TestMapperAllocs: parsing and mapping scrape after scrape allocates
// nothing once every series is known.
func TestMapperAllocs(t *testing.T) {
	f := func(format Format, name string) {
		t.Helper()
		p := mustParser(t, format, Options{})
		m := mustMapper(t, MapperOptions{Subject: "web-1"})
		lines := readLines(t, name)
		var s Sample
		pts := make([]Point, 0, 16)
		stamp := t0
		run := func() {
			stamp += 15 * sec
			for _, line := range lines {
				if p.Parse(line, &s) != nil {
					continue
				}
				for ok := true; ok; ok = p.Next(&s) {
					s.Time = stamp // every run a later scrape
					pts = m.AppendPoints(pts[:0], &s)
				}
			}
		}
		run()
		if n := testing.AllocsPerRun(20, run); n >= 1 {
			t.Fatalf("unexpected allocations for mapping %s; got %v per run; want 0", name, n)
		}
	}
	f(FormatProm, "node_exporter.prom")
	f(FormatProm, "federate.prom")
	f(FormatInflux, "telegraf.influx")
}

// TestMapperMonitor: the PostgreSQL monitor's and the probes' JSON lines
// (docs/metrics.md) become long_query, slow_statement, endpoint_down and
// uptime points with their subjects, details and severities, without
// allocating once warm.
func TestMapperMonitor(t *testing.T) {
	lines := [][]byte{
		[]byte(`{"ts": 1772359200, "name": "pg_long_query_seconds", "value": 312.5, "labels": {"host": "db-1", "pid": "4242", "query": "SELECT pg_sleep(600)"}}`),
		[]byte(`{"ts": 1772359200, "name": "pg_statement_mean_ms", "value": 1500, "labels": {"host": "db-1", "queryid": "-77", "query": "UPDATE t SET x = $1"}}`),
		[]byte(`{"ts": 1772359200, "name": "probe_success", "value": 0, "labels": {"probe": "api", "url": "http://x/api/health", "severity": "P1"}}`),
		[]byte(`{"ts": 1772359200, "name": "pg_long_query_seconds", "value": 20, "labels": {"pid": "7", "query": "SELECT 1"}}`),
		[]byte(`{"ts": 1772359200, "name": "probe_duration_seconds", "value": 0.2, "labels": {"probe": "api"}}`),
	}
	type full struct{ kind, subject, detail, severity string }
	want := []full{
		{"long_query", "db-1 pid 4242", "SELECT pg_sleep(600)", ""},
		{"slow_statement", "db-1 queryid -77", "UPDATE t SET x = $1", ""},
		{"endpoint_down", "api", "http://x/api/health", "P1"},
		{"uptime", "api", "http://x/api/health", ""},
		{"long_query", "pg.json pid 7", "SELECT 1", ""},
	}
	wantValues := []float64{312.5, 1500, 0, 0, 20}
	p := mustParser(t, FormatJSON, Options{})
	m := mustMapper(t, MapperOptions{Subject: "pg.json"})
	var got []full
	var values []float64
	var s Sample
	var pts []Point
	run := func(keep bool) {
		for _, line := range lines {
			if err := p.Parse(line, &s); err != nil {
				t.Fatalf("unexpected error for %q; got %v", line, err)
			}
			pts = m.AppendPoints(pts[:0], &s)
			for _, x := range pts {
				if keep {
					got = append(got, full{string(x.Kind), string(x.Subject), string(x.Detail), string(x.Severity)})
					values = append(values, x.Value)
				}
			}
		}
	}
	run(true)
	if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(values) != fmt.Sprint(wantValues) {
		t.Fatalf("unexpected points of the monitor's lines;\ngot  %v %v;\nwant %v %v", got, values, want, wantValues)
	}
	if m.Wants([]byte("probe_duration_seconds")) || !m.Wants([]byte("probe_success")) {
		t.Fatalf("unexpected Wants: probe_duration_seconds is not mapped, probe_success is")
	}
	if n := testing.AllocsPerRun(20, func() { run(false) }); n >= 1 {
		t.Fatalf("unexpected allocations mapping the monitor's lines; got %v per run; want 0", n)
	}
	if _, err := NewMapper(MapperOptions{Mappings: []Mapping{{Name: "x", Kind: Memory, Op: OpSum, Subject: []string{"a"}}}}); err == nil {
		t.Fatalf("unexpected success for subject labels on a sum; want an error")
	}
}

// TestInformational: vigil's own informational names, exactly.
func TestInformational(t *testing.T) {
	f := func(name string, want bool) {
		t.Helper()
		if got := Informational([]byte(name)); got != want {
			t.Fatalf("unexpected Informational for %q; got %v; want %v", name, got, want)
		}
	}
	f("pg_connections", true)
	f("probe_duration_seconds", true)
	f("probe_success", false)
	f("pg_connection", false)
	f("", false)
}
