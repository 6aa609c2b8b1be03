package haproxy

import (
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// Formats of HAProxy's configuration manual (8.2.3, 8.2.4, 8.2.6) and
// of a real sample.
const (
	// httplogFormat is the format of "option httplog".
	httplogFormat = `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`
	// clfFormat is the format of "option httplog clf".
	clfFormat = `%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl`
	// hostFormat reads the 9 custom lines of beats_haproxy.log: httplog
	// with the Host header between the server and the timers.
	hostFormat = `%ci:%cp [%tr] %ft %b/%s %[req.hdr(host)] %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`
)

func mustCompile(t testing.TB, format string) *Format {
	t.Helper()
	f, err := CompileLogFormat(format)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestLogFormatFiles compares the parser of each format with the regexp
// reference on every line of the samples, and counts the lines read.
func TestLogFormatFiles(t *testing.T) {
	f := func(format, name string, wantOK int) {
		t.Helper()
		p, ref := NewFormatParser(mustCompile(t, format)), refCompile(t, format)
		ok := 0
		for i, line := range parsertest.ReadLines(t, name) {
			var r parsers.Record
			err := p.Parse(line, &r)
			want, refOK := ref.parse(line)
			if (err == nil) != refOK {
				t.Fatalf("unexpected result for %s:%d with %q; got %v; reference accepts: %v", name, i+1, format, err, refOK)
			}
			if err != nil {
				parsertest.SyntaxError(t, line, err, nil)
				continue
			}
			ok++
			if d := parsertest.RecordDiff(want, r); d != "" {
				t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", name, i+1, d)
			}
		}
		if ok != wantOK {
			t.Fatalf("unexpected count for %s with %q; got %d lines; want %d", name, format, ok, wantOK)
		}
	}
	f(httplogFormat, "logfile_haproxy.0", 13)
	f(httplogFormat, "gen_haproxy.log", 4)
	f(httplogFormat, "beats_haproxy.log", 1)
	f(httplogFormat, "beats_haproxy_noheaders.log", 3)
	f(hostFormat, "beats_haproxy.log", 9)
	f(hostFormat, "logfile_haproxy.0", 0)
	f(clfFormat, "gen_haproxy_clf.log", 4)
	f("haproxy:"+clfFormat, "gen_haproxy_clf.log", 4)
	f(clfFormat, "gen_haproxy.log", 0)
}

// TestLogFormatMatchesHTTPLog: the default httplog format, compiled, reads
// the httplog samples exactly as the httplog Parser does.
func TestLogFormatMatchesHTTPLog(t *testing.T) {
	fp, hp := NewFormatParser(mustCompile(t, httplogFormat)), NewParser()
	for _, name := range samples {
		for i, line := range parsertest.ReadLines(t, name) {
			var got, want parsers.Record
			gotErr, wantErr := fp.Parse(line, &got), hp.Parse(line, &want)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("unexpected result for %s:%d; got %v; httplog parser: %v", name, i+1, gotErr, wantErr)
			}
			if d := parsertest.RecordDiff(want, got); gotErr == nil && d != "" {
				t.Fatalf("unexpected record for %s:%d (-httplog +log-format):\n%s", name, i+1, d)
			}
		}
	}
}

func TestLogFormatSuccess(t *testing.T) {
	f := func(format, line string, want parsers.Record) {
		t.Helper()
		var r parsers.Record
		if err := NewFormatParser(mustCompile(t, format)).Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q with %q; got %v", line, format, err)
		}
		if d := parsertest.RecordDiff(want, r); d != "" {
			t.Fatalf("unexpected record for %q with %q (-want +got):\n%s", line, format, d)
		}
		if ref, ok := refCompile(t, format).parse([]byte(line)); !ok || parsertest.RecordDiff(want, ref) != "" {
			t.Fatalf("BUG: the reference disagrees on %q: %v %+v", line, ok, ref)
		}
	}
	rec := func(fill func(r *parsers.Record)) parsers.Record {
		var r parsers.Record
		r.Reset()
		fill(&r)
		return r
	}
	// %Ts and %ms, method, URI and version apart, the Host and
	// User-Agent headers, an IPv6 client before its port.
	f(`%ci:%cp %Ts.%ms %HM %HU %HV %ST %B %Ta %Tr %{+Q}[req.hdr(host)] %{+Q}[req.hdr(user-agent)]`,
		`2001:db8::1:51544 1772799254.655 GET /api/orders?id=7 HTTP/1.1 200 2750 109 69 "shop.example.com" "curl/8.5.0"`,
		rec(func(r *parsers.Record) {
			r.Client, r.Time = []byte("2001:db8::1"), 1772799254655000000
			r.Method, r.Target, r.Proto = []byte("GET"), []byte("/api/orders?id=7"), []byte("HTTP/1.1")
			r.Status, r.Bytes, r.Duration, r.Upstream = 200, 2750, 109000, 69000
			r.Host, r.UserAgent = []byte("shop.example.com"), []byte("curl/8.5.0")
		}))
	// An unquoted %r, %Tt when there is no %Ta, %Tl with its zone, a
	// status of -1, escaped spaces as in a configuration file.
	f(`%ci\ [%Tl]\ %r\ %ST\ %B\ %Tt`,
		`10.0.0.1 [06/Mar/2026:13:14:14 +0100] GET /x HTTP/1.0 -1 0 +30001`,
		rec(func(r *parsers.Record) {
			r.Client, r.Time = []byte("10.0.0.1"), 1772799254000000000
			r.Method, r.Target, r.Proto = []byte("GET"), []byte("/x"), []byte("HTTP/1.0")
			r.Bytes, r.Duration = 0, 30001000
		}))
	// %Ta wins over an earlier %Tt; the first of two times wins; %HP
	// is the target; a trailing '\r' and spaces; %% is a '%'.
	f(`%Tt %Ta [%t] [%T] %HM %HP %ST %B 100%%`,
		"5 4 [06/Mar/2026:12:14:14.655] [06/Mar/2026:12:14:20 +0000] PUT /a 201 0 100% \r",
		rec(func(r *parsers.Record) {
			r.Time, r.Duration, r.Method, r.Target, r.Status, r.Bytes = 1772799254655000000, 4000, []byte("PUT"), []byte("/a"), 201, 0
		}))
}

