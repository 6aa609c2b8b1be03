package jsonlog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// TestParseTCP: a line of Envoy's access log (two of its operators'
// keys, no level) without method, path and protocol and with status 0 or
// none is a TCP proxy connection; any other JSON without them stays
// rejected, and a line with a request stays one. Each case also against
// the encoding/json reference.
func TestParseTCP(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		if got := parse(line, Options{}).String(); got != want {
			t.Errorf("unexpected record for %q; got %s; want %s", line, got, want)
		}
		if ref := parseRef([]byte(line), "").String(); ref != want {
			t.Errorf("unexpected reference record for %q; got %s; want %s", line, ref, want)
		}
	}
	const peer = `"downstream_remote_address":"10.0.0.2:4000"`
	// Envoy's TCP proxy: null, "-" or no request keys; status 0 or none.
	f(`{"start_time":"2026-03-01T10:00:03Z","method":null,"path":null,"protocol":null,"response_code":0,"response_flags":"-","bytes_sent":98211,"duration":184233,"upstream_cluster":"outbound|5432||pg",`+peer+`}`,
		`tcp time=1772359203000000000 client="10.0.0.2" bytes=98211 duration=184233000`)
	f(`{"method":"-","path":"-","protocol":"-","response_code":"0","upstream_host":"10.0.0.3:5432",`+peer+`,"bytes_sent":"12"}`, `tcp client="10.0.0.2" bytes=12`)
	f(`{"response_flags":"-","upstream_cluster":null,"duration":5}`, `tcp duration=5000`)
	// Not Envoy's: one of its keys, or a level beside them.
	f(`{"method":null,"response_code":0,`+peer+`,"duration":5}`, `error no known fields`)
	f(`{"upstream_host":"10.0.0.3:5432","status":0,"duration":5}`, `error no known fields`)
	f(`{"level":null,"response_flags":"-","upstream_cluster":"c","duration":5}`, `error no known fields`)
	// A request, a status other than 0, or a protocol: not a connection.
	f(`{"method":"GET","response_code":0,"response_flags":"DC","upstream_cluster":"c"}`, `http method="GET" status=0`)
	f(`{"response_code":503,"response_flags":"UF","upstream_cluster":"c"}`, `http status=503`)
	f(`{"protocol":"HTTP/1.1","response_code":0,"response_flags":"DC","upstream_cluster":"c"}`, `error no known fields`)
	// An application line with Envoy's keys stays one.
	f(`{"msg":"connection closed","response_flags":"-","upstream_cluster":"c"}`, `app msg="connection closed"`)
}

// TestParseTCPKindFields: a TCP record has no method, target, proto or
// zero status, as parsers.KindTCP says.
func TestParseTCPKindFields(t *testing.T) {
	var r parsers.Record
	line := `{"method":null,"path":"-","protocol":null,"response_code":0,"response_flags":"-","upstream_cluster":"c","user_agent":null}`
	if err := NewParser(Options{}).Parse([]byte(line), &r); err != nil || r.Kind != parsers.KindTCP {
		t.Fatalf("unexpected result for %q; got %v, %v; want a TCP record", line, r.Kind, err)
	}
	if r.Method != nil || r.Target != nil || r.Proto != nil || r.ZeroStatus || r.Status != 0 {
		t.Fatalf("unexpected fields of a TCP record %q; got %q %q %q, status %d, zero %v", line, r.Method, r.Target, r.Proto, r.Status, r.ZeroStatus)
	}
}
