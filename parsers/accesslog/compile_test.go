package accesslog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// parseWith compiles format with compile and parses line with it.
func parseWith(t *testing.T, compile func(string) (*Format, error), format string, o Options, line string) parsers.Record {
	t.Helper()
	fm, err := compile(format)
	if err != nil {
		t.Fatalf("unexpected error for %q; got %v; want nil", format, err)
	}
	var r parsers.Record
	if err := NewParser(fm, o).Parse([]byte(line), &r); err != nil {
		t.Fatalf("unexpected error for %q in format %q; got %v; want nil", line, format, err)
	}
	return r
}

// withUpstream sets the Upstream that $upstream_response_time fills.
func withUpstream(r parsers.Record, us int64) parsers.Record {
	r.Upstream = us
	return r
}

func withHost(r parsers.Record, host string) parsers.Record {
	r.Host = []byte(host)
	return r
}

func TestCompileNginxSuccess(t *testing.T) {
	f := func(format string, o Options, line string, want parsers.Record) {
		t.Helper()
		if diff := cmp.Diff(want, parseWith(t, CompileNginx, format, o, line)); diff != "" {
			t.Fatalf("unexpected record for %q in format %q (-want +got):\n%s", line, format, diff)
		}
	}
	const combinedRT = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`
	o := Options{}
	f(combinedRT, o, `10.1.2.3 - bob [22/Jan/2019:03:56:14 +0330] "POST /api?x=1 HTTP/1.1" 201 17 "-" "curl/8.0" 0.123`,
		rec(t, "10.1.2.3", "bob", "2019-01-22T00:26:14Z", "POST", "/api?x=1", "HTTP/1.1", 201, 17, 123000, "", "curl/8.0"))
	f(combinedRT, o, `10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] "GET / HTTP/1.1" 200 0 "-" "-" 2.000`,
		rec(t, "10.1.2.3", "", "2019-01-22T00:26:14Z", "GET", "/", "HTTP/1.1", 200, 0, 2000000, "", ""))
	f(combinedRT, Options{DurationUnit: "ms"}, `10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] "GET / HTTP/1.1" 200 0 "-" "-" 2.5`,
		rec(t, "10.1.2.3", "", "2019-01-22T00:26:14Z", "GET", "/", "HTTP/1.1", 200, 0, 2500, "", ""))
	// Opaque variables, quoted or not; braces; ISO time and split request.
	f(`${remote_addr} $host "$http_cookie" [$time_iso8601] "$request_method $request_uri $server_protocol" $status $bytes_sent rt=$request_time ua="$http_user_agent"`, o,
		`::1 example.com "a=1; b=\"2\"" [2019-01-22T03:56:14+03:30] "GET /x?y HTTP/2.0" 404 512 rt=0.001 ua="Go-http-client/1.1"`,
		withHost(rec(t, "::1", "", "2019-01-22T00:26:14Z", "GET", "/x?y", "HTTP/2.0", 404, 512, 1000, "", "Go-http-client/1.1"), "example.com"))
	// $msec; $uri?$args joins into the target; "-" args do not.
	f(`$msec $remote_addr "$request_method $uri?$args" $status $body_bytes_sent`, o,
		`1548116774.123 10.0.0.1 "GET /search?q=go&page=2" 200 -`,
		rec(t, "10.0.0.1", "", "2019-01-22T00:26:14.123Z", "GET", "/search?q=go&page=2", "", 200, -1, -1, "", ""))
	f(`$msec $remote_addr "$request_method $uri?$args" $status $body_bytes_sent`, o,
		`1548116774.123 10.0.0.1 "GET /search?-" 200 -`,
		rec(t, "10.0.0.1", "", "2019-01-22T00:26:14.123Z", "GET", "/search", "", 200, -1, -1, "", ""))
	// $upstream_response_time is summed, and is the duration only without
	// $request_time.
	f(`$remote_addr [$time_local] "$request" $status $body_bytes_sent $upstream_response_time`, o,
		`10.0.0.1 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 502 0 0.010, 0.020 : 0.005`,
		withUpstream(rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 502, 0, 35000, "", ""), 35000))
	f(`$remote_addr [$time_local] "$request" $status $body_bytes_sent $upstream_response_time`, o,
		`10.0.0.1 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 502 0 -, -`,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 502, 0, -1, "", ""))
	f(`$remote_addr [$time_local] "$request" $status $body_bytes_sent $upstream_response_time $request_time`, o,
		`10.0.0.1 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 0 0.010, 0.020 0.040`,
		withUpstream(rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, 0, 40000, "", ""), 30000))
	// X-Forwarded-For: the client only when asked, or when there is no
	// $remote_addr.
	const xff = `$remote_addr [$time_local] "$request" $status $body_bytes_sent "$http_x_forwarded_for"`
	const xffLine = `10.0.0.1 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 0 "203.0.113.9, 10.0.0.7"`
	f(xff, o, xffLine, rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, 0, -1, "", ""))
	f(xff, Options{ClientFromForwardedFor: true}, xffLine, rec(t, "203.0.113.9", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, 0, -1, "", ""))
	f(xff, Options{ClientFromForwardedFor: true}, `10.0.0.1 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 0 "-"`,
		rec(t, "10.0.0.1", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, 0, -1, "", ""))
	f(xff, Options{ClientFromForwardedFor: true}, `10.0.0.1 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 0 "203.0.113.9:4711, 10.0.0.7"`,
		rec(t, "203.0.113.9", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, 0, -1, "", ""))
	f(`"$http_x_forwarded_for" $remote_addr [$time_local] "$request" $status`, Options{ClientFromForwardedFor: true}, `"203.0.113.9" 10.0.0.1 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200`,
		rec(t, "203.0.113.9", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, -1, -1, "", ""))
	f(`$http_x_forwarded_for [$time_local] "$request" $status`, o, `203.0.113.9, 10.0.0.7 [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200`,
		rec(t, "203.0.113.9", "", "2020-01-01T00:00:00Z", "GET", "/", "HTTP/1.1", 200, -1, -1, "", ""))
	// The first of two fields for one Record field wins.
	f(`$time_iso8601 $time_local $status $status`, o, `2020-01-01T00:00:00Z 02/Jan/2020:00:00:00 +0000 200 404`,
		rec(t, "", "", "2020-01-01T00:00:00Z", "", "", "", 200, -1, -1, "", ""))
}

func TestCompileApacheSuccess(t *testing.T) {
	f := func(format string, line string, want parsers.Record) {
		t.Helper()
		if diff := cmp.Diff(want, parseWith(t, CompileApache, format, Options{}, line)); diff != "" {
			t.Fatalf("unexpected record for %q in format %q (-want +got):\n%s", line, format, diff)
		}
	}
	const combinedD = `%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D`
	f(combinedD, `10.1.2.3 - bob [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326 "http://x/" "Mozilla/4.08" 1234`,
		rec(t, "10.1.2.3", "bob", "2000-10-10T20:55:36Z", "GET", "/a", "HTTP/1.0", 200, 2326, 1234, "http://x/", "Mozilla/4.08"))
	f(`%h %t \"%r\" %s %B %T`, `h [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.0" 200 0 3`,
		rec(t, "h", "", "2000-10-10T13:55:36Z", "GET", "/a", "HTTP/1.0", 200, 0, 3000000, "", ""))
	f(`%h %t \"%r\" %s %B %{ms}T`, `h [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.0" 200 0 2500`,
		rec(t, "h", "", "2000-10-10T13:55:36Z", "GET", "/a", "HTTP/1.0", 200, 0, 2500000, "", ""))
	f(`%h %t \"%r\" %s %B %{us}T`, `h [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.0" 200 0 2500`,
		rec(t, "h", "", "2000-10-10T13:55:36Z", "GET", "/a", "HTTP/1.0", 200, 0, 2500, "", ""))
	// %U%q joins into the target; an empty %q leaves the path.
	const split = `%a %v:%p %{sec}t \"%m %U%q %H\" %<s %b %400,501{User-agent}i \"%{X-Forwarded-For}i\" %%`
	f(split, `10.0.0.1 www.example.com:443 1548116774 "GET /search?q=go HTTP/1.1" 200 5 - "-" %`,
		rec(t, "10.0.0.1", "", "2019-01-22T00:26:14Z", "GET", "/search?q=go", "HTTP/1.1", 200, 5, -1, "", ""))
	f(split, `10.0.0.1 www.example.com:443 1548116774 "GET /search HTTP/1.1" 400 5 curl "1.2.3.4" %`,
		rec(t, "10.0.0.1", "", "2019-01-22T00:26:14Z", "GET", "/search", "HTTP/1.1", 400, 5, -1, "", "curl"))
	f(`%{msec}t %{usec}t\t%h %{usec_frac}t %^ti \\%s`, "1548116774123 1548116774123456\th 123456 x \\-",
		rec(t, "h", "", "2019-01-22T00:26:14.123Z", "", "", "", 0, -1, -1, "", ""))
}

func TestCompiledParseFailure(t *testing.T) {
	f := func(compile func(string) (*Format, error), format, line, reason string, pos int) {
		t.Helper()
		fm, err := compile(format)
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", format, err)
		}
		var r parsers.Record
		err = NewParser(fm, Options{}).Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) || se.Reason != reason || se.Pos != pos {
			t.Fatalf("unexpected error for %q in format %q; got %v; want %q at byte %d", line, format, err, reason, pos)
		}
	}
	f(CompileNginx, `$remote_addr $status`, `10.0.0.1 200 extra`, ReasonTrailing, 13)
	f(CompileNginx, `$remote_addr $status`, `10.0.0.1`, ReasonMissing, 8)
	f(CompileNginx, `$remote_addr "$http_user_agent" $status`, `10.0.0.1 "curl 200`, ReasonQuote, 10)
	f(CompileNginx, `$remote_addr "$http_user_agent" $status`, `10.0.0.1 curl" 200`, ReasonUserAgent, 9)
	f(CompileNginx, `$time_iso8601 $status`, `2020-01-01T00:00:00 200`, ReasonTime, 0)
	f(CompileNginx, `$msec $status`, `1577836800.x 200`, ReasonTime, 0)
	f(CompileNginx, `$remote_addr $upstream_response_time`, `10.0.0.1 0.1, x`, ReasonDuration, 9)
	f(CompileNginx, `$remote_addr $request_time`, `10.0.0.1 -0.1`, ReasonDuration, 9)
	f(CompileNginx, `$remote_addr [$time_local] $status`, `10.0.0.1 [01/Jan/2020:00:00:00+0000] 200`, ReasonTime, 10)
	f(CompileApache, `%h %b`, `10.0.0.1 1k`, ReasonBytes, 9)
	f(CompileApache, `%h %>s`, `10.0.0.1 20`, ReasonStatus, 9)
	f(CompileApache, `%h:%{ms}T`, `10.0.0.1:1.5.`, ReasonDuration, 9)
}

