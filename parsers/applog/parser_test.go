package applog

import (
	"errors"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// samples are the application logs of the top-level testdata: every line
// is a record, a continuation or empty.
var samples = []string{
	"lnav_applog_sample.log", "logfile_java.0", "logfile_glog.0", "logfile_multiline.0",
	"gen_spring_boot.log", "gen_python_logging.log", "gen_rails.log", "gen_applog_misc.log",
	"lnav_applog_levelfirst.log", "gen_spark.log", "gen_levelfirst.log",
}

// testNow is the Now of the tests: years are inferred from it.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newTestParser() *Parser { return NewParser(Options{Now: testNow}) }

// TestParseFiles compares the parser with the reference on every sample
// line; each is a record, a continuation or empty.
func TestParseFiles(t *testing.T) {
	p := newTestParser()
	for _, name := range samples {
		records := 0
		for i, line := range parsertest.ReadLines(t, name) {
			var r parsers.Record
			err := p.Parse(line, &r)
			ref := refParse(line, testNow)
			switch {
			case err == nil:
				records++
				if ref.reason != "" || ref.cont {
					t.Fatalf("reference rejects %s:%d: %+v", name, i+1, ref)
				}
				if d := parsertest.RecordDiff(ref.rec, r); d != "" {
					t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", name, i+1, d)
				}
			case err == parsers.ErrContinuation:
				if !ref.cont {
					t.Fatalf("unexpected continuation for %s:%d; reference %+v", name, i+1, ref)
				}
			case len(line) == 0:
			default:
				t.Fatalf("unexpected error for %s:%d; got %v; want nil", name, i+1, err)
			}
		}
		if records == 0 {
			t.Fatalf("unexpected sample %s: no records", name)
		}
	}
}

func TestParseSuccess(t *testing.T) {
	type want struct {
		time       string
		level, msg string
	}
	f := func(line string, w want) {
		t.Helper()
		var r parsers.Record
		if err := newTestParser().Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		got := want{time.Unix(0, r.Time).UTC().Format(time.RFC3339Nano), string(r.Level), string(r.Message)}
		if got != w || r.Kind != parsers.KindApp || r.Status != 0 || r.Bytes != -1 {
			t.Fatalf("unexpected record for %q; got %+v (kind %d); want %+v", line, got, r.Kind, w)
		}
	}
	// Spring Boot: the message after " : ".
	f(`2024-01-02 10:00:00.123 ERROR 1234 --- [main] c.e.App : msg`, want{"2024-01-02T10:00:00.123Z", "ERROR", "msg"})
	f(`2025-01-14T16:10:44.175-07:00  INFO 9 --- [app] [   task-1] e.c.S   : a : b`, want{"2025-01-14T23:10:44.175Z", "INFO", "a : b"})
	// Rails, Python, log4j, logback, Kafka, OpenSearch.
	f(`E, [2024-01-02T10:00:00.123 #1234] ERROR -- : msg`, want{"2024-01-02T10:00:00.123Z", "ERROR", "msg"})
	f(`2024-01-02 10:00:00,123 - app.worker - WARNING - msg`, want{"2024-01-02T10:00:00.123Z", "WARNING", "msg"})
	f(`2024-01-02 10:00:00,123 [main] Fatal c.e.App - msg`, want{"2024-01-02T10:00:00.123Z", "Fatal", "c.e.App - msg"})
	f(`[2024-01-02 10:00:00,123] WARN x`, want{"2024-01-02T10:00:00.123Z", "WARN", "x"})
	f(`[2024-01-02T10:00:00,262][ERROR][o.o.X] y`, want{"2024-01-02T10:00:00.262Z", "ERROR", "[o.o.X] y"})
	f(`2012-07-02 10:22:40,672:DEBUG:foo`, want{"2012-07-02T10:22:40.672Z", "DEBUG", "foo"})
	// Zones; t and a long fraction (truncated to ns).
	f(`2024-01-02t10:00:00.1234567891Z trace m`, want{"2024-01-02T10:00:00.123456789Z", "trace", "m"})
	f(`2024-01-02T10:00:00+0530 critical m`, want{"2024-01-02T04:30:00Z", "critical", "m"})
	f(`2024-01-02T10:00:00-03 panic m`, want{"2024-01-02T13:00:00Z", "panic", "m"})
	// A fraction not followed by a boundary is not the timestamp's.
	f(`2024-01-02T10:00:00.5x notice m`, want{"2024-01-02T10:00:00Z", "notice", "m"})
	// SEVERE is error; Go's log; nginx error.log.
	f(`2024-01-02 10:00:00 SEVERE boom`, want{"2024-01-02T10:00:00Z", "error", "boom"})
	f(`2024/01/02 10:00:00.000123 main.go:9: INFO up`, want{"2024-01-02T10:00:00.000123Z", "INFO", "up"})
	f(`2024/01/02 10:00:00 [error] 31#31: *1 x`, want{"2024-01-02T10:00:00Z", "error", "31#31: *1 x"})
	// syslog: this year, or last year when ahead of now by over a day.
	f(`Feb  3 04:05:06 host app[1]: ERROR x`, want{"2026-02-03T04:05:06Z", "ERROR", "x"})
	f(`Mar 2 11:00:00 host app: info x`, want{"2026-03-02T11:00:00Z", "info", "x"})
	f(`Mar 02 12:00:01 host app: info x`, want{"2025-03-02T12:00:01Z", "info", "x"})
	f(`Dec 31 23:59:59.5 host app: warn x`, want{"2025-12-31T23:59:59.5Z", "warn", "x"})
	// klog and glog: mapped levels, message after ']'.
	f(`E0907 12:34:56.789012    1234 file.go:123] boom`, want{"2025-09-07T12:34:56.789012Z", "error", "boom"})
	f(`W0228 12:34:56 1 a.go:1]`, want{"2026-02-28T12:34:56Z", "warn", ""})
	f(`F0101 00:00:00.1 x`, want{"2026-01-01T00:00:00.1Z", "fatal", "x"})
	f(`I20200308 23:47:32.089828 400441 config.cc:27] Loading`, want{"2020-03-08T23:47:32.089828Z", "info", "Loading"})
	// Levels: a level word in a message only when among the first words.
	f(`2024-01-02 10:00:00 app: connection reset, error 5`, want{"2024-01-02T10:00:00Z", "error", "5"})
	f(`2024-01-02 10:00:00 - error_handler - INFO - x`, want{"2024-01-02T10:00:00Z", "INFO", "x"})
	// log4j's yy/MM/dd (Spark's default layout).
	f(`17/06/09 20:10:52 INFO executor.CoarseGrainedExecutorBackend: Got assigned task 87`, want{"2017-06-09T20:10:52Z", "INFO", "executor.CoarseGrainedExecutorBackend: Got assigned task 87"})
	f(`24/01/02 03:04:05,678 ERROR x`, want{"2024-01-02T03:04:05.678Z", "ERROR", "x"})
	// The level first, then the time among the next words, or no time.
	f(`ERROR 2024-01-02 03:04:05,678 [main] c.e.App - boom`, want{"2024-01-02T03:04:05.678Z", "ERROR", "[main] c.e.App - boom"})
	f(`[WARN] [main] 24/01/02 03:04:05 x`, want{"2024-01-02T03:04:05Z", "WARN", "x"})
	f(`INFO   | jvm 1    | 2015/04/28 18:40:00 | started`, want{"2015-04-28T18:40:00Z", "INFO", "started"})
	f(`SEVERE: Mar 2 11:00:00 x`, want{"2026-03-02T11:00:00Z", "error", "x"})
	f(`WARNING:root:disk almost full`, want{noTime, "WARNING", "root:disk almost full"})
	f(`[ERROR] payment 7 failed`, want{noTime, "ERROR", "payment 7 failed"})
	f(`FATAL`, want{noTime, "FATAL", ""})
	// logrus's terminal layout: seconds since start, or a full time.
	f(`ERRO[0003] upstream failed    error="connection refused"`, want{noTime, "error", `[0003] upstream failed    error="connection refused"`})
	f(`WARN[2026-03-01T10:00:00Z] slow request    path=/x`, want{"2026-03-01T10:00:00Z", "WARN", "slow request    path=/x"})
	f(`2024-01-02 10:00:00 worker DEBU tick`, want{"2024-01-02T10:00:00Z", "debug", "tick"})
	f(`DEBUG a b c d e f 2024-01-02 03:04:05 x`, want{noTime, "DEBUG", "a b c d e f 2024-01-02 03:04:05 x"})
}

// noTime is how TestParseSuccess writes parsers.NoTime.
var noTime = time.Unix(0, parsers.NoTime).UTC().Format(time.RFC3339Nano)

func TestParseFailure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		var r parsers.Record
		err := newTestParser().Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) || se.Reason != reason {
			t.Fatalf("unexpected error for %q; got %v; want %q", line, err, reason)
		}
	}
	f("", ReasonEmpty)
	f("\r", ReasonEmpty)
	f(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, ReasonNoTime)
	f(`{"level":"error","msg":"x"}`, ReasonNoTime)
	f(`level=error msg=x`, ReasonNoTime)
	f(`Info about the release`, ReasonNoTime)
	f(`INFORMATION 2024-01-02 10:00:00 x`, ReasonNoTime)
	f(`Erro ao conectar`, ReasonNoTime)
	f(`2024-01-02 10:00:00 Erro ao conectar`, ReasonNoLevel)
	f(`ERROR_CODE 5`, ReasonNoTime)
	f(`17/06/09 20:10:40x INFO spark`, ReasonNoTime)
	f(`ERROR 2024-13-02 10:00:00 x`, ReasonTime)
	f(`[WARN] 17/02/29 10:00:00 x`, ReasonTime)
	f(`2024-01-02T10:00:00abc ERROR x`, ReasonNoTime)
	f(`2024-01-02T10:00:00+05301 ERROR x`, ReasonNoTime)
	f(`2024-01-02T10:00:00+x ERROR x`, ReasonNoTime)
	f(`Foo  2 10:00:00 host ERROR x`, ReasonNoTime)
	f(`E12345 10:00:00 x`, ReasonNoTime)
	f(`2024-13-02 10:00:00 ERROR x`, ReasonTime)
	f(`2023-02-29 10:00:00 ERROR x`, ReasonTime)
	f(`2024-01-02 24:00:00 ERROR x`, ReasonTime)
	f(`2024-01-02 10:00:60 ERROR x`, ReasonTime)
	f(`2024-01-02T10:00:00+25:00 ERROR x`, ReasonTime)
	f(`1600-01-02 10:00:00 ERROR x`, ReasonTime)
	f(`Feb 30 10:00:00 host ERROR x`, ReasonTime)
	f(`Feb 29 10:00:00 host ERROR x`, ReasonTime) // neither 2026 nor 2025 has one
	f(`E1301 10:00:00.1 x`, ReasonTime)
	f(`I20201301 10:00:00 x`, ReasonTime)
	f(`2024-01-02 10:00:00 listening on :8080`, ReasonNoLevel)
	f(`2024-01-02 10:00:00 INFOrmative app.errors error_handler`, ReasonNoLevel)
	f(`2024-01-02 10:00:00 a b c d e f ERROR`, ReasonNoLevel)
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`, ReasonNoLevel)
	f(`2024-01-02 10:00:00 `+string(make([]byte, 130))+`ERROR`, ReasonNoLevel)
}

func TestParseContinuation(t *testing.T) {
	f := func(line string, want bool) {
		t.Helper()
		var r parsers.Record
		err := newTestParser().Parse([]byte(line), &r)
		if got := err == parsers.ErrContinuation; got != want {
			t.Fatalf("unexpected result for %q; got %v; want continuation: %v", line, err, want)
		}
	}
	f("\tat com.example.App.run(App.java:12)", true)
	f("at com.example.App.run(App.java:12)", true)
	f("    raise KeyError(k)", true)
	f(" ", true)
	f("Caused by: java.io.IOException: x", true)
	f("Suppressed: x", true)
	f(`Exception in thread "main" java.lang.RuntimeException`, true)
	f("Traceback (most recent call last):", true)
	f("... 12 more", true)
	f("java.lang.IllegalStateException: boom", true)
	f("java.lang.OutOfMemoryError", true)
	f("ValueError: bad", true)
	f("Error: boom", true)
	f("During handling of the above exception, another exception occurred:", true)
	f("The above exception was the direct cause of the following exception:", true)
	f("My Error: x", false)
	f("1Error: x", false)
	f(".Error: x", false)
	f("Errors: x", false)
	f("main.main()", false)
	// Python: a class of any name in a module of two levels or more.
	f("requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='gw', port=443)", true)
	f("shop.models.Order.DoesNotExist", true)
	f("shop.models.order: x", false)
	f("socket.Timeout: x", false)
	f("a..B: x", false)
	f("a.1b.C: x", false)
	f("a.b.C.: x", false)
	f("main.go: x", false)
	f("2024-01-02 10:00:00 no level", false)
	f("ERROR: boom", false)
	f("Error: boom", true)
}

func TestNowDefault(t *testing.T) {
	p := NewParser(Options{})
	now := time.Now().UTC()
	if p.nowYear != now.Year() && p.nowYear != now.Year()-1 {
		t.Fatalf("unexpected year; got %d; want %d", p.nowYear, now.Year())
	}
}

func TestParseAllocs(t *testing.T) {
	p := newTestParser()
	var lines [][]byte
	for _, name := range samples {
		lines = append(lines, parsertest.ReadLines(t, name)...)
	}
	parsertest.NoAllocs(t, p, lines, "the samples (records, continuations, empty lines)")
	parsertest.NoAllocs(t, p, [][]byte{
		[]byte(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`),
		[]byte(`2024-13-02 10:00:00 ERROR x`),
		[]byte(`2024-01-02 10:00:00 no level here`),
		[]byte(`Feb 29 10:00:00 host ERROR x`),
	}, "invalid lines")
	parsertest.NoAllocs(t, p, [][]byte{[]byte("\tat x"), []byte("java.lang.X: y"), []byte("Caused by: z")}, "continuation lines")
}
