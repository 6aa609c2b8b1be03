package jsonlog

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// parse parses line with a fresh parser with options o.
func parse(line string, o Options) result {
	var r parsers.Record
	err := NewParser(o).Parse([]byte(line), &r)
	return resultOf(&r, err)
}

// checkRecord checks that the parser and the reference, with DurationUnit
// unit, both read line as the record want.
func checkRecord(t *testing.T, unit, line, want string) {
	t.Helper()
	if got := parse(line, Options{DurationUnit: unit}).String(); got != want {
		t.Errorf("unexpected record for %q with unit %q; got %s; want %s", line, unit, got, want)
	}
	if got := parseRef([]byte(line), unit).String(); got != want {
		t.Errorf("unexpected reference record for %q with unit %q; got %s; want %s", line, unit, got, want)
	}
}

// TestParseIssue10 holds the JSON logs that issue 10 found read silently
// wrong: each would have parsed as 0 requests or been rejected.
func TestParseIssue10(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		checkRecord(t, "", line, want)
	}
	// Traefik JSON access log: DownstreamStatus, Duration in ns.
	f(`{"ClientAddr":"10.0.0.1:5678","ClientHost":"10.0.0.1","DownstreamContentSize":42,"DownstreamStatus":404,"Duration":12345678,"OriginDuration":12000000,"RequestMethod":"GET","RequestPath":"/x?y","RequestProtocol":"HTTP/1.1","RequestHost":"h","request_User-Agent":"curl/8","level":"info","msg":"","time":"2024-01-02T03:04:05Z"}`,
		`http time=1704164645000000000 level="info" status=404 method="GET" target="/x?y" proto="HTTP/1.1" client="10.0.0.1" ua="curl/8" bytes=42 duration=12345`)
	// pino-http: req/res objects, responseTime in ms even with a fraction.
	f(`{"level":30,"time":1700000000000,"req":{"id":1,"method":"POST","url":"/api/p","headers":{"user-agent":"node"},"remoteAddress":"::1","remotePort":5},"res":{"statusCode":201},"responseTime":7.5,"msg":"request completed"}`,
		`http time=1700000000000000000 level="info" msg="request completed" status=201 method="POST" target="/api/p" client="::1" ua="node" duration=7500`)
	// bunyan: "status":"200 OK" beside res.statusCode is 200, not a rejection.
	f(`{"name":"app","level":30,"res":{"statusCode":200},"status":"200 OK","req":{"method":"GET","url":"/"},"msg":"done","time":"2023-03-24T14:26:16.243Z","v":0}`,
		`http time=1679667976243000000 level="info" msg="done" status=200 method="GET" target="/"`)
	// AWS API Gateway access log (JSON template): strings, latency in ms.
	f(`{"requestId":"c6af9ac6","ip":"192.0.2.1","httpMethod":"GET","resourcePath":"/pets/{id}","status":"200","protocol":"HTTP/1.1","responseLength":"46","responseLatency":"12"}`,
		`http status=200 method="GET" target="/pets/{id}" proto="HTTP/1.1" client="192.0.2.1" bytes=46 duration=12000`)
	// Envoy JSON with operator-named keys.
	f(`{"start_time":"2026-03-01T10:00:00.123Z","method":"POST","path":"/x","response_code":503,"duration":1004,"bytes_sent":91}`,
		`http time=1772359200123000000 status=503 method="POST" target="/x" bytes=91 duration=1004000`)
	// Caddy: status 0, no response written, is the status 0, not none.
	f(`{"level":"info","ts":1716723772.5,"msg":"handled request","request":{"method":"GET","uri":"/"},"status":0,"size":0,"duration":0.001}`,
		`http time=1716723772500000000 level="info" msg="handled request" method="GET" target="/" bytes=0 duration=1000 status=0`)
}

