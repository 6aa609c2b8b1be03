package jsonlog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseRealSamples (issue 10): every line of the real JSON samples
// the proxies and loggers wrote (testdata/README.md gives their sources)
// against the encoding/json reference, and the kinds they hold: Traefik's
// JSON access log (a Nikto scan through Traefik in Docker, crowdsec's
// fixture), log/slog's JSONHandler and logrus's JSONFormatter (the
// outputs their own tests check).
func TestParseRealSamples(t *testing.T) {
	f := func(file string, http, app int) {
		t.Helper()
		p := NewParser(Options{})
		kinds := map[parsers.Kind]int{}
		for i, line := range parsertest.ReadLines(t, file) {
			var r parsers.Record
			got := resultOf(&r, p.Parse(line, &r))
			if want := parseRef(line, ""); got != want {
				t.Fatalf("unexpected record for %s:%d;\ngot  %s;\nwant %s", file, i+1, got, want)
			}
			kinds[got.Kind]++
		}
		if kinds[parsers.KindHTTP] != http || kinds[parsers.KindApp] != app {
			t.Fatalf("unexpected kinds of %s; got %v; want %d http, %d app", file, kinds, http, app)
		}
		parsertest.NoAllocs(t, p, parsertest.ReadLines(t, file), file)
	}
	f("crowdsec_traefik_json.log", 80, 0)
	f("go_slog_json.log", 0, 6)
	f("logrus_json.log", 0, 1)
}
