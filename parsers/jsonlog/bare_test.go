package jsonlog

import (
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// bareUnits returns Options with bare durations in unit u for every
// logger.
func bareUnits(u string) Options {
	var o Options
	for l := range o.BareUnits {
		o.BareUnits[l] = u
	}
	return o
}

// TestParseBareUnit: Options.BareUnits is the unit of a number under a
// duration key that gives none, and of no other; "none" reads no such
// number. DurationUnit wins over it.
func TestParseBareUnit(t *testing.T) {
	f := func(o Options, line, want string) {
		t.Helper()
		if got := parse(line, o).String(); got != want {
			t.Errorf("unexpected record for %q with %+v; got %s; want %s", line, o, got, want)
		}
	}
	ns, none := bareUnits("ns"), bareUnits("none")
	f(ns, `{"duration":12500000,"path":"/"}`, `http target="/" duration=12500`)
	f(ns, `{"elapsed":"12500000","path":"/"}`, `http target="/" duration=12500`)
	f(bareUnits("ms"), `{"duration":12.5,"path":"/"}`, `http target="/" duration=12500`)
	// Keys that give their unit, and Go durations, keep it.
	f(ns, `{"duration_ms":12,"path":"/"}`, `http target="/" duration=12000`)
	f(ns, `{"responseTime":12,"path":"/"}`, `http target="/" duration=12000`)
	f(ns, `{"duration":"12ms","path":"/"}`, `http target="/" duration=12000`)
	f(none, `{"Duration":12000000,"path":"/"}`, `http target="/" duration=12000`)
	// none: no duration, the line is still read.
	f(none, `{"duration":12,"path":"/"}`, `http target="/"`)
	f(none, `{"duration":"bad","path":"/"}`, `error cannot parse duration`)
	// A --field mapping without a suffix is bare too.
	mapped := bareUnits("ns")
	mapped.Fields = []parsers.FieldSpec{{Role: parsers.RoleDuration, Name: "took_time"}}
	f(mapped,
		`{"took_time":2000,"path":"/"}`, `http target="/" duration=2`)
	// --duration-unit wins.
	wins := bareUnits("none")
	wins.DurationUnit = "ms"
	f(wins, `{"duration":12,"path":"/"}`, `http target="/" duration=12000`)
	// A unit per logger: slog's lines in ns, zap's in s, the rest not.
	var per Options
	per.BareUnits[parsers.LoggerUnknown] = "none"
	per.BareUnits[parsers.LoggerGo] = "ns"
	per.BareUnits[parsers.LoggerZap] = "s"
	f(per, `{"time":"2026-03-01T10:00:00Z","level":"INFO","msg":"m","path":"/","duration":12000}`, `app time=1772359200000000000 level="INFO" msg="m" target="/" duration=12`)
	f(per, `{"ts":1772359200,"level":"info","msg":"m","path":"/","duration":2}`, `app time=1772359200000000000 level="info" msg="m" target="/" duration=2000000`)
	f(per, `{"path":"/","duration":2}`, `http target="/"`)
}

// TestParseBare: Bare gives the text of a bare duration and the logger
// the line's keys name.
func TestParseBare(t *testing.T) {
	f := func(line, wantText string, want parsers.Logger) {
		t.Helper()
		p := NewParser(bareUnits("none"))
		var r parsers.Record
		if err := p.Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q: %v", line, err)
		}
		text, l := p.Bare()
		if string(text) != wantText || (text == nil) != (wantText == "") || l != want {
			t.Fatalf("unexpected Bare for %q; got %q, %d; want %q, %d", line, text, l, wantText, want)
		}
	}
	f(`{"time":"2026-03-01T10:00:00Z","level":"INFO","msg":"request","status":200,"duration":12500000}`, "12500000", parsers.LoggerGo)
	f(`{"time":"2026-03-01T10:00:00Z","level":"warning","msg":"slow","elapsed":830000}`, "830000", parsers.LoggerGo)
	f(`{"level":"info","duration":12.5,"time":"2026-03-01T10:00:00Z","message":"request"}`, "12.5", parsers.LoggerZerolog)
	f(`{"level":"info","ts":1716723772.6,"msg":"handled request","duration":0.0175,"status":200}`, "0.0175", parsers.LoggerZap)
	f(`{"level":30,"time":1772359202000,"msg":"done","latency":7}`, "7", parsers.LoggerNode)
	// Envoy's: two of its operators' keys and no level; not a TCP
	// connection's life.
	f(`{"start_time":"2026-03-01T10:00:00Z","method":"GET","path":"/","response_code":200,"response_flags":"-","upstream_cluster":"c","duration":13}`, "13", parsers.LoggerEnvoy)
	f(`{"method":"GET","path":"/","response_code":"200","upstream_host":"10.0.0.3:80","downstream_remote_address":"10.0.0.2:4000","duration":"13"}`, "13", parsers.LoggerEnvoy)
	f(`{"response_code":0,"response_flags":"-","upstream_cluster":"c","duration":184233}`, "", parsers.LoggerUnknown)
	f(`{"method":"GET","path":"/","upstream_host":"10.0.0.3:80","duration":13}`, "13", parsers.LoggerUnknown)
	f(`{"time":"2026-03-01T10:00:00Z","level":"Information","msg":"m","response_flags":"-","upstream_cluster":"c","duration":13}`, "13", parsers.LoggerUnknown)
	// Keys of no logger above, a level of none, or no level.
	f(`{"time":"2026-03-01T10:00:00Z","level":"Information","msg":"m","duration":5}`, "5", parsers.LoggerUnknown)
	f(`{"@timestamp":"2026-03-01T10:00:00Z","status":200,"duration":5}`, "5", parsers.LoggerUnknown)
	f(`{"time":"2026-03-01T10:00:00Z","msg":"m","duration":5}`, "5", parsers.LoggerUnknown)
	// No bare duration.
	f(`{"time":"2026-03-01T10:00:00Z","level":"INFO","msg":"m","duration_ms":5}`, "", parsers.LoggerUnknown)
	f(`{"time":"2026-03-01T10:00:00Z","level":"INFO","msg":"m","duration":"5ms"}`, "", parsers.LoggerUnknown)
	f(`{"time":"2026-03-01T10:00:00Z","level":"INFO","msg":"m"}`, "", parsers.LoggerUnknown)
}

