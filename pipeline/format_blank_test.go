package pipeline_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"
)

// A Spring Boot error as it writes one: a blank line between the log line
// and the exception (DispatcherServlet's "with root cause").
const springTrace = `2026-03-01T10:00:05.432Z ERROR 1 --- [nio-8080-exec-3] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception [Request processing failed: java.lang.IllegalStateException: payment gateway unavailable] with root cause

java.lang.IllegalStateException: payment gateway unavailable
	at com.example.shop.payments.GatewayClient.charge(GatewayClient.java:87) ~[!/:1.4.2]
	at com.example.shop.web.PaymentController.charge(PaymentController.java:29) ~[!/:1.4.2]
	... 48 common frames omitted
Caused by: java.net.SocketTimeoutException: Read timed out
	at java.base/sun.nio.ch.NioSocketImpl.timedFinishRead(NioSocketImpl.java:278) ~[na:na]
	... 52 common frames omitted
2026-03-01T10:00:06.020Z  INFO 1 --- [nio-8080-exec-4] o.s.web.servlet.DispatcherServlet        : GET "/actuator/health", parameters={}
`

// A Python logging.exception of a chained exception: the traceback
// module writes a blank line before and after "During handling ...".
const pythonTrace = `2026-03-01 10:00:05,123 ERROR shop.pay: charge failed
Traceback (most recent call last):
  File "/app/shop/pay.py", line 12, in charge
    resp = client.post(url, json=body)
  File "/app/shop/client.py", line 40, in post
    raise GatewayError("timeout")
shop.client.GatewayError: timeout

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/shop/client.py", line 31, in post
    return session.post(url, json=body, timeout=2)
requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='gw', port=443): Max retries exceeded

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/shop/pay.py", line 14, in charge
    raise PaymentError("gateway unavailable")
shop.pay.PaymentError: gateway unavailable
2026-03-01 10:00:06,000 INFO shop.pay: retrying

2026-03-01 10:00:07,000 INFO shop.pay: charged
`

// refBlank is the reference reading of an application log: a line with
// a leading time is a record; a blank line, or a stack-trace line
// (indented, "at ", "...", "Caused by:", "Traceback (", "During handling",
// "The above exception", an exception name or a module's class), is a
// continuation.
var (
	refRecord = regexp.MustCompile(`^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d`)
	refCont   = regexp.MustCompile(`^$|^[ \t]|^at |^\.\.\.|^Caused by:|^Traceback \(|^During handling|^The above exception|^[\w.$]+(Exception|Error)(:|$)|^\w+\.\w+(\.\w+)*\.[A-Z]\w*(:|$)`)
)

// TestBlankLines: a blank line in an application log (json, logfmt,
// applog) belongs to the entry above, as a stack trace does, and is not
// malformed; in an access log, whose every line is a request, it is.
func TestBlankLines(t *testing.T) {
	f := func(data string, o pipeline.Options, wantFormat string) {
		t.Helper()
		var records, conts, other uint64
		for _, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
			switch {
			case refRecord.MatchString(line) || strings.HasPrefix(line, "{") || strings.HasPrefix(line, "level="):
				records++
			case refCont.MatchString(line):
				conts++
			default:
				other++
			}
		}
		in := runBytes(t, []byte(data), o).Input
		if in.Format != wantFormat || in.Parsed != records || in.Continuations != conts || in.Malformed != other {
			t.Fatalf("unexpected reading of %.80q; got format %s, parsed %d, continuations %d, malformed %d (%v); want %s, %d, %d, %d",
				data, in.Format, in.Parsed, in.Continuations, in.Malformed, in.MalformedReasons, wantFormat, records, conts, other)
		}
	}
	f(springTrace, pipeline.Options{}, "applog")
	f(pythonTrace, pipeline.Options{}, "applog")
	// Blank lines first, between and last; and several workers, small
	// batches: a blank line is judged alone, wherever a batch ends.
	f("\n\n"+springTrace+"\n"+pythonTrace+"\n\n", pipeline.Options{Workers: 3}, "applog")
	// JSON and logfmt loggers, a trace printed by the runtime between.
	trace := springTrace[strings.Index(springTrace, "java.lang"):strings.LastIndex(springTrace, "2026-")]
	f(`{"level":"error","msg":"boom"}`+"\n\n"+trace+`{"level":"info","msg":"ok"}`+"\n", pipeline.Options{}, "json")
	f("level=error msg=boom\n\nlevel=info msg=ok\n\n", pipeline.Options{}, "logfmt")

	// An access log: a blank line is malformed.
	in := runBytes(t, []byte(sampleLine+"\n\n"+sampleLine+"\n"), pipeline.Options{}).Input
	if in.Parsed != 2 || in.Malformed != 1 || in.Continuations != 0 || in.MalformedReasons[0].Key != "empty line" {
		t.Fatalf("unexpected reading of a blank line in an access log; got parsed %d, malformed %d %v, continuations %d; want 2, 1 empty line, 0",
			in.Parsed, in.Malformed, in.MalformedReasons, in.Continuations)
	}
}
