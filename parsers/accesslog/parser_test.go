package accesslog

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
)

// rec builds a want Record: "" is an absent byte field, time is RFC 3339.
func rec(t *testing.T, client, user, tm, method, target, proto string, status int, size, dur int64, referer, ua string) parsers.Record {
	t.Helper()
	b := func(s string) []byte {
		if s == "" {
			return nil
		}
		return []byte(s)
	}
	var ns int64
	if tm != "" {
		ts, err := time.Parse(time.RFC3339Nano, tm)
		if err != nil {
			t.Fatal(err)
		}
		ns = ts.UnixNano()
	}
	return parsers.Record{
		Client: b(client), User: b(user), Time: ns,
		Method: b(method), Target: b(target), Proto: b(proto),
		Status: status, Bytes: size, Duration: dur, Upstream: -1,
		Referer: b(referer), UserAgent: b(ua),
	}
}

func mustNamed(t testing.TB, name string) *Format {
	t.Helper()
	f, err := Named(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseSuccess(t *testing.T) {
	// One parser per format for all cases: no state may leak between lines.
	parsersByFormat := map[string]*Parser{}
	f := func(format string, o Options, line string, want parsers.Record) {
		t.Helper()
		key := format + "/" + o.DurationUnit
		p := parsersByFormat[key]
		if p == nil {
			p = NewParser(mustNamed(t, format), o)
			parsersByFormat[key] = p
		}
		var r parsers.Record
		if err := p.Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Fatalf("unexpected record for %q (-want +got):\n%s", line, diff)
		}
	}
	const ua = "Mozilla/5.0 (X11; Linux x86_64)"
	o := Options{}

	// elastic apache_logs, first line and a "-" byte count.
	f("combined", o, `83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36"`,
		rec(t, "83.149.9.216", "", "2015-05-17T10:05:03Z", "GET", "/presentations/logstash-monitorama-2013/images/kibana-search.png", "HTTP/1.1", 200, 203023, -1, "http://semicomplete.com/presentations/logstash-monitorama-2013/", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36"))
	f("combined", o, `180.76.6.56 - - [20/May/2015:21:05:56 +0000] "GET /robots.txt HTTP/1.1" 200 - "-" "Mozilla/5.0 (Windows NT 5.1; rv:6.0.2) Gecko/20100101 Firefox/6.0.2"`,
		rec(t, "180.76.6.56", "", "2015-05-20T21:05:56Z", "GET", "/robots.txt", "HTTP/1.1", 200, -1, -1, "", "Mozilla/5.0 (Windows NT 5.1; rv:6.0.2) Gecko/20100101 Firefox/6.0.2"))
	// elastic apache_logs line 5851: \xHH escapes stay raw.
	f("combined", o, `201.242.142.135 - - [19/May/2015:11:05:10 +0000] "GET /files/logstash/ HTTP/1.0" 200 13316 "http://\xe4\xe5\xe3\xf2\xff\xf0\xed\xee\xe5-\xec\xfb\xeb\xee.\xf0\xf4/" "Mozilla/5.0 (Windows NT 6.1; rv:11.0) Gecko/20100101 Firefox/11.0"`,
		rec(t, "201.242.142.135", "", "2015-05-19T11:05:10Z", "GET", "/files/logstash/", "HTTP/1.0", 200, 13316, -1, `http://\xe4\xe5\xe3\xf2\xff\xf0\xed\xee\xe5-\xec\xfb\xeb\xee.\xf0\xf4/`, "Mozilla/5.0 (Windows NT 6.1; rv:11.0) Gecko/20100101 Firefox/11.0"))
	// lnav logfile_access_log.1: the request is "-".
	f("combined", o, `10.112.81.15 - - [15/Feb/2013:06:00:31 +0000] "-" 400 0 "-" "-"`,
		rec(t, "10.112.81.15", "", "2013-02-15T06:00:31Z", "", "", "", 400, 0, -1, "", ""))
	// lnav logfile_bad_access_log.0: all three lines; the second lacks ident and user.
	f("combined", o, `192.168.202.254 - - [20/Jul/2009:22:59:26 +0000] "GET /vmw/cgi/tramp HTTP/1.0" 200 134 "-" "gPXE/0.9.7"`,
		rec(t, "192.168.202.254", "", "2009-07-20T22:59:26Z", "GET", "/vmw/cgi/tramp", "HTTP/1.0", 200, 134, -1, "", "gPXE/0.9.7"))
	f("combined", o, `192.168.202.254 [20/Jul/2009:22:59:29 +0000] "GET /vmw/vSphere/default/vmkboot.gz HTTP/1.0" 404 46210 "-" "gPXE/0.9.7"`,
		rec(t, "192.168.202.254", "", "2009-07-20T22:59:29Z", "GET", "/vmw/vSphere/default/vmkboot.gz", "HTTP/1.0", 404, 46210, -1, "", "gPXE/0.9.7"))
	f("combined", o, `192.168.202.254 - - [20/Jul/2009:22:59:29 +0000] "GET /vmw/vSphere/default/vmkernel.gz HTTP/1.0" 200 78929 "-" "gPXE/0.9.7"`,
		rec(t, "192.168.202.254", "", "2009-07-20T22:59:29Z", "GET", "/vmw/vSphere/default/vmkernel.gz", "HTTP/1.0", 200, 78929, -1, "", "gPXE/0.9.7"))
	// lnav shop: +0330 and one extra quoted field.
	f("combined", o, `31.56.96.51 - - [22/Jan/2019:03:56:16 +0330] "GET /image/60844/productModel/200x200 HTTP/1.1" 200 5667 "https://www.zanbil.ir/m/filter/b113" "Mozilla/5.0 (Linux; Android 6.0; ALE-L21 Build/HuaweiALE-L21) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/66.0.3359.158 Mobile Safari/537.36" "-"`,
		rec(t, "31.56.96.51", "", "2019-01-22T00:26:16Z", "GET", "/image/60844/productModel/200x200", "HTTP/1.1", 200, 5667, -1, "https://www.zanbil.ir/m/filter/b113", "Mozilla/5.0 (Linux; Android 6.0; ALE-L21 Build/HuaweiALE-L21) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/66.0.3359.158 Mobile Safari/537.36"))

	// Clients: IPv6, host name; a user, one token for ident and user.
	f("combined", o, `2001:db8::1 - alice [10/Oct/2000:13:55:36 -0700] "GET /a?b=c HTTP/2.0" 304 0 "https://example.com/" "`+ua+`"`,
		rec(t, "2001:db8::1", "alice", "2000-10-10T20:55:36Z", "GET", "/a?b=c", "HTTP/2.0", 304, 0, -1, "https://example.com/", ua))
	f("combined", o, `crawler-66-249-73-135.googlebot.com bob [29/Feb/2024:23:59:59 -0130] "HEAD / HTTP/1.0" 200 0 "-" "-"`,
		rec(t, "crawler-66-249-73-135.googlebot.com", "bob", "2024-03-01T01:29:59Z", "HEAD", "/", "HTTP/1.0", 200, 0, -1, "", ""))
	f("combined", o, `::1 ident - [01/jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"`,
		rec(t, "::1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, 1, -1, "", ""))
	// Runs of spaces between fields and inside the request; trailing spaces.
	f("combined", o, `10.0.0.1   -  -   [01/Jan/2020:00:00:00 +0000]   "GET   /a b   HTTP/1.1"   500   12   "-"   "`+ua+`"   `,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/a b", "HTTP/1.1", 500, 12, -1, "", ua))
	// HTTP/0.9, a junk one-token request, a protocol without a target.
	f("combined", o, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET /" 200 12 "-" "-"`,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "", 200, 12, -1, "", ""))
	f("combined", o, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "\x16\x03\x01\x00\xa5\x01" 400 0 "-" "-"`,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "", `\x16\x03\x01\x00\xa5\x01`, "", 400, 0, -1, "", ""))
	f("combined", o, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET HTTP/1.1" 400 0 "-" "-"`,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "", "HTTP/1.1", 400, 0, -1, "", ""))
	f("combined", o, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "" 400 0 "-" "-"`,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "", "", "", 400, 0, -1, "", ""))
	// \" does not end a field, \\" does; escapes stay raw.
	f("combined", o, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET /\"x\" HTTP/1.1" 200 1 "a\\" "say \"hi\""`,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", `/\"x\"`, "HTTP/1.1", 200, 1, -1, `a\\`, `say \"hi\"`))
	// NUL bytes and invalid UTF-8 are bytes like any other.
	f("combined", o, "10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] \"GET /\x00\xff HTTP/1.1\" 200 1 \"\xc3\x28\" \"a\x00b\"",
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/\x00\xff", "HTTP/1.1", 200, 1, -1, "\xc3\x28", "a\x00b"))
	// "-" in every field.
	f("combined", o, `- - - [-] "-" - - "-" "-" -`, rec(t, "", "", "", "", "", "", 0, -1, -1, "", ""))
	// CRLF, status "-".
	f("combined", o, "10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] \"GET / HTTP/1.1\" - - \"-\" \"-\"\r",
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 0, -1, -1, "", ""))
	// Trailing durations: fractional is seconds, integer milliseconds,
	// unless the format or the options say otherwise.
	const head = `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"`
	want := func(dur int64) parsers.Record {
		return rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, 1, dur, "", "")
	}
	f("combined", o, head+` 0.123`, want(123000))
	f("combined", o, head+` 2500`, want(2500000))
	f("combined", o, head+` "-" "x y" 1.5`, want(1500000))
	f("combined", o, head+` -`, want(-1))
	f("combined", o, head+` 12.3456789`, want(12345678))
	f("combined", o, head+` 0.010, 0.020 : -`, want(30000))
	f("combined", o, head+` -, -`, want(-1))
	f("combined_rt", o, head+` 2`, want(2000000))
	f("combined", Options{DurationUnit: "us"}, head+` 2500`, want(2500))
	f("combined", Options{DurationUnit: "s"}, head+` 2`, want(2000000))
	f("combined", Options{DurationUnit: "ns"}, head+` 2500999`, want(2500))
	f("combined", Options{DurationUnit: "ns"}, head+` 999.9`, want(0))
	f("combined_rt", Options{DurationUnit: "ms"}, head+` 0.5`, want(500))

	// common, with and without a duration.
	f("common", o, `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`,
		rec(t, "127.0.0.1", "frank", "2000-10-10T20:55:36Z", "GET", "/apache_pb.gif", "HTTP/1.0", 200, 2326, -1, "", ""))
	f("common", o, `127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.0" 200 2326 0.002`,
		rec(t, "127.0.0.1", "", "2000-10-10T13:55:36Z", "GET", "/", "HTTP/1.0", 200, 2326, 2000, "", ""))
}

func TestParseFailure(t *testing.T) {
	f := func(format, line, reason string, pos int) {
		t.Helper()
		p := NewParser(mustNamed(t, format), Options{})
		var r parsers.Record
		err := p.Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("unexpected error for %q; got %v; want a *parsers.SyntaxError", line, err)
		}
		if se.Reason != reason || se.Pos != pos {
			t.Fatalf("unexpected error for %q; got %q at %d; want %q at %d", line, se.Reason, se.Pos, reason, pos)
		}
	}
	const (
		head    = `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1`
		headLen = len(head)
	)
	f("combined", "", ReasonEmpty, 0)
	f("combined", "\r", ReasonEmpty, 0)
	f("combined", " ", ReasonClient, 0)
	f("combined", "garbage", ReasonMissing, 7)
	// elastic apache_logs line 8899: truncated in the user agent.
	f("combined", `46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /scripts/grok-py-test/configlib.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html`, ReasonQuote, 111)
	f("combined", `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1 200 1 "-" "-"`, ReasonStatus, 65)
	f("combined", `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1 200 1`, ReasonQuote, 43)
	f("combined", head+` "-" "-" "x`, ReasonQuote, headLen+9)
	f("combined", head+` "-" "a\"`, ReasonQuote, headLen+6)
	// Ident and user: at most two tokens.
	f("combined", `10.0.0.1 - - x [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"`, ReasonIdentUser, 13)
	f("combined", `10.0.0.1 - - 01/Jan/2020:00:00:00 +0000 "GET / HTTP/1.1" 200 1 "-" "-"`, ReasonIdentUser, 13)
	// Times.
	for _, tm := range []string{
		"01/Foo/2020:00:00:00 +0000", "30/Feb/2020:00:00:00 +0000", "29/Feb/2019:00:00:00 +0000",
		"00/Jan/2020:00:00:00 +0000", "01/Jan/2020:24:00:00 +0000", "01/Jan/2020:00:60:00 +0000",
		"01/Jan/2020:00:00:60 +0000", "01/Jan/2020:00:00:00 +2400", "01/Jan/2020:00:00:00 +0060",
		"01/Jan/2020:00:00:00 0000", "01/Jan/2020:00:00:00 +00", "01/Jan/2020:00:00:00", "01-Jan-2020:00:00:00 +0000",
		"31/Dec/1677:00:00:00 +0000", "01/Jan/2262:00:00:00 +0000", "1/Jan/2020:00:00:00 +0000", "",
		"01/Jan/2020:00:00:0a +0000", "01/Jan/2020T00:00:00 +0000",
	} {
		f("combined", `10.0.0.1 - - [`+tm+`] "GET / HTTP/1.1" 200 1 "-" "-"`, ReasonTime, 14)
	}
	// Status out of 100..999 or not a number; bad byte counts.
	for _, s := range []string{"99", "099", "1000", "abc", "2x0", "-1"} {
		f("combined", `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" `+s+` 1 "-" "-"`, ReasonStatus, 59)
	}
	// A missing status: the byte count is read as the status.
	f("combined", `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1"  1 "-" "-"`, ReasonStatus, 60)
	for _, s := range []string{"12a", "1234567890123456789", "-1", "1.5", "0x10"} {
		f("combined", `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 `+s+` "-" "-"`, ReasonBytes, 63)
	}
	// Formats that do not fit the line.
	f("combined", head, ReasonMissing, headLen)
	f("combined", head+` "-"`, ReasonMissing, headLen+4)
	f("common", head+` "-" "-"`, ReasonTrailing, headLen+1)
	f("combined", head+` "-" "-"x`, ReasonTrailing, headLen+8)
	f("combined", head+` "-" "-" abc`, ReasonDuration, headLen+9)
	f("combined", head+` "-" "-" 1 2`, ReasonTrailing, headLen+9)
	f("combined", head+` "-" "-" 1.2.3`, ReasonDuration, headLen+9)
	f("combined", head+` "-" "-" 1.`, ReasonDuration, headLen+9)
	f("combined", head+` "-" "-" 0.1, x`, ReasonDuration, headLen+9)
	f("combined", head+` "-" "-" 0.1,`, ReasonDuration, headLen+9)
	f("combined", head+` "-" "-" 0.1 ,0.2`, ReasonTrailing, headLen+9)
	f("combined", head+` "-" "-" 99999999999999999999`, ReasonDuration, headLen+9)
	f("combined", `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000]"GET / HTTP/1.1" 200 1 "-" "-"`, ReasonRequest, 41)
}

// TestParseOutOfOrder checks that no state leaks between lines: times that
// go back and forth across days, as in elastic apache_logs.
func TestParseOutOfOrder(t *testing.T) {
	p := NewParser(mustNamed(t, "combined"), Options{})
	f := func(tm, want string) {
		t.Helper()
		line := `10.0.0.1 - - [` + tm + `] "GET / HTTP/1.1" 200 1 "-" "-"`
		var r parsers.Record
		if err := p.Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		if got := time.Unix(0, r.Time).UTC().Format(time.RFC3339); got != want {
			t.Fatalf("unexpected time for %q; got %s; want %s", line, got, want)
		}
	}
	f("20/May/2015:21:05:56 +0000", "2015-05-20T21:05:56Z")
	f("20/May/2015:21:05:01 +0000", "2015-05-20T21:05:01Z")
	f("19/May/2015:23:59:59 +0000", "2015-05-19T23:59:59Z")
	f("20/May/2015:00:00:00 +0000", "2015-05-20T00:00:00Z")
	f("20/May/2015:00:00:00 +0330", "2015-05-19T20:30:00Z")
	f("31/Dec/1969:23:59:59 +0000", "1969-12-31T23:59:59Z")
	f("20/May/2015:21:05:56 +0000", "2015-05-20T21:05:56Z")
}

// TestParseAllocs enforces the zero-allocation claim for every kind of
// format, on valid and invalid lines.
func TestParseAllocs(t *testing.T) {
	f := func(fm *Format, line string) {
		t.Helper()
		p := NewParser(fm, Options{})
		var r parsers.Record
		b := []byte(line)
		if n := testing.AllocsPerRun(100, func() { _ = p.Parse(b, &r) }); n != 0 {
			t.Fatalf("unexpected allocations for %q; got %v; want 0", line, n)
		}
	}
	const combined = `83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1)" "-" 0.123`
	for _, name := range []string{"common", "combined", "combined_rt"} {
		fm := mustNamed(t, name)
		f(fm, combined)
		f(fm, `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`)
		f(fm, `46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET / HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1`)
		f(fm, `10.0.0.1 - - [30/Feb/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"`)
		f(fm, "")
	}
	nginx, err := CompileNginx(`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" $request_time $upstream_response_time $time_iso8601 $msec`)
	if err != nil {
		t.Fatal(err)
	}
	f(nginx, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-" "1.2.3.4, 10.0.0.2" 0.012 0.010, 0.002 2020-01-01T00:00:00+00:00 1577836800.000`)
	f(nginx, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-" "-" 0.012 x 2020-01-01T00:00:00+00:00 1577836800.000`)
	apache, err := CompileApache(`%h %l %u %t \"%m %U%q %H\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D`)
	if err != nil {
		t.Fatal(err)
	}
	f(apache, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET /a?b=c HTTP/1.1" 200 1 "-" "-" 1234`)
	f(apache, `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET /a?b=c HTTP/1.1" 200 1 "-" "-" 12x`)
}