func TestCompileFailure(t *testing.T) {
	f := func(compile func(string) (*Format, error), format, want string) {
		t.Helper()
		_, err := compile(format)
		if err == nil || err.Error() != want {
			t.Fatalf("unexpected error for %q; got %v; want %s", format, err, want)
		}
	}
	const prefix = "cannot compile log format: "
	f(CompileNginx, ``, prefix+"format has no fields at position 0")
	f(CompileNginx, `just text`, prefix+"format has no fields at position 0")
	f(CompileNginx, `$remote_addr $`, prefix+"expected a variable name after '$' at position 13")
	f(CompileNginx, `$remote_addr $-`, prefix+"expected a variable name after '$' at position 13")
	f(CompileNginx, `${remote_addr`, prefix+"expected '}' after variable name at position 13")
	f(CompileNginx, `${}`, prefix+"expected a variable name after '$' at position 0")
	f(CompileNginx, `$remote_addr$remote_user`, prefix+"two fields need a separator between them at position 12")
	f(CompileApache, `%h %`, prefix+"expected a directive letter after '%' at position 3")
	f(CompileApache, `%h %{Referer`, prefix+"expected '}' after '{' at position 4")
	f(CompileApache, `%h %Z`, prefix+"unknown directive %Z at position 3")
	f(CompileApache, `%h %{%G}t`, prefix+"unsupported conversion %G in the time format %{%G}t at position 3")
	f(CompileApache, `%h %{min}T`, prefix+"unsupported unit %{min}T at position 3")
	f(CompileApache, `%h \n`, prefix+`unsupported escape; want \", \\ or \t at position 3`)
	f(CompileApache, `%h%u`, prefix+"two fields need a separator between them at position 2")
	f(CompileApache, `%%`, prefix+"format has no fields at position 0")
	f(func(s string) (*Format, error) { return Named(s) }, "nginx", `cannot find log format "nginx"; known formats: traefik_clf, ingress_nginx, ingress_nginx_realip_alt, ingress_nginx_realip, ingress_nginx_realip_noreqid, istio, istio_1_3, istio_1_8, envoy, aws_s3, vcombined, vcombined_noport, combined, combined_rt, common`)
}

