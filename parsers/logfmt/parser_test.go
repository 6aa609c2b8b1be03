package logfmt

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

var samples = []string{"logfile_logfmt.0", "gen_slog_text.log", "gen_heroku_router.log", "logrus_text.log", "go_slog_text.log"}

// TestParseFiles compares the parser with the reference on every sample
// line; all of them parse.
func TestParseFiles(t *testing.T) {
	p := NewParser(Options{})
	for _, name := range samples {
		for i, line := range parsertest.ReadLines(t, name) {
			var r parsers.Record
			if err := p.Parse(line, &r); err != nil {
				t.Fatalf("unexpected error for %s:%d; got %v; want nil", name, i+1, err)
			}
			ref, reason := refParse(line, "")
			if reason != "" {
				t.Fatalf("reference rejects %s:%d: %s", name, i+1, reason)
			}
			if d := parsertest.RecordDiff(ref, r); d != "" {
				t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", name, i+1, d)
			}
		}
	}
}

func TestParseSuccess(t *testing.T) {
	type want struct {
		kind           parsers.Kind
		status         int
		zero           bool
		method, target string
		client, host   string
		level, msg     string
		dur, up        int64
		time           int64
	}
	f := func(line string, w want) {
		t.Helper()
		var r parsers.Record
		if err := NewParser(Options{}).Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		got := want{r.Kind, r.Status, r.ZeroStatus, string(r.Method), string(r.Target), string(r.Client), string(r.Host), string(r.Level), string(r.Message), r.Duration, r.Upstream, timeOrZero(r.Time)}
		if got != w {
			t.Fatalf("unexpected record for %q; got %+v; want %+v", line, got, w)
		}
	}
	// Heroku router: connect + service, service as upstream, fwd list.
	f(`2026-03-01T10:00:00.5+00:00 heroku[router]: at=info method=GET path="/" host=a.herokuapp.com fwd="1.2.3.4, 10.0.0.1" dyno=web.1 connect=1ms service=23ms status=200 bytes=13 protocol=https`,
		want{kind: parsers.KindHTTP, status: 200, method: "GET", target: "/", client: "1.2.3.4", host: "a.herokuapp.com", dur: 24000, up: 23000, time: 1772359200500000000})
	// slog text: Go durations; a service that is not a duration is ignored.
	// level, msg and a status, no method or path: an application line.
	f(`time=2026-03-01T10:00:00Z level=INFO msg="a \"b\"" status=404 duration=1.5ms service=payments`,
		want{kind: parsers.KindApp, status: 404, level: "INFO", msg: `a "b"`, dur: 1500, up: -1, time: 1772359200000000000})
	// Numbers: a fraction is seconds, an integer ms, a suffix wins.
	f(`msg=x duration=0.25`, want{kind: parsers.KindApp, msg: "x", dur: 250000, up: -1})
	f(`msg=x duration=25`, want{kind: parsers.KindApp, msg: "x", dur: 25000, up: -1})
	f(`msg=x elapsed=9 latency_us=25`, want{kind: parsers.KindApp, msg: "x", dur: 25, up: -1})
	f(`msg=x took_ns=2500`, want{kind: parsers.KindApp, msg: "x", dur: 2, up: -1})
	// logrus: status=Pending is not an HTTP status; flags are skipped.
	f(`time="2021-09-15T21:17:10Z" level=error msg=m status=Pending flag`, want{kind: parsers.KindApp, level: "error", msg: "m", dur: -1, up: -1, time: 1631740630000000000})
	// Status 0: no response sent.
	f(`method=GET path=/ status=0`, want{kind: parsers.KindHTTP, zero: true, method: "GET", target: "/", dur: -1, up: -1})
	// t and ts; epoch numbers.
	f(`t=1700000000 msg=x`, want{kind: parsers.KindApp, msg: "x", dur: -1, up: -1, time: 1700000000000000000})
	f(`ts=1700000000123 lvl=info`, want{kind: parsers.KindApp, level: "info", dur: -1, up: -1, time: 1700000000123000000})
}

func TestParseFailure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		var r parsers.Record
		err := NewParser(Options{}).Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) || se.Reason != reason {
			t.Fatalf("unexpected error for %q; got %v; want %q", line, err, reason)
		}
	}
	f("", ReasonEmpty)
	f("   ", ReasonEmpty)
	f(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, ReasonSyntax)
	f(`{"msg":"json"}`, ReasonSyntax)
	f(`msg="unterminated`, ReasonSyntax)
	f(`msg="a"b`, ReasonSyntax)
	f(`msg=a"b`, ReasonSyntax)
	f(`just some words`, ReasonNoPairs)
	f(`a=1 b=2`, ReasonNoFields)
	f(`time=yesterday msg=x`, ReasonTime)
	f(`time=2026-03-01T10:00:00 msg=x`, ReasonTime)
	f(`status=99 path=/`, ReasonStatus)
	f(`bytes=1k path=/`, ReasonBytes)
	f(`duration=fast path=/`, ReasonDuration)
	f(`duration=-1ms path=/`, ReasonDuration)
}

func TestParseAllocs(t *testing.T) {
	p := NewParser(Options{})
	var lines [][]byte
	for _, name := range samples {
		lines = append(lines, parsertest.ReadLines(t, name)...)
	}
	lines = append(lines, []byte(`msg="x\ty" ua="a\"b"`), []byte(`junk "x`), []byte(`status=1 path=/`))
	parsertest.NoAllocs(t, p, lines, "the samples and three odd lines")
}