func TestParseSuccess(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		checkRecord(t, "", line, want)
	}

	// Time: the names, best first.
	f(`{"time":"2026-01-02T03:04:05Z","msg":"m"}`, `app time=1767323045000000000 msg="m"`)
	f(`{"ts":"2026-01-02T03:04:05Z","msg":"m"}`, `app time=1767323045000000000 msg="m"`)
	f(`{"timestamp":"2026-01-02T03:04:05Z","msg":"m"}`, `app time=1767323045000000000 msg="m"`)
	f(`{"@timestamp":"2026-01-02T03:04:05Z","msg":"m"}`, `app time=1767323045000000000 msg="m"`)
	f(`{"@timestamp":1,"timestamp":2,"ts":3,"time":4,"msg":"m"}`, `app time=4000000000 msg="m"`)
	f(`{"timestamp":1,"ts":3,"msg":"m"}`, `app time=3000000000 msg="m"`)
	// Time: RFC 3339 offsets, separators, fractions.
	f(`{"time":"2026-01-02T03:04:05+01:30","msg":"m"}`, `app time=1767317645000000000 msg="m"`)
	f(`{"time":"2024-02-29T23:59:59-08:00","msg":"m"}`, `app time=1709279999000000000 msg="m"`)
	f(`{"time":"2026-01-02t03:04:05z","msg":"m"}`, `app time=1767323045000000000 msg="m"`)
	f(`{"time":"2026-01-02 03:04:05Z","msg":"m"}`, `app time=1767323045000000000 msg="m"`)
	f(`{"time":"2026-01-02T03:04:05.123Z","msg":"m"}`, `app time=1767323045123000000 msg="m"`)
	f(`{"time":"2026-01-02T03:04:05.5+00:00","msg":"m"}`, `app time=1767323045500000000 msg="m"`)
	f(`{"time":"2026-01-02T03:04:05.123456789123Z","msg":"m"}`, `app time=1767323045123456789 msg="m"`)
	f(`{"time":"2000-02-29T12:00:00Z","msg":"m"}`, `app time=951825600000000000 msg="m"`)
	f(`{"time":"1678-01-01T00:00:00Z","msg":"m"}`, `app time=-9214560000000000000 msg="m"`)
	f(`{"time":"2261-12-31T23:59:59Z","msg":"m"}`, `app time=9214646399000000000 msg="m"`)
	// Issue 10: zap's ISO 8601 zone without a colon; ±hh.
	f(`{"time":"2026-01-02T03:04:05.000+0900","msg":"m"}`, `app time=1767290645000000000 msg="m"`)
	f(`{"time":"2026-01-02T03:04:05-01","msg":"m"}`, `app time=1767326645000000000 msg="m"`)
	// Issue 10: AWS API Gateway's requestTime (Common Log Format), its
	// requestTimeEpoch (ms); the format of nginx's $time_local too.
	f(`{"requestTime":"01/Mar/2026:10:00:11 +0000","status":"200","httpMethod":"GET","resourcePath":"/"}`, `http time=1772359211000000000 status=200 method="GET" target="/"`)
	f(`{"requestTimeEpoch":1772359211123,"requestTime":"01/Mar/2026:10:00:11 +0000","msg":"m"}`, `app time=1772359211123000000 msg="m"`)
	f(`{"time":"17/May/2015:10:05:03 +0200","msg":"m"}`, `app time=1431849903000000000 msg="m"`)
	// Time: epoch numbers by magnitude, exact fractions, strings holding one.
	f(`{"ts":1716723772.6014807,"msg":"m"}`, `app time=1716723772601480700 msg="m"`)
	f(`{"ts":1716723772,"msg":"m"}`, `app time=1716723772000000000 msg="m"`)
	f(`{"ts":99999999999e-1,"msg":"m"}`, `error cannot parse time`) // 9999999999.9 s is after 2262
	f(`{"ts":100000000000,"msg":"m"}`, `app time=100000000000000000 msg="m"`)
	f(`{"ts":1716723772601,"msg":"m"}`, `app time=1716723772601000000 msg="m"`)
	f(`{"ts":1716723772601.4807,"msg":"m"}`, `app time=1716723772601480700 msg="m"`)
	f(`{"ts":1716723772601480,"msg":"m"}`, `app time=1716723772601480000 msg="m"`)
	f(`{"ts":1716723772601480700,"msg":"m"}`, `app time=1716723772601480700 msg="m"`)
	f(`{"ts":1.7167237726014807e9,"msg":"m"}`, `app time=1716723772601480700 msg="m"`)
	f(`{"ts":1716723772.12345678999,"msg":"m"}`, `app time=1716723772123456789 msg="m"`)
	f(`{"ts":"1716723772.5","msg":"m"}`, `app time=1716723772500000000 msg="m"`)
	f(`{"ts":0.5,"msg":"m"}`, `app time=500000000 msg="m"`)
	f(`{"ts":"","time":null,"msg":"m"}`, `app msg="m"`)
	f(`{"ts":"-","msg":"m"}`, `app msg="m"`)
	f(`{"time":{"a":1},"ts":7,"msg":"m"}`, `app time=7000000000 msg="m"`)

	// Level and message.
	f(`{"level":"info"}`, `app level="info"`)
	f(`{"lvl":"WARN"}`, `app level="WARN"`)
	f(`{"severity":"ERROR","lvl":"x"}`, `app level="x"`)
	f(`{"level":"","lvl":"-","severity":"debug"}`, `app level="debug"`)
	f(`{"level":30}`, `app level="info"`)
	f(`{"level":10}`, `app level="trace"`)
	f(`{"level":60}`, `app level="fatal"`)
	f(`{"level":"50"}`, `app level="error"`)
	f(`{"level":35}`, `app level="35"`)
	f(`{"level":70}`, `app level="70"`)
	f(`{"level":3.0e1}`, `app level="3.0e1"`)
	f(`{"msg":"hello"}`, `app msg="hello"`)
	f(`{"message":"a","msg":"b"}`, `app msg="b"`)
	f(`{"msg":["first","second"]}`, `app msg="first"`)
	f(`{"msg":[1,"x"],"message":"y"}`, `app msg="y"`)
	f(`{"msg":42,"message":"y"}`, `app msg="y"`)
	f(`{"msg":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}`, "app msg=\"café 😀 \\\"q\\\" \\\\ / \\b\\f\\n\\r\\t\"")
	f(`{"msg":"a\ud800b"}`, `app msg="a�b"`)
	f(`{"msg":"\udc00\ud800\ud800\u0041"}`, `app msg="���A"`)
	f("{\"msg\":\"bad \xff utf8\"}", `app msg="bad � utf8"`)

	// HTTP fields and their names.
	f(`{"status":200}`, `http status=200`)
	f(`{"status_code":"404"}`, `http status=404`)
	f(`{"status_code":500,"status":502}`, `http status=502`)
	f(`{"response":{"status":503}}`, `http status=503`)
	f(`{"response":{"status_code":503}}`, `http status=503`)
	f(`{"response":{"status":503},"status":200}`, `http status=200`)
	f(`{"status":0,"msg":"m"}`, `app msg="m"`)
	f(`{"status":null,"status_code":201}`, `http status=201`)
	f(`{"method":"GET"}`, `http method="GET"`)
	f(`{"request_method":"POST"}`, `http method="POST"`)
	f(`{"request":{"method":"PUT"}}`, `http method="PUT"`)
	f(`{"request":{"method":"PUT"},"request_method":"GET"}`, `http method="GET"`)
	f(`{"path":"/p"}`, `http target="/p"`)
	f(`{"url":"/u","path":"/p"}`, `http target="/u"`)
	f(`{"uri":"/i","url":"/u","path":"/p"}`, `http target="/i"`)
	f(`{"request_uri":"/r?q=1","uri":"/i"}`, `http target="/r?q=1"`)
	f(`{"request":{"uri":"/caddy?x"}}`, `http target="/caddy?x"`)
	f(`{"request":{"path":"/p"},"url":"/top"}`, `http target="/top"`)
	f(`{"proto":"HTTP/1.1","path":"/"}`, `http target="/" proto="HTTP/1.1"`)
	f(`{"server_protocol":"HTTP/2.0","path":"/"}`, `http target="/" proto="HTTP/2.0"`)
	f(`{"request":{"proto":"HTTP/3.0"},"path":"/"}`, `http target="/" proto="HTTP/3.0"`)
	f(`{"ip":"1.1.1.1","remote_addr":"2.2.2.2","remote_ip":"3.3.3.3","clientip":"4.4.4.4","client_ip":"5.5.5.5","path":"/"}`, `http target="/" client="5.5.5.5"`)
	f(`{"ip":"1.1.1.1","remote_addr":"2.2.2.2","remote_ip":"3.3.3.3","clientip":"4.4.4.4","path":"/"}`, `http target="/" client="4.4.4.4"`)
	f(`{"ip":"1.1.1.1","remote_addr":"2.2.2.2","path":"/"}`, `http target="/" client="2.2.2.2"`)
	f(`{"ip":"1.1.1.1","path":"/"}`, `http target="/" client="1.1.1.1"`)
	f(`{"request":{"remote_ip":"10.5.1.1","client_ip":"10.10.10.117"},"path":"/"}`, `http target="/" client="10.10.10.117"`)
	f(`{"request":{"remote_ip":"10.5.1.1"},"path":"/"}`, `http target="/" client="10.5.1.1"`)
	f(`{"request":{"client_ip":"10.0.0.2"},"ip":"10.0.0.1","path":"/"}`, `http target="/" client="10.0.0.1"`)
	// Client: a port is dropped, IPv6 addresses are kept.
	f(`{"remote_addr":"10.0.0.1:54321","path":"/"}`, `http target="/" client="10.0.0.1"`)
	f(`{"remote_addr":"[2001:db8::1]:443","path":"/"}`, `http target="/" client="2001:db8::1"`)
	f(`{"remote_addr":"host.example:80","path":"/"}`, `http target="/" client="host.example"`)
	f(`{"remote_addr":"2001:db8::1","path":"/"}`, `http target="/" client="2001:db8::1"`)
	f(`{"remote_addr":"::1","path":"/"}`, `http target="/" client="::1"`)
	f(`{"remote_addr":"[::1]","path":"/"}`, `http target="/" client="[::1]"`)
	f(`{"remote_addr":"10.0.0.1:","path":"/"}`, `http target="/" client="10.0.0.1:"`)
	f(`{"remote_addr":"-:80","path":"/"}`, `http target="/"`)
	f(`{"remote_addr":":80","path":"/"}`, `http target="/" client=":80"`)
	f(`{"remote_addr":"[]:80","path":"/"}`, `http target="/" client="[]:80"`)
	f(`{"remote_addr":"a[b:80","path":"/"}`, `http target="/" client="a[b:80"`)
	f(`{"remote_addr":"10.0.0.1:8x","path":"/"}`, `http target="/" client="10.0.0.1:8x"`)
	// User agent and referer, Caddy's headers included.
	f(`{"user_agent":"a","http_user_agent":"b","ua":"c","path":"/"}`, `http target="/" ua="a"`)
	f(`{"http_user_agent":"b","ua":"c","path":"/"}`, `http target="/" ua="b"`)
	f(`{"ua":"c","path":"/"}`, `http target="/" ua="c"`)
	f(`{"request":{"user_agent":"r","headers":{"User-Agent":["h"]}},"path":"/"}`, `http target="/" ua="r"`)
	f(`{"request":{"headers":{"User-Agent":["curl/8.0","second"]}},"path":"/"}`, `http target="/" ua="curl/8.0"`)
	f(`{"request":{"headers":{"user-agent":"lower"}},"path":"/"}`, `http target="/" ua="lower"`)
	f(`{"request":{"headers":{"User-Agent":[],"user-agent":["x"]}},"path":"/"}`, `http target="/" ua="x"`)
	f(`{"headers":{"User-Agent":["top-level headers are not read"]},"path":"/"}`, `http target="/"`)
	f(`{"referer":"a","referrer":"b","http_referer":"c","path":"/"}`, `http target="/" referer="a"`)
	f(`{"referrer":"b","http_referer":"c","path":"/"}`, `http target="/" referer="b"`)
	f(`{"http_referer":"-","path":"/"}`, `http target="/"`)
	f(`{"request":{"headers":{"Referer":["https://x/"]}},"path":"/"}`, `http target="/" referer="https://x/"`)
	f(`{"request":{"headers":{"referer":["https://y/"]}},"path":"/"}`, `http target="/" referer="https://y/"`)
	// User.
	f(`{"user_id":"u1","user":"u2","uid":"u3","userId":"u4","username":"u5","path":"/"}`, `http target="/" user="u1"`)
	f(`{"user_id":"","user":"bob","path":"/"}`, `http target="/" user="bob"`)
	f(`{"user":{"id":1},"uid":1000,"path":"/"}`, `http target="/" user="1000"`)
	f(`{"userId":"x","username":"y","path":"/"}`, `http target="/" user="x"`)
	f(`{"username":"y","path":"/"}`, `http target="/" user="y"`)
	f(`{"user_id":"","path":"/"}`, `http target="/"`)
	// Bytes.
	f(`{"size":1,"body_bytes_sent":2,"bytes":3,"bytes_sent":4,"path":"/"}`, `http target="/" bytes=1`)
	f(`{"body_bytes_sent":2,"bytes":3,"bytes_sent":4,"path":"/"}`, `http target="/" bytes=2`)
	f(`{"bytes":3,"bytes_sent":4,"path":"/"}`, `http target="/" bytes=3`)
	f(`{"bytes_sent":"4","path":"/"}`, `http target="/" bytes=4`)
	f(`{"size":0,"path":"/"}`, `http target="/" bytes=0`)
	f(`{"response":{"size":9},"path":"/"}`, `http target="/" bytes=9`)
	f(`{"size":9223372036854775807,"path":"/"}`, `http target="/" bytes=9223372036854775807`)
	f(`{"size":"-","path":"/"}`, `http target="/"`)

	// Duration: bare names, integer ms or fractional seconds.
	f(`{"duration":12,"path":"/"}`, `http target="/" duration=12000`)
	f(`{"duration":0.017557019,"path":"/"}`, `http target="/" duration=17557`)
	f(`{"duration":1.5e-3,"path":"/"}`, `http target="/" duration=1500`)
	f(`{"duration":2E0,"path":"/"}`, `http target="/" duration=2000000`)
	f(`{"duration":12.0,"path":"/"}`, `http target="/" duration=12000000`)
	f(`{"duration":"12","path":"/"}`, `http target="/" duration=12000`)
	f(`{"duration":"0.25","path":"/"}`, `http target="/" duration=250000`)
	f(`{"response_time":1,"duration":2,"latency":3,"elapsed":4,"request_time":5,"took":6,"path":"/"}`, `http target="/" duration=1000`)
	f(`{"duration":2,"latency":3,"elapsed":4,"request_time":5,"took":6,"path":"/"}`, `http target="/" duration=2000`)
	f(`{"latency":3,"elapsed":4,"request_time":5,"took":6,"path":"/"}`, `http target="/" duration=3000`)
	f(`{"elapsed":4,"request_time":5,"took":6,"path":"/"}`, `http target="/" duration=4000`)
	f(`{"request_time":0.005,"took":6,"path":"/"}`, `http target="/" duration=5000`)
	f(`{"took":6,"path":"/"}`, `http target="/" duration=6000`)
	// Duration: unit suffixes.
	for _, c := range []struct{ suffixes, want string }{
		{"_s _sec _secs _seconds", "2500000"},
		{"_ms _msec _millis _milliseconds", "2500"},
		{"_us _usec _micros _microseconds", "2"},
		{"_ns _nsec _nanos _nanoseconds", "0"},
	} {
		for _, sfx := range strings.Fields(c.suffixes) {
			f(`{"took`+sfx+`":2.5,"path":"/"}`, `http target="/" duration=`+c.want)
		}
	}
	f(`{"duration_ns":1999,"path":"/"}`, `http target="/" duration=1`)
	f(`{"duration_ms":12.5,"duration":1,"path":"/"}`, `http target="/" duration=1000`)
	f(`{"duration_ms":12.5,"duration_s":1,"path":"/"}`, `http target="/" duration=1000000`)
	f(`{"took_ms":7,"duration_ms":12,"path":"/"}`, `http target="/" duration=12000`)
	f(`{"duration":null,"duration_ms":12,"path":"/"}`, `http target="/" duration=12000`)
	f(`{"duration":"-","took":3,"path":"/"}`, `http target="/" duration=3000`)
	// Duration: Go syntax keeps its own unit.
	f(`{"duration":"12.5ms","path":"/"}`, `http target="/" duration=12500`)
	f(`{"duration":"1.2s","path":"/"}`, `http target="/" duration=1200000`)
	f(`{"duration":"850µs","path":"/"}`, `http target="/" duration=850`)
	f(`{"duration":"850μs","path":"/"}`, `http target="/" duration=850`)
	f(`{"duration":"850us","path":"/"}`, `http target="/" duration=850`)
	f(`{"duration":"1999ns","path":"/"}`, `http target="/" duration=1`)
	f(`{"duration":"1h2m3.5s","path":"/"}`, `http target="/" duration=3723500000`)
	f(`{"duration":"+.5s","path":"/"}`, `http target="/" duration=500000`)
	f(`{"duration_s":"250ms","path":"/"}`, `http target="/" duration=250000`)
	f(`{"duration":"0","path":"/"}`, `http target="/" duration=0`)

	// A "request" string is an HTTP request line.
	f(`{"request":"GET /a?b HTTP/1.1","status":200}`, `http status=200 method="GET" target="/a?b" proto="HTTP/1.1"`)
	f(`{"request":"GET /a","status":200}`, `http status=200 method="GET" target="/a"`)
	f(`{"request":"GET /a b HTTP/1.0","status":200}`, `http status=200 method="GET" target="/a b" proto="HTTP/1.0"`)
	f(`{"request":"GET /a HTTP/1.1","method":"POST","proto":"HTTP/2.0"}`, `http method="POST" target="/a" proto="HTTP/2.0"`)
	f(`{"request":"GET ","status":400}`, `http status=400 method="GET"`)
	f(`{"request":"garbage","status":400}`, `http status=400`)
	f(`{"request":"-","status":400}`, `http status=400`)
	f(`{"request":["GET /x HTTP/1.1"]}`, `http method="GET" target="/x" proto="HTTP/1.1"`)

	// Kind: HTTP fields make an HTTP record even with a level.
	f(`{"level":"info","msg":"handled request","status":200}`, `app level="info" msg="handled request" status=200`)
	f(`{"level":"info","msg":"handled request","status":200,"path":"/a"}`, `http level="info" msg="handled request" status=200 target="/a"`)
	f(`{"level":"error","msg":"oops","status":500,"url":"/a"}`, `http level="error" msg="oops" status=500 target="/a"`)
	f(`{"level":"info","msg":"fetch","url":"http://example.com"}`, `app level="info" msg="fetch" target="http://example.com"`)
	f(`{"level":"info","status":"ok","message":"m"}`, `app level="info" msg="m"`)
	f(`{"status":"ok","status_code":204,"path":"/"}`, `http status=204 target="/"`)
	f(`{"level":"error","msg":"boom","ip":"1.2.3.4","user":"u","duration":5}`, `app level="error" msg="boom" client="1.2.3.4" user="u" duration=5000`)

	// Repeated keys keep the last value, nested objects included.
	f(`{"status":200,"status":404}`, `http status=404`)
	f(`{"status":200,"status":null,"status_code":201}`, `http status=201`)
	f(`{"request":{"method":"GET"},"request":{"uri":"/x"}}`, `http target="/x"`)
	f(`{"request":{"method":"GET"},"request":null,"msg":"m"}`, `app msg="m"`)
	f(`{"st\u0061tus":200}`, `http status=200`)

	// Prefixes, whitespace and unknown keys.
	f(`caddy  | {"level":"info","msg":"m"}`, `app level="info" msg="m"`)
	f("\xef\xbb\xbf{\"msg\":\"bom\"}", `app msg="bom"`)
	f(" \t{ \"msg\" : \"m\" , \"status\" : 200 }\r\n", `app msg="m" status=200`)
	f(`{"a":{"b":[1,2,{"c":null}]},"t":true,"f":false,"n":-1.5e-7,"msg":"m"}`, `app msg="m"`)
	f(`{"Status":500,"MSG":"case matters","msg":"m"}`, `app msg="m"`)
}