func TestLogFormatFailure(t *testing.T) {
	f := func(format, line, reason string) {
		t.Helper()
		var r parsers.Record
		err := NewFormatParser(mustCompile(t, format)).Parse([]byte(line), &r)
		se, ok := err.(*parsers.SyntaxError)
		if !ok || se.Reason != reason {
			t.Fatalf("unexpected error for %q with %q; got %v; want %q", line, format, err, reason)
		}
	}
	f(httplogFormat, "", ReasonEmpty)
	f(httplogFormat, `Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.`, ReasonClient)
	f(httplogFormat, `10.0.1.2:1 [06/Foo/2026:12:14:14.655] a b/c 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonTime)
	f(httplogFormat, `10.0.1.2:1 [06/Mar/2026:12:14:14.655] a b/c 1/2/3/x/5 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonTimers)
	f(httplogFormat, `10.0.1.2:1 [06/Mar/2026:12:14:14.655] a b/c 1/2/3/4/5 20 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonStatus)
	f(httplogFormat, `10.0.1.2:1 [06/Mar/2026:12:14:14.655] a b/c 1/2/3/4/5 200 x - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`, ReasonBytes)
	f(httplogFormat, `10.0.1.2:1 [06/Mar/2026:12:14:14.655] a b/c 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1" x`, ReasonTrailing)
	f(httplogFormat, `10.0.1.2:1 [06/Mar/2026:12:14:14.655] a b/c 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1`, ReasonRequest)
	f(`%ci %ST %Ts`, `1.2.3.4 200 99999999999`, ReasonTime)
	f(`%ci %ST %Ts.%ms`, `1.2.3.4 200 1.1000`, ReasonTime)
	f(`%ci %r %ST`, `1.2.3.4 GET 200`, ReasonStatus)
}

func TestCompileLogFormatFailure(t *testing.T) {
	f := func(format, want string) {
		t.Helper()
		_, err := CompileLogFormat(format)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for %q; got %v; want one containing %q", format, err, want)
		}
	}
	f(`%ci %xy %ST`, `unknown variable "%xy" at byte 4`)
	f(`%ci%cp %ST`, "no text between two variables at byte 3")
	f(`%ci %{+Q %ST`, "unclosed '{'")
	f(`%ci %[req.hdr(host) %ST`, "unclosed '['")
	f(`%ci %{+X}Ts %ST`, "unsupported flag +X")
	f(`%ci %{Q}r`, "cannot read flags")
	f(`%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq`, "its lines are not HTTP requests")
}

func TestIsLogFormat(t *testing.T) {
	f := func(format string, want bool) {
		t.Helper()
		if got := IsLogFormat(format); got != want {
			t.Fatalf("unexpected IsLogFormat(%q); got %v; want %v", format, got, want)
		}
	}
	f(httplogFormat, true)
	f(clfFormat, true)
	f(`haproxy:%h %r %s`, true)
	f(`%h %l %u %t "%r" %>s %b`, false)
	f(`%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D`, false)
	f(`$remote_addr - $remote_user [$time_local] "$request" $status`, false)
}

func TestLogFormatAllocs(t *testing.T) {
	f := func(format string, names ...string) {
		t.Helper()
		var lines [][]byte
		for _, n := range names {
			lines = append(lines, parsertest.ReadLines(t, n)...)
		}
		parsertest.NoAllocs(t, NewFormatParser(mustCompile(t, format)), lines, format)
	}
	f(httplogFormat, samples...)
	f(hostFormat, "beats_haproxy.log")
	f(clfFormat, "gen_haproxy_clf.log")
}