// timeOrZero writes parsers.NoTime as 0, so that the cases above list a
// time only when the line has one.
// TestParseLeadingKey: a leading bare key is the time only when it is
// one. The logrus text formatter's TTY layout starts with "INFO[0000]"
// (seconds since start): such a line has no time; it was read at the
// Unix epoch, the report's time range starting in 1970 (issue 10).
func TestParseLeadingKey(t *testing.T) {
	f := func(line string, want int64) {
		t.Helper()
		var r parsers.Record
		err := NewParser(Options{}).Parse([]byte(line), &r)
		ref, reason := refParse([]byte(line), "")
		if err != nil || reason != "" || r.Time != want || ref.Time != want {
			t.Fatalf("unexpected time for %q; got %d, %v; reference %d, %q; want %d", line, r.Time, err, ref.Time, reason, want)
		}
	}
	f(`WARN[0002] slow request   path=/api/orders status=200 duration=1.2s`, parsers.NoTime)
	f(`web.1 msg=x level=info`, parsers.NoTime)
	f(`2026-03-01T10:00:00Z app: msg=x level=info`, 1772359200e9)
}

func timeOrZero(t int64) int64 {
	if t == parsers.NoTime {
		return 0
	}
	return t
}

// TestParseFields checks the --field mappings (Options.Fields): a mapped
// key ranks before the own names, in the order given; the reference
// agrees on each line.
func TestParseFields(t *testing.T) {
	f := func(specs, line string, check func(r *parsers.Record) bool) {
		t.Helper()
		fs, err := parsers.ParseFieldSpecs(strings.Fields(specs))
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v", specs, err)
		}
		o := Options{Fields: fs}
		if err := o.Validate(); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", specs, err)
		}
		var r parsers.Record
		if err := NewParser(o).Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q with %q; got %v; want nil", line, specs, err)
		}
		if !check(&r) {
			t.Fatalf("unexpected record for %q with %q; got %+v", line, specs, r)
		}
		ref, reason := refParseFields([]byte(line), "", fs)
		if reason != "" {
			t.Fatalf("reference rejects %q with %q: %s", line, specs, reason)
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %q with %q (-reference +got):\n%s", line, specs, d)
		}
	}
	// slog's text handler writes a group's keys as "group.key".
	f("status=http.status_code method=req.method path=req.path", `time=2026-03-01T10:00:00Z level=INFO msg=done req.method=GET req.path=/x http.status_code=503 status=200`,
		func(r *parsers.Record) bool {
			return r.Status == 503 && string(r.Method) == "GET" && string(r.Target) == "/x" && r.Kind == parsers.KindHTTP
		})
	// The first mapping present wins.
	f("path=route path=target", `target=/t route=/r path=/p`, func(r *parsers.Record) bool { return string(r.Target) == "/r" })
	f("path=route path=target", `path=/p target=/t`, func(r *parsers.Record) bool { return string(r.Target) == "/t" })
	// A mapped key loses its own role: path is the message, not the
	// target; t below is a duration, not the time.
	f("msg=path", `path=/p`, func(r *parsers.Record) bool {
		return string(r.Message) == "/p" && r.Target == nil && r.Kind == parsers.KindApp
	})
	// Units: the name's suffix, else the own rule.
	f("duration=t_us", `msg=m t_us=1500 duration=9`, func(r *parsers.Record) bool { return r.Duration == 1500 })
	f("duration=t", `msg=m t=0.5`, func(r *parsers.Record) bool { return r.Duration == 500000 })
	f("duration=t", `msg=m t=12ms`, func(r *parsers.Record) bool { return r.Duration == 12000 })
	// Every role.
	f("time=when level=sev msg=text status=code method=verb path=route proto=p client=peer host=vhost user_agent=agent referer=from user=who bytes=len",
		`when=1700000000 sev=warn text=t code=404 verb=PUT route=/r p=HTTP/2 peer=10.0.0.1 vhost=h agent="a b" from=f who=7 len=12`,
		func(r *parsers.Record) bool {
			return r.Time == 1700000000e9 && string(r.Level) == "warn" && string(r.Message) == "t" && r.Status == 404 &&
				string(r.Method) == "PUT" && string(r.Target) == "/r" && string(r.Proto) == "HTTP/2" && string(r.Client) == "10.0.0.1" &&
				string(r.Host) == "h" && string(r.UserAgent) == "a b" && string(r.Referer) == "f" && string(r.User) == "7" && r.Bytes == 12
		})
}

func TestParseFieldsAllocs(t *testing.T) {
	fs, err := parsers.ParseFieldSpecs([]string{"status=http.status_code", "path=req.path", "duration=t_ns"})
	if err != nil {
		t.Fatal(err)
	}
	lines := [][]byte{
		[]byte(`time=2026-03-01T10:00:00Z level=INFO msg=done req.path=/x http.status_code=503 t_ns=1500`),
		[]byte(`http.status_code=x path=/`),
		[]byte(`msg="a \"b\"" req.path="/q\t"`),
	}
	parsertest.NoAllocs(t, NewParser(Options{Fields: fs}), lines, "lines with mapped fields")
}
