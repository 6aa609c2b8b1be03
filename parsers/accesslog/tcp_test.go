package accesslog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestTCPKind: a "- - -" request is a TCP proxy connection in Envoy's
// and Istio's formats only; elsewhere it stays an HTTP request whose
// target is "- -", as before.
func TestTCPKind(t *testing.T) {
	f := func(format, line string, want parsers.Kind) {
		t.Helper()
		var r parsers.Record
		if err := NewParser(mustNamed(t, format), Options{}).Parse([]byte(line), &r); err != nil || r.Kind != want {
			t.Fatalf("unexpected kind for %s %q; got %v, %v; want %v", format, line, r.Kind, err, want)
		}
		if want == parsers.KindTCP && (r.Method != nil || r.Target != nil || r.Proto != nil || r.ZeroStatus) {
			t.Fatalf("unexpected request of a TCP line %q; got %q %q %q, zero status %v", line, r.Method, r.Target, r.Proto, r.ZeroStatus)
		}
	}
	const envoyTCP = `[2026-03-01T10:00:03.000Z] "- - -" 0 - 1532 98211 184233 - "-" "-" "-" "-" "10.244.5.3:5432"`
	f("envoy", envoyTCP, parsers.KindTCP)
	f("envoy", `[2026-03-01T10:00:03.000Z] "GET - HTTP/1.1" 0 - 1532 98211 184233 - "-" "-" "-" "-" "-"`, parsers.KindHTTP)
	f("envoy", `[2026-03-01T10:00:03.000Z] "- / -" 0 - 1532 98211 184233 - "-" "-" "-" "-" "-"`, parsers.KindHTTP)
	f("envoy", `[2026-03-01T10:00:03.000Z] "-" 0 - 1532 98211 184233 - "-" "-" "-" "-" "-"`, parsers.KindHTTP)
	f("istio", `[2026-03-01T10:00:03.000Z] "- - -" 0 - - - "-" 1532 98211 184233 - "-" "-" "-" "-" "10.244.5.3:5432" outbound|5432||pg 10.0.0.2:4000 10.0.0.3:5432 10.0.0.2:4100 - -`, parsers.KindTCP)
	f("istio_1_3", `[2026-03-01T10:00:03.000Z] "- - -" 0 - "-" "-" 1532 98211 184233 - "-" "-" "-" "-" "10.244.5.3:5432" outbound|5432||pg 10.0.0.2:4000 10.0.0.3:5432 10.0.0.2:4100 - -`, parsers.KindTCP)
	f("istio_1_8", `[2026-03-01T10:00:03.000Z] "- - -" 0 - "-" 1532 98211 184233 - "-" "-" "-" "-" "10.244.5.3:5432" outbound|5432||pg 10.0.0.2:4000 10.0.0.3:5432 10.0.0.2:4100 - -`, parsers.KindTCP)
	f("combined", `192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "- - -" 400 0 "-" "-"`, parsers.KindHTTP)
	// The same line through --log-format: not a built-in, so HTTP.
	fm, err := CompileNginx(builtinInfo(t, "envoy").spec)
	if err != nil {
		t.Fatal(err)
	}
	var r parsers.Record
	if err := NewParser(fm, Options{}).Parse([]byte(envoyTCP), &r); err != nil || r.Kind != parsers.KindHTTP {
		t.Fatalf("unexpected kind for --log-format envoy's spec; got %v, %v", r.Kind, err)
	}
}

// TestDetectIstioVersions: the samples of Envoy's and of each of
// Istio's formats (TCP lines included) parse in their own format only,
// but for one line, and Detect picks it with no flag. The exception:
// the 1.3 sample's Mixer status with a space, "PERMISSION_DENIED:…:not
// allowed", reads in 1.9's format as two unquoted details fields, and
// its quoted reason "-" as 1.9's quoted reason.
func TestDetectIstioVersions(t *testing.T) {
	samples := map[string][]string{
		"envoy":     {"gen_envoy.log"},
		"istio":     {"istio_docs.log", "istio_gen.log"},
		"istio_1_3": {"gen_istio_pre19.log"},
		"istio_1_8": {"gen_istio_1_8.log"},
	}
	for format, files := range samples {
		var lines [][]byte
		for _, file := range files {
			lines = append(lines, parsertest.ReadLines(t, file)...)
		}
		for other := range samples {
			want := 0
			switch {
			case other == format:
				want = len(lines)
			case format == "istio_1_3" && other == "istio":
				want = 1
			}
			if got := tryFormat(mustNamed(t, other), lines).n; got != want {
				t.Fatalf("unexpected lines of %s parsed by %s; got %d; want %d", format, other, got, want)
			}
		}
		fm, n, err := Detect(joinLines(lines))
		if err != nil || fm.Name() != format || n != len(lines) {
			t.Fatalf("unexpected detection of %v; got %v, %d, %v; want %s, %d", files, fm, n, err, format, len(lines))
		}
	}
}
