package jsonlog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// FuzzParse checks that Parse never panics and gives the same result as
// the encoding/json reference, rejections included, on any input, with
// any DurationUnit, without and with --field mappings. Seeds: the lines of testdata/ and the corpus in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"logfile_caddy_log.0", "logfile_caddy_log.1"} {
		for _, line := range refLines(mustRead(f, "testdata/"+name)) {
			f.Add(line, uint8(0))
		}
	}
	for _, name := range []string{"gen_json_loggers.log", "gen_istio_json.log", "gen_envoy_gateway_json.log"} {
		for _, line := range parsertest.ReadLines(f, name) {
			f.Add(line, uint8(0))
		}
	}
	f.Add([]byte(typicalLine), uint8(0))
	f.Add([]byte(typicalLine), uint8(1))
	units := []string{"", "s", "ms", "us", "ns"}
	f.Add([]byte(`{"http":{"code":"503 x"},"a":{"b":"/p","b":"/q"},"a.b":"/r","t_us":7,"h":["x"]}`), uint8(0))
	// One parser per unit, reused across inputs as in production; the
	// second of each has mappings of its own.
	mappings, err := parsers.ParseFieldSpecs([]string{"status=http.code", "path=a.b", "duration=t_us", "msg=m.x", "host=h", "time=a", "level=path"})
	if err != nil {
		f.Fatal(err)
	}
	ps := make([]*Parser, len(units))
	mapped := make([]*Parser, len(units))
	for i, u := range units {
		ps[i] = NewParser(Options{DurationUnit: u})
		mapped[i] = NewParser(Options{DurationUnit: u, Fields: mappings})
	}
	f.Fuzz(func(t *testing.T, line []byte, unit uint8) {
		i := int(unit) % len(units)
		var r parsers.Record
		got := resultOf(&r, ps[i].Parse(line, &r))
		if want := parseRef(line, units[i]); got != want {
			t.Fatalf("unexpected record for %s with unit %q;\ngot  %s;\nwant %s", short(line), units[i], got, want)
		}
		got = resultOf(&r, mapped[i].Parse(line, &r))
		if want := parseRefFields(line, units[i], mappings); got != want {
			t.Fatalf("unexpected record for %s with unit %q and mappings;\ngot  %s;\nwant %s", short(line), units[i], got, want)
		}
	})
}

// typicalLine is a typical application access line.
const typicalLine = `{"time":"2026-01-02T03:04:05.123Z","level":"info","method":"GET","path":"/api/x/12","status":200,"duration_ms":12.5,"client_ip":"10.0.0.1","user_id":"u42"}`