func TestParseDurationUnit(t *testing.T) {
	f := func(unit, line, want string) {
		t.Helper()
		checkRecord(t, unit, line, want)
	}
	f("s", `{"duration":2,"path":"/"}`, `http target="/" duration=2000000`)
	f("ms", `{"duration":0.5,"path":"/"}`, `http target="/" duration=500`)
	f("us", `{"duration_ms":7,"path":"/"}`, `http target="/" duration=7`)
	f("µs", `{"duration":7.9,"path":"/"}`, `http target="/" duration=7`)
	f("ns", `{"duration_s":"7000","path":"/"}`, `http target="/" duration=7`)
	f("ns", `{"duration":"7ms","path":"/"}`, `http target="/" duration=7000`)

	// An invalid unit is the default.
	line := `{"duration":7,"path":"/"}`
	if got, want := parse(line, Options{DurationUnit: "bogus"}), parse(line, Options{}); got != want {
		t.Errorf("unexpected record for %q with unit %q; got %s; want %s", line, "bogus", got, want)
	}
}

func TestOptionsValidate(t *testing.T) {
	f := func(unit string, ok bool) {
		t.Helper()
		err := Options{DurationUnit: unit}.Validate()
		if (err == nil) != ok {
			t.Errorf("unexpected Validate error for %q; got %v; want ok=%v", unit, err, ok)
		}
	}
	f("", true)
	f("s", true)
	f("ms", true)
	f("us", true)
	f("µs", true)
	f("ns", true)
	f("m", false)
	f("sec", false)
	f("MS", false)
}

