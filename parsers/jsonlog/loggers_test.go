package jsonlog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseLoggers (issue 10): a line of each JSON logger and proxy the
// issue names (Traefik, pino-http, bunyan beside its "200 OK", zap with
// a +0900 zone, logrus, slog, Envoy, API Gateway, Caddy's status 0), in
// testdata/gen_json_loggers.log, against the encoding/json reference,
// and the request lines are requests: none reads as "no traffic".
func TestParseLoggers(t *testing.T) {
	p := NewParser(Options{})
	kinds := map[parsers.Kind]int{}
	for i, line := range parsertest.ReadLines(t, "gen_json_loggers.log") {
		var r parsers.Record
		got := resultOf(&r, p.Parse(line, &r))
		if want := parseRef(line, ""); got != want {
			t.Fatalf("unexpected record for gen_json_loggers.log:%d;\ngot  %s;\nwant %s", i+1, got, want)
		}
		kinds[got.Kind]++
	}
	if kinds[parsers.KindHTTP] != 10 || kinds[parsers.KindApp] != 3 {
		t.Fatalf("unexpected kinds; got %v; want 10 http, 3 app", kinds)
	}
	parsertest.NoAllocs(t, p, parsertest.ReadLines(t, "gen_json_loggers.log"), "gen_json_loggers.log")
}
