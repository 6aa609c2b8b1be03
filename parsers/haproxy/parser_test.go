package haproxy

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

var samples = []string{"logfile_haproxy.0", "gen_haproxy.log", "beats_haproxy.log", "beats_haproxy_noheaders.log"}

// TestParseFiles compares parser and reference on every sample line and
// counts the HTTP lines.
func TestParseFiles(t *testing.T) {
	f := func(name string, wantOK int) {
		t.Helper()
		p := NewParser()
		ok := 0
		for i, line := range parsertest.ReadLines(t, name) {
			var r parsers.Record
			err := p.Parse(line, &r)
			ref, refOK := refParse(line)
			if (err == nil) != refOK {
				t.Fatalf("unexpected result for %s:%d; got %v; reference accepts: %v", name, i+1, err, refOK)
			}
			if err != nil {
				continue
			}
			ok++
			if d := parsertest.RecordDiff(ref, r); d != "" {
				t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", name, i+1, d)
			}
		}
		if ok != wantOK {
			t.Fatalf("unexpected count for %s; got %d HTTP lines; want %d", name, ok, wantOK)
		}
	}
	f("logfile_haproxy.0", 13) // 3 "Proxy started" lines and an SSL failure are not HTTP logs
	f("gen_haproxy.log", 4)
	// elastic/beats' samples: 9 lines with a host between the server and
	// the timers (a custom log-format) are not the httplog format, and
	// are rejected, not misread; the empty last line too.
	f("beats_haproxy.log", 1)
	f("beats_haproxy_noheaders.log", 3)
}

func TestParseSuccess(t *testing.T) {
	lines := parsertest.ReadLines(t, "gen_haproxy.log")
	f := func(i int, status int, dur, up, bytes int64, method, target string) {
		t.Helper()
		var r parsers.Record
		if err := NewParser().Parse(lines[i], &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v", lines[i], err)
		}
		if r.Status != status || r.Duration != dur || r.Upstream != up || r.Bytes != bytes || string(r.Method) != method || string(r.Target) != target {
			t.Fatalf("unexpected record for %q; got %+v", lines[i], r)
		}
	}
	f(0, 200, 109000, 69000, 2750, "GET", "/index.html")
	f(1, 504, 30001000, -1, 194, "POST", "/api/payments/7/charge")
	f(2, 503, 0, -1, 217, "GET", "/api/orders")
	f(3, 400, 1000, -1, 187, "", "")
}

func TestParseFailure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		var r parsers.Record
		err := NewParser().Parse([]byte(line), &r)
		se, ok := err.(*parsers.SyntaxError)
		if !ok || se.Reason != reason {
			t.Fatalf("unexpected error for %q; got %v; want %q", line, err, reason)
		}
	}
	const head = `10.0.1.2:33317 [06/Mar/2026:12:14:14.655] http-in static/srv1 `
	f("", ReasonEmpty)
	f(`Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.`, ReasonNotHTTP)
	f(`Feb 26 23:16:16 192.168.8.2 haproxy[7]: 178.203.144.192:50210 [26/Feb/2019:23:16:15.321] prod_ssh_in prod_ssh_out/ssh1 1/1/861 1485 -- 2/1/0/0/0 0/0`, ReasonNotHTTP)
	f(head+`10/0/30/69 200 2750 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonTimers)
	f(head+`10/0/30/69/109 20 2750 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonStatus)
	f(head+`10/0/30/69/109 200 x - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonBytes)
	f(head+`10/0/30/69/109 200 1 - - ---- 1/1/1/1/0 0/0 {x "GET / HTTP/1.1"`, ReasonRequest)
	f(`10.0.1.2 [06/Mar/2026:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonClient)
	f(`10.0.1.2:1 [06/Foo/2026:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonTime)
}

func TestParseAllocs(t *testing.T) {
	var lines [][]byte
	for _, n := range samples {
		lines = append(lines, parsertest.ReadLines(t, n)...)
	}
	parsertest.NoAllocs(t, NewParser(), lines, "the samples")
}