func TestParseFailure(t *testing.T) {
	f := func(line, reason string, pos int) {
		t.Helper()
		var r parsers.Record
		err := NewParser(Options{}).Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("unexpected error for %s; got %v; want a *parsers.SyntaxError", short([]byte(line)), err)
		}
		if se.Reason != reason || se.Pos != pos {
			t.Errorf("unexpected error for %s; got %q at %d; want %q at %d", short([]byte(line)), se.Reason, se.Pos, reason, pos)
		}
		if got := parseRef([]byte(line), "").Reason; got != reason {
			t.Errorf("unexpected reference reason for %s; got %q; want %q", short([]byte(line)), got, reason)
		}
	}
	// Not JSON at all.
	f(``, ReasonNotJSON, 0)
	f(`127.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 3`, ReasonNotJSON, 0)
	f(`[1,2]`, ReasonNotJSON, 0)

	// JSON syntax, with the offset of the offending byte.
	f(`{`, ReasonSyntax, 1)
	f(`{"msg":"m"`, ReasonSyntax, 10)
	f(`{"msg":"m}`, ReasonSyntax, 10)
	f(`{"msg":"m"}}`, ReasonSyntax, 11)
	f(`{"msg":"m"} x`, ReasonSyntax, 12)
	f(`{"msg":"m"}{"msg":"n"}`, ReasonSyntax, 11)
	f(`[{"msg":"m"}]`, ReasonSyntax, 12)
	f(`x {"msg" "m"}`, ReasonSyntax, 9)
	f(`{"msg":"m",}`, ReasonSyntax, 11)
	f(`{,"msg":"m"}`, ReasonSyntax, 1)
	f(`{msg:"m"}`, ReasonSyntax, 1)
	f(`{'msg':'m'}`, ReasonSyntax, 1)
	f(`{"a":[1,]}`, ReasonSyntax, 8)
	f(`{"a":[1 2]}`, ReasonSyntax, 8)
	f(`{"a":[1}`, ReasonSyntax, 7)
	f(`{"a":{"b":1]}`, ReasonSyntax, 11)
	f(`{"a":}`, ReasonSyntax, 5)
	f(`{"a":tru}`, ReasonSyntax, 5)
	f(`{"a":nul}`, ReasonSyntax, 5)
	f(`{"a":True}`, ReasonSyntax, 5)
	f(`{"a":NaN}`, ReasonSyntax, 5)
	f(`{"a":nan}`, ReasonSyntax, 5)
	f(`{"a":Infinity}`, ReasonSyntax, 5)
	f(`{"a":-}`, ReasonSyntax, 5)
	f(`{"a":01}`, ReasonSyntax, 6)
	f(`{"a":1.}`, ReasonSyntax, 5)
	f(`{"a":.5}`, ReasonSyntax, 5)
	f(`{"a":1e}`, ReasonSyntax, 5)
	f(`{"a":+1}`, ReasonSyntax, 5)
	f(`{"a":1.2.3}`, ReasonSyntax, 8)
	f(`{"a":0x10}`, ReasonSyntax, 6)
	f("{\"a\":\"tab\tinside\"}", ReasonSyntax, 9)
	f("{\"a\":\"nl\ninside\"}", ReasonSyntax, 8)
	f("{\"a\":\"nul\x00\"}", ReasonSyntax, 9)
	f(`{"a":"\x41"}`, ReasonSyntax, 6)
	f(`{"a":"\u12"}`, ReasonSyntax, 6)
	f(`{"a":"\u12g4"}`, ReasonSyntax, 6)
	f(`{"a":"\`, ReasonSyntax, 6)
	f("{\"a\":1}\x00", ReasonSyntax, 7)
	f("{\"a\":\v1}", ReasonSyntax, 5)

	// Bounds.
	f(`{"a":`+strings.Repeat("[", MaxDepth-1)+strings.Repeat("]", MaxDepth-1)+`}`, ReasonNoFields, 0)
	f(`{"a":`+strings.Repeat("[", MaxDepth)+strings.Repeat("]", MaxDepth)+`}`, ReasonTooDeep, 5+MaxDepth-1)
	f(`{"a":`+strings.Repeat(`{"b":`, MaxDepth)+`1`+strings.Repeat("}", MaxDepth)+`}`, ReasonTooDeep, 5+5*(MaxDepth-1))
	f(`{"a":[`+strings.Repeat("0,", MaxValues-3)+`0]}`, ReasonNoFields, 0)
	f(`{"a":[`+strings.Repeat("0,", MaxValues-2)+`0]}`, ReasonTooLarge, 6+2*(MaxValues-2))
	f(`{"a":[`+strings.Repeat("0,", MaxValues-2)+`[]]}`, ReasonTooLarge, 6+2*(MaxValues-2))

	// Nothing known.
	f(`{}`, ReasonNoFields, 0)
	f(`x{}`, ReasonNoFields, 1)
	f(`{"logger":"x","ts":1}`, ReasonNoFields, 0)
	f(`{"ip":"1.2.3.4","duration":5,"user":"u","referer":"r","ua":"a","proto":"HTTP/1.1","size":1}`, ReasonNoFields, 0)
	f(`{"msg":"","level":"-","status":0}`, ReasonNoFields, 0)
	f(`{"request":{"status":200,"level":"info"},"response":{"method":"GET"}}`, ReasonNoFields, 0)
	f(`{"MSG":"m","Level":"info"}`, ReasonNoFields, 0)

	// Values that do not convert.
	f(`{"time":"2026-01-02T03:04:05","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T03:04:05.Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T03:04:05,123Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T03:04:05+24:00","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T03:04:05+01:60","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T03:04:60Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T03:60:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T24:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-02-29T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2100-02-29T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-04-31T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-13-01T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-00-01T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-00T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-1-02T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02X03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2026-01-02T03:04:05ZZ","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"+026-01-02T03:04:05Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"20A0-01-01 00:00:00Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2A00-01-01 00:00:00Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"1677-12-31T23:59:59Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"2262-01-01T00:00:00Z","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"17/May/2015:10:05:03+0000","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"17/Mai/2015:10:05:03 +0000","msg":"m"}`, ReasonTime, 0)
	f(`{"time":"yesterday","msg":"m"}`, ReasonTime, 0)
	f(`{"ts":-1,"msg":"m"}`, ReasonTime, 0)
	f(`{"ts":-0,"msg":"m"}`, ReasonTime, 0)
	f(`{"ts":"-1.5","msg":"m"}`, ReasonTime, 0)
	f(`{"ts":9300000000,"msg":"m"}`, ReasonTime, 0)
	f(`{"ts":1e19,"msg":"m"}`, ReasonTime, 0)
	f(`{"ts":1e999999999999,"msg":"m"}`, ReasonTime, 0)
	f(`{"ts":[1],"time":"bad","msg":"m"}`, ReasonTime, 0)
	f(`{"status":99}`, ReasonStatus, 0)
	f(`{"status":1000}`, ReasonStatus, 0)
	f(`{"status":-200}`, ReasonStatus, 0)
	f(`{"status":200.0}`, ReasonStatus, 0)
	f(`{"status":2e2}`, ReasonStatus, 0)
	f(`{"status":"200OK"}`, ReasonStatus, 0)
	f(`{"status":"099 x"}`, ReasonStatus, 0)
	f(`{"status":" 200"}`, ReasonStatus, 0)
	f(`{"status":"99999999999999999999999"}`, ReasonStatus, 0)
	f(`{"path":"/","size":-1}`, ReasonBytes, 0)
	f(`{"path":"/","size":1.5}`, ReasonBytes, 0)
	f(`{"path":"/","size":"1k"}`, ReasonBytes, 0)
	f(`{"path":"/","size":9223372036854775808}`, ReasonBytes, 0)
	f(`{"path":"/","duration":-1}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"-1s"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"-0"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"1d"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"12 ms"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"ms"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":".s"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"+"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"1.5.5s"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"9223372036854775808ns"}`, ReasonDuration, 0)
	f(`{"path":"/","duration":"2562048h"}`, ReasonDuration, 0)
	f(`{"path":"/","duration_s":1e13}`, ReasonDuration, 0)
	f(`{"path":"/","duration":1e400}`, ReasonDuration, 0)
	// The order of the checks: time, status, bytes, duration.
	f(`{"duration":-1,"size":-1,"status":1,"time":"x"}`, ReasonTime, 0)
	f(`{"duration":-1,"size":-1,"status":1}`, ReasonStatus, 0)
	f(`{"duration":-1,"size":-1,"path":"/"}`, ReasonBytes, 0)
	// Value errors are reported at the object's '{'.
	f(`caddy  | {"status":1}`, ReasonStatus, 9)
}

// TestParseReuse checks that one parser gives the same records as fresh
// ones, whatever came before, failures included.
func TestParseReuse(t *testing.T) {
	lines := []string{
		`{"time":"2026-01-02T03:04:05.123Z","level":"info","method":"GET","path":"/api/x/12","status":200,"duration_ms":12.5,"client_ip":"10.0.0.1","user_id":"u42"}`,
		`{"level":30,"msg":"pino","uid":7}`,
		`not json`,
		`{"msg":"a\ud800b","request":{"method":"GET","headers":{"User-Agent":["x"]}}}`,
		`{"status":"x"}`,
		`{"msg":"truncated`,
		`{"request":"GET /a HTTP/1.1","status":200,"user":12345678901234567890}`,
		`{}`,
		// Times within one minute, which the parser caches.
		`{"time":"2026-01-02T03:04:05.5Z","msg":"a"}`,
		`{"time":"2026-01-02T03:04:59+01:00","msg":"b"}`,
		`{"time":"2026-01-02T03:04:60Z","msg":"c"}`,
		`{"time":"2026-01-02T03:04:07","msg":"d"}`,
		`{"time":"2026-01-02t03:04:05Z","msg":"e"}`,
		`{"time":"2026-01-02T03:04x05Z","msg":"f"}`,
		`{"time":"2026-01-02T03:05:05Z","msg":"g"}`,
		`{"time":"2026-02-30T03:05:05Z","msg":"h"}`,
	}
	p := NewParser(Options{})
	for range 3 {
		for _, line := range lines {
			var r parsers.Record
			got := resultOf(&r, p.Parse([]byte(line), &r))
			if want := parse(line, Options{}); got != want {
				t.Errorf("unexpected record for %q from a used parser; got %s; want %s", line, got, want)
			}
		}
	}
}

// TestParseAllocs checks that Parse allocates nothing in steady state, on
// accepted and rejected lines alike.
func TestParseAllocs(t *testing.T) {
	f := func(name, line string) {
		t.Helper()
		p := NewParser(Options{})
		var r parsers.Record
		b := []byte(line)
		_ = p.Parse(b, &r) // grow the buffers
		if n := testing.AllocsPerRun(100, func() { _ = p.Parse(b, &r) }); n != 0 {
			t.Errorf("unexpected allocations for %s line %s; got %v; want 0", name, short(b), n)
		}
	}
	caddy := refLines(mustRead(t, "testdata/logfile_caddy_log.1"))[0]
	f("caddy access", string(caddy))
	f("typical access", `{"time":"2026-01-02T03:04:05.123Z","level":"info","method":"GET","path":"/api/x/12","status":200,"duration_ms":12.5,"client_ip":"10.0.0.1","user_id":"u42"}`)
	f("app", `caddy  | {"level":"info","ts":1761019822.3153872,"msg":"GOMEMLIMIT is updated","package":"github.com/KimMachineGun/automemlimit/memlimit","GOMEMLIMIT":29511419904,"previous":9223372036854775807}`)
	f("pino app", `{"level":50,"time":1716723772601,"pid":1,"msg":"boom","uid":42}`)
	f("escaped", `{"msg":"caf\u00e9 \ud800 \"q\"","request":"GET /a HTTP/1.1","duration":"12.5ms"}`)
	f("not json", `127.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 3`)
	f("truncated", `{"level":"info","msg":"handled request","request":{"method":"GET","uri":"/x`)
	f("malformed", `{"level":"info","msg":"m","n":01,"status":200}`)
	f("too deep", `{"a":`+strings.Repeat("[", MaxDepth+1))
	f("no known fields", `{"logger":"x","ts":1}`)
	f("bad value", `{"status":"x"}`)
}

// TestParseFields checks the --field mappings (Options.Fields): before
// the own names, in the order given, dotted names as paths then as one
// key, the suffix's unit; the reference agrees on each line.
func TestParseFields(t *testing.T) {
	f := func(specs, line, want string) {
		t.Helper()
		fs, err := parsers.ParseFieldSpecs(strings.Fields(specs))
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v", specs, err)
		}
		o := Options{Fields: fs}
		if err := o.Validate(); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", specs, err)
		}
		if got := parse(line, o).String(); got != want {
			t.Errorf("unexpected record for %q with %q; got %s; want %s", line, specs, got, want)
		}
		if got := parseRefFields([]byte(line), "", fs).String(); got != want {
			t.Errorf("unexpected reference record for %q with %q; got %s; want %s", line, specs, got, want)
		}
	}
	// Nested: the issue's example, and a whole ECS-style request.
	f("status=http.status_code", `{"msg":"m","http":{"status_code":503},"status":200}`, `app msg="m" status=503`)
	f("status=http.response.status_code method=http.request.method path=url.path client=client.ip user_agent=user_agent.original",
		`{"@timestamp":"2026-03-01T10:00:00Z","http":{"request":{"method":"GET"},"response":{"status_code":404}},"url":{"path":"/x"},"client":{"ip":"10.0.0.1"},"user_agent":{"original":"curl/8"}}`,
		`http time=1772359200000000000 status=404 method="GET" target="/x" client="10.0.0.1" ua="curl/8"`)
	// A dotted key written flat (ecs-logging), when no path matches.
	f("status=http.response.status_code", `{"http.response.status_code":502,"message":"m"}`, `app msg="m" status=502`)
	// Absent or unusable: the own names still count.
	f("status=code", `{"status":201,"msg":"m"}`, `app msg="m" status=201`)
	f("status=code", `{"code":"-","status":201,"msg":"m"}`, `app msg="m" status=201`)
	f("status=a.b", `{"a":[1],"status":201,"msg":"m"}`, `app msg="m" status=201`)
	// The first of two mappings of a role that is present wins.
	f("path=route path=target", `{"target":"/t","route":"/r","path":"/p"}`, `http target="/r"`)
	f("path=route path=target", `{"target":"/t","path":"/p"}`, `http target="/t"`)
	// Units: the name's suffix, else the own rule (integer ms, fraction s).
	f("duration=timing.total_us", `{"msg":"m","timing":{"total_us":1500}}`, `app msg="m" duration=1500`)
	f("duration=t", `{"msg":"m","t":12}`, `app msg="m" duration=12000`)
	f("duration=t", `{"msg":"m","t":0.5,"duration_ms":3}`, `app msg="m" duration=500000`)
	f("duration=t", `{"msg":"m","t":"1.5ms"}`, `app msg="m" duration=1500`)
	// Every role; host has no own name.
	f("time=when level=sev msg=text method=verb path=route proto=p client=peer host=vhost user_agent=agent referer=from user=who bytes=len",
		`{"when":1700000000,"sev":"warn","text":"t","verb":"PUT","route":"/r","p":"HTTP/2","peer":"[::1]:80","vhost":"h.example","agent":"a","from":"f","who":7,"len":"12"}`,
		`http time=1700000000000000000 level="warn" msg="t" method="PUT" target="/r" proto="HTTP/2" client="::1" ua="a" referer="f" user="7" host="h.example" bytes=12`)
	// A repeated key keeps its last value, at every depth.
	f("status=r.s", `{"r":{"s":400,"s":401},"msg":"m"}`, `app msg="m" status=401`)
	// A key a mapping names whole loses its own role: ts is a duration,
	// not the time; path is the message, not the target.
	f("duration=ts", `{"msg":"m","ts":"12ms"}`, `app msg="m" duration=12000`)
	f("msg=path", `{"path":"/p"}`, `app msg="/p"`)
	f("status=response.code", `{"response":{"code":500,"status":200},"msg":"m"}`, `app msg="m" status=500`)
	// The mapped value must convert, as the own names' must.
	f("status=code", `{"code":"x","status":200}`, `error `+ReasonStatus)
}

func TestParseFieldsAllocs(t *testing.T) {
	fs, err := parsers.ParseFieldSpecs([]string{"status=http.response.status_code", "path=url.path", "duration=event.duration_ns", "host=host.name"})
	if err != nil {
		t.Fatal(err)
	}
	p := NewParser(Options{Fields: fs})
	lines := [][]byte{
		[]byte(`{"@timestamp":"2026-03-01T10:00:00Z","http":{"response":{"status_code":404}},"url":{"path":"/x"},"event":{"duration":1},"host":{"name":"h"}}`),
		[]byte(`{"http.response.status_code":502,"message":"m","event.duration_ns":1500000}`),
		[]byte(`{"http":[1],"url":"x","status":200}`),
		[]byte(`{"http":{"response":{"status_code":"x"}}}`),
	}
	parsertest.NoAllocs(t, p, lines, "lines with mapped fields")
}
