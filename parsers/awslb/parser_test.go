package awslb

import (
	"errors"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

var samples = []struct {
	file   string
	format Format
}{
	{"lnav_alb_sample.log", ALB},
	{"gen_alb.log", ALB},
	{"lnav_elb_sample.log", ELB},
}

// TestParseFiles compares the parser with the reference on every line of
// the samples; all of them parse.
func TestParseFiles(t *testing.T) {
	for _, s := range samples {
		p := NewParser(s.format)
		for i, line := range parsertest.ReadLines(t, s.file) {
			var r parsers.Record
			if err := p.Parse(line, &r); err != nil {
				t.Fatalf("unexpected error for %s:%d; got %v; want nil", s.file, i+1, err)
			}
			ref, ok := refParse(line, s.format)
			if !ok {
				t.Fatalf("reference rejects %s:%d", s.file, i+1)
			}
			if d := parsertest.RecordDiff(ref, r); d != "" {
				t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", s.file, i+1, d)
			}
		}
	}
}

func TestParseSuccess(t *testing.T) {
	f := func(format Format, line, ts, client, method, host, target string, status, upstatus int, bytes, dur, up int64, ua string) {
		t.Helper()
		var r parsers.Record
		if err := NewParser(format).Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		tm, _ := time.Parse(time.RFC3339Nano, ts)
		got := []any{r.Time, string(r.Client), string(r.Method), string(r.Host), string(r.Target), r.Status, r.UpstreamStatus, r.Bytes, r.Duration, r.Upstream, string(r.UserAgent), r.Kind}
		want := []any{tm.UnixNano(), client, method, host, target, status, upstatus, bytes, dur, up, ua, parsers.KindHTTP}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("unexpected field %d for %q; got %v; want %v", i, line, got, want)
			}
		}
	}
	const arn = ` arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" - -`
	f(ALB, `http 2016-08-10T22:08:42.945958Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - -`+arn,
		"2016-08-10T22:08:42.945958Z", "192.168.131.39", "GET", "www.example.com:80", "/", 200, 200, 366, 1000, 1000, "curl/7.46.0")
	// -1 times: no duration; the ALB's own status with no target status.
	f(ALB, `https 2026-03-01T10:00:01.5Z app/x/1 198.51.100.7:40022 - -1 -1 -1 503 - 190 326 "POST https://h/api?x=1 HTTP/1.1" "-"`,
		"2026-03-01T10:00:01.5Z", "198.51.100.7", "POST", "h", "/api?x=1", 503, 0, 326, -1, -1, "")
	f(ALB, `grpcs 2026-03-01T10:00:03Z app/g/6 [2001:db8::1]:5 10.0.3.3:50051 0.000 0.012 0.0005 200 200 420 88 "POST https://g:443/o.v1.O/Get HTTP/2.0" "grpc-go/1.62.0" x y z "t" "d" "c" 3 2026-03-01T10:00:03Z "forward" "-" "-" "a" "200" "-" "-" TID "new" "fields"`,
		"2026-03-01T10:00:03Z", "2001:db8::1", "POST", "g:443", "/o.v1.O/Get", 200, 200, 88, 12500, 12000, "grpc-go/1.62.0")
	// ELB: TCP listener, no request; a line without user agent.
	f(ELB, `2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001069 0.000028 0.000041 - - 82 305 "- - - " "-" - -`,
		"2015-05-13T23:39:43.945958Z", "192.168.131.39", "", "", "", 0, 0, 305, 1138, 28, "")
	f(ELB, `2015-05-13T23:39:43Z lb 1.2.3.4:1 - 0.1 0.2 0.3 404 404 0 5 "GET http://h/x HTTP/1.1"`,
		"2015-05-13T23:39:43Z", "1.2.3.4", "GET", "h", "/x", 404, 404, 5, 600000, 200000, "")
}

func TestParseFailure(t *testing.T) {
	f := func(format Format, line, reason string) {
		t.Helper()
		var r parsers.Record
		err := NewParser(format).Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) || se.Reason != reason {
			t.Fatalf("unexpected error for %q; got %v; want %q", line, err, reason)
		}
	}
	const good = ` 2016-08-10T22:08:42Z app/lb/5 1.2.3.4:5 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://h/ HTTP/1.1" "curl"`
	f(ALB, "", ReasonEmpty)
	f(ALB, "ftp"+good, ReasonType)
	f(ALB, "http 2016-08-10 22:08:42Z app/lb/5", ReasonMissing)
	f(ALB, `http 2016-08-10T22:08:42Z app/lb/5 1.2.3.4:5 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://h/ HTTP/1.1"`, ReasonMissing)
	f(ALB, `http 2016-08-10T22:08:42Z app/lb/5 1.2.3.4:5 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://h/ HTTP/1.1" "curl`, ReasonQuote)
	f(ALB, `http 2016-13-10T22:08:42Z app/lb/5 1.2.3.4:5 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET / HTTP/1.1" "c"`, ReasonTime)
	f(ALB, `http 2016-08-10T22:08:42Z app/lb/5 1.2.3.4 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET / HTTP/1.1" "c"`, ReasonClient)
	f(ALB, `http 2016-08-10T22:08:42Z app/lb/5 1.2.3.4:5 10.0.0.1:80 0.000 x 0.000 200 200 34 366 "GET / HTTP/1.1" "c"`, ReasonDuration)
	f(ALB, `http 2016-08-10T22:08:42Z app/lb/5 1.2.3.4:5 10.0.0.1:80 0.000 0.001 0.000 20 200 34 366 "GET / HTTP/1.1" "c"`, ReasonStatus)
	f(ALB, `http 2016-08-10T22:08:42Z app/lb/5 1.2.3.4:5 10.0.0.1:80 0.000 0.001 0.000 200 200 34 -1 "GET / HTTP/1.1" "c"`, ReasonBytes)
	// A combined log line is neither.
	const combined = `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8.0"`
	f(ALB, combined, ReasonType)
	f(ELB, combined, ReasonMissing)
	f(ELB, "http"+good, ReasonTime)
}

func TestParseAllocs(t *testing.T) {
	for _, s := range samples {
		p := NewParser(s.format)
		lines := parsertest.ReadLines(t, s.file)
		lines = append(lines, []byte("http junk"), []byte(`2015-05-13T23:39:43Z lb 1.2.3.4:1 - 0.1 0.2 0.3 404 404 0 5 "GET`))
		parsertest.NoAllocs(t, p, lines, s.file)
	}
}