func TestFormatName(t *testing.T) {
	f := func(fm *Format, err error, want string) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", want, err)
		}
		if got := fm.Name(); got != want {
			t.Fatalf("unexpected name; got %q; want %q", got, want)
		}
	}
	fm, err := Named("combined")
	f(fm, err, "combined")
	fm, err = Named("combined_rt")
	f(fm, err, "combined + request_time (s)")
	fm, err = CompileNginx(`$remote_addr $status`)
	f(fm, err, `nginx log_format '$remote_addr $status'`)
	fm, err = CompileApache(`%h \"%r\"`)
	f(fm, err, `apache LogFormat "%h \"%r\""`)
}

func TestOptionsValidate(t *testing.T) {
	f := func(unit string, wantOK bool) {
		t.Helper()
		if err := (Options{DurationUnit: unit}).Validate(); (err == nil) != wantOK {
			t.Fatalf("unexpected error for %q; got %v; want ok=%v", unit, err, wantOK)
		}
	}
	f("", true)
	f("s", true)
	f("ms", true)
	f("us", true)
	f("µs", true)
	// Issue 7: the flag promises ns; accesslog and jsonlog share one table.
	f("ns", true)
	f("m", false)
	f("sec", false)
}

// TestCompiledRoundTrip renders the records of every valid line of the
// shared logs in nginx and Apache layouts, with durations in their units,
// and checks that the compiled formats parse them back.
func TestCompiledRoundTrip(t *testing.T) {
	str := func(b []byte) string {
		if b == nil {
			return "-"
		}
		return string(b)
	}
	num := func(n int64) string {
		if n < 0 {
			return "-"
		}
		return strconv.FormatInt(n, 10)
	}
	// ms renders a duration of whole milliseconds in seconds, as nginx.
	ms := func(us int64) string { return fmt.Sprintf("%d.%03d", us/1e6, us/1000%1000) }
	var records []parsers.Record
	for _, name := range []string{"apache_logs", "logfile_shop_access_log.0"} {
		for i, line := range parsertest.ReadLines(t, name) {
			r, ok := refParse(line, true, unitAuto)
			// The layouts write method, target and protocol apart.
			if ok && r.Method != nil && r.Target != nil && r.Proto != nil {
				r.Duration = int64(i*7919%5000) * 1000
				records = append(records, r)
			}
		}
	}
	if len(records) != 10999 {
		t.Fatalf("unexpected number of records; got %d; want 10999", len(records))
	}
	f := func(compile func(string) (*Format, error), format string, hasUser bool, render func(r parsers.Record, tm time.Time, us int64) string) {
		t.Helper()
		fm, err := compile(format)
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", format, err)
		}
		p := NewParser(fm, Options{})
		for _, want := range records {
			if !hasUser {
				want.User = nil
			}
			if strings.Contains(format, "$upstream_response_time") {
				want.Upstream = want.Duration
			}
			s := render(want, time.Unix(0, want.Time).UTC(), want.Duration)
			var r parsers.Record
			if err := p.Parse([]byte(s), &r); err != nil {
				t.Fatalf("unexpected error for %q in %s; got %v; want nil", s, fm.Name(), err)
			}
			if diff := parsertest.RecordDiff(want, r); diff != "" {
				t.Fatalf("unexpected record for %q in %s (-want +got):\n%s", s, fm.Name(), diff)
			}
		}
	}
	f(CompileNginx, `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`, true,
		func(r parsers.Record, tm time.Time, us int64) string {
			return fmt.Sprintf(`%s - %s [%s] "%s %s %s" %d %s "%s" "%s" %s`,
				r.Client, str(r.User), tm.Format("02/Jan/2006:15:04:05 -0700"), r.Method, r.Target, r.Proto,
				r.Status, num(r.Bytes), str(r.Referer), str(r.UserAgent), ms(us))
		})
	f(CompileApache, `%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D`, true,
		func(r parsers.Record, tm time.Time, us int64) string {
			return fmt.Sprintf(`%s - %s [%s] "%s %s %s" %d %s "%s" "%s" %d`,
				r.Client, str(r.User), tm.In(time.FixedZone("", -7*3600)).Format("02/Jan/2006:15:04:05 -0700"), r.Method, r.Target, r.Proto,
				r.Status, num(r.Bytes), str(r.Referer), str(r.UserAgent), us)
		})
	f(CompileNginx, `$time_iso8601 $remote_addr "$request_method $request_uri $server_protocol" $status $body_bytes_sent rt=$upstream_response_time ua="$http_user_agent" ref="$http_referer"`, false,
		func(r parsers.Record, tm time.Time, us int64) string {
			return fmt.Sprintf(`%s %s "%s %s %s" %d %s rt=%s, 0.000 ua="%s" ref="%s"`,
				tm.In(time.FixedZone("", 12600)).Format(time.RFC3339), r.Client, r.Method, r.Target, r.Proto,
				r.Status, num(r.Bytes), ms(us), str(r.UserAgent), str(r.Referer))
		})
	f(CompileApache, `%{msec}t %a \"%m %U%q %H\" %s %B %{ms}T \"%{User-Agent}i\" \"%{Referer}i\"`, false,
		func(r parsers.Record, tm time.Time, us int64) string {
			return fmt.Sprintf(`%d %s "%s %s %s" %d %s %d "%s" "%s"`,
				tm.UnixMilli(), r.Client, r.Method, r.Target, r.Proto,
				r.Status, num(r.Bytes), us/1000, str(r.UserAgent), str(r.Referer))
		})
}