func TestParseBareAllocs(t *testing.T) {
	lines := parsertest.ReadLines(t, "gen_json_loggers.log")
	var per Options
	per.BareUnits[parsers.LoggerGo] = "ns"
	parsertest.NoAllocs(t, NewParser(per), lines, "gen_json_loggers.log, a unit per logger")
	for _, u := range []string{"ns", "none"} {
		parsertest.NoAllocs(t, NewParser(bareUnits(u)), lines, "gen_json_loggers.log, bare unit "+u)
	}
}

func TestOptionsValidateBareUnit(t *testing.T) {
	if err := bareUnits("none").Validate(); err != nil {
		t.Errorf("unexpected error for bare unit none: %v", err)
	}
	if err := bareUnits("min").Validate(); err == nil {
		t.Errorf("unexpected success for bare unit min")
	}
}

// TestIstioJSONBareUnit: the durations of Istio's JSON access log
// (testdata/gen_istio_json.log) are Envoy's, integer ms, said for sure,
// with no "logger not recognised" warning; its TCP lines are no sample.
func TestIstioJSONBareUnit(t *testing.T) {
	p := NewParser(Options{})
	var samples []parsers.BareSample
	for i, line := range parsertest.ReadLines(t, "gen_istio_json.log") {
		var r parsers.Record
		if err := p.Parse(line, &r); err != nil {
			t.Fatalf("unexpected error for gen_istio_json.log:%d: %v", i+1, err)
		}
		if text, l := p.Bare(); text != nil {
			s, ok := parsers.NewBareSample(text, l)
			if !ok {
				t.Fatalf("unexpected bare duration %q for gen_istio_json.log:%d", text, i+1)
			}
			samples = append(samples, s)
		}
	}
	if len(samples) != 7 {
		t.Fatalf("unexpected bare durations in gen_istio_json.log; got %d; want 7 (10 lines, 3 TCP)", len(samples))
	}
	v := parsers.JudgeBareUnits(samples)
	if e := v[parsers.LoggerEnvoy]; e.Unit != parsers.UnitMS || !e.Sure || !strings.Contains(e.Note, "Envoy") {
		t.Fatalf("unexpected verdict for Istio's JSON lines; got %+v; want ms, sure, as Envoy's", e)
	}
	if u := v[parsers.LoggerUnknown]; u.Note != "" {
		t.Fatalf("unexpected verdict for lines of no logger; got %+v; want none", u)
	}
}
