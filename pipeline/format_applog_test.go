package pipeline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// These tests touch only format.go: the applog format, its detection and
// the fallback parser of mixed files.

func sampleLines(t *testing.T, name string) [][]byte {
	t.Helper()
	return bytes.Split(bytes.TrimSuffix(readTestdata(t, name), []byte("\n")), []byte("\n"))
}

// TestDetectAppLog detects every application-log sample with no flags,
// stack-trace lines included in the count.
func TestDetectAppLog(t *testing.T) {
	f := func(file, evidence string) {
		t.Helper()
		fm, err := chooseFormat(&Options{}, readTestdata(t, file))
		if err != nil || fm.name != appLogName || fm.evidence != evidence {
			t.Fatalf("unexpected format for %s; got %+v, %v; want applog, %q", file, fm, err, evidence)
		}
	}
	f("lnav_applog_sample.log", "detected: 27 of 27 sample lines")
	f("logfile_java.0", "detected: 20 of 20 sample lines")
	f("logfile_glog.0", "detected: 7 of 7 sample lines")
	f("logfile_multiline.0", "detected: 3 of 3 sample lines")
	f("gen_spring_boot.log", "detected: 18 of 18 sample lines")
	f("gen_python_logging.log", "detected: 23 of 23 sample lines")
	f("gen_rails.log", "detected: 9 of 9 sample lines")
	f("gen_applog_misc.log", "detected: 12 of 12 sample lines")
	f("lnav_applog_levelfirst.log", "detected: 4 of 4 sample lines")
	f("gen_spark.log", "detected: 11 of 11 sample lines")
	f("gen_levelfirst.log", "detected: 15 of 15 sample lines")
}

// TestDetectMixed: a file of access (or router) lines and application
// lines goes to the HTTP format, credited with the application lines,
// even where those outnumber its own lines.
func TestDetectMixed(t *testing.T) {
	f := func(file, name, evidence string) {
		t.Helper()
		fm, err := chooseFormat(&Options{}, readTestdata(t, file))
		if err != nil || fm.name != name || fm.evidence != evidence || fm.fallback == nil {
			t.Fatalf("unexpected format for %s; got %+v, %v; want %s, %q, with a fallback", file, fm, err, name, evidence)
		}
	}
	// 6 access lines, 16 klog and nginx error lines, 4 banner lines
	// indented (continuations), 2 banner lines read by nothing.
	f("gen_ingress_nginx_mixed.log", "ingress_nginx", "detected: 26 of 29 sample lines, 20 of them application lines (next best: applog, 20 lines)")
	// 3 router lines, 5 app lines, 1 "State changed" line without a level.
	f("gen_heroku_mixed.log", "logfmt", "detected: 8 of 9 sample lines, 5 of them application lines (next best: applog, 8 lines)")
	// The router alone: applog reads every line too (at=info), and loses
	// the tie rather than making it ambiguous.
	f("gen_heroku_router.log", "logfmt", "detected: 5 of 5 sample lines (next best: applog, 5 lines)")
	app, _ := chooseFormat(&Options{Format: appLogName}, nil)
	p := app.newParser()
	var r parsers.Record
	for _, line := range sampleLines(t, "gen_heroku_router.log") {
		if err := p.Parse(line, &r); err != nil {
			t.Fatalf("unexpected error of applog for %q; got %v; want a tie with logfmt", line, err)
		}
	}
}

// TestDetectAppLogNeverOverAccess: application lines among access lines
// never make the input applog, nor ambiguous.
func TestDetectAppLogNeverOverAccess(t *testing.T) {
	access := `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /error HTTP/1.0" 500 1 "-" "curl/8.0"` + "\n"
	app := "2000-10-10 13:55:37,000 ERROR boom\n\tat x.y(Z.java:1)\n"
	for _, sample := range []string{access, access + app, access + strings.Repeat(app, 30), strings.Repeat(app, 30) + access} {
		fm, err := chooseFormat(&Options{}, []byte(sample))
		if err != nil || fm.name != "combined" {
			t.Fatalf("unexpected format for %.200q; got %+v, %v; want combined", sample, fm, err)
		}
	}
}

// TestMixedFallback reads each mixed sample as the engine will: the
// format's parser, then its fallback on the lines it rejects. The
// fallback reads every klog, nginx error and app line (records of kind
// app, never HTTP) and the indented banner lines (continuations); what
// neither reads is the known rest. It never changes a line the format's
// parser reads: it is not even asked.
func TestMixedFallback(t *testing.T) {
	f := func(file string, wantHTTP, wantApp, wantCont int, unread ...string) {
		t.Helper()
		fm, err := chooseFormat(&Options{}, readTestdata(t, file))
		if err != nil {
			t.Fatal(err)
		}
		p, fb := fm.newParser(), fm.fallback()
		var r parsers.Record
		var http, app, cont int
		var rest []string
		for _, line := range sampleLines(t, file) {
			if len(line) == 0 {
				continue // the engine counts empty lines before parsing
			}
			if err := p.Parse(line, &r); err == nil {
				if r.Kind == parsers.KindHTTP {
					http++
				} else {
					app++
				}
				continue
			}
			switch err := fb.Parse(line, &r); {
			case err == parsers.ErrContinuation:
				cont++
			case err != nil:
				rest = append(rest, string(line))
			case r.Kind != parsers.KindApp:
				t.Fatalf("unexpected kind %d from the fallback for %q; want app", r.Kind, line)
			case r.Level == nil || r.Time == parsers.NoTime:
				t.Fatalf("unexpected app record for %q; got level %q, time %d", line, r.Level, r.Time)
			default:
				app++
			}
		}
		if http != wantHTTP || app != wantApp || cont != wantCont || strings.Join(rest, "\n") != strings.Join(unread, "\n") {
			t.Fatalf("unexpected reading of %s; got %d http, %d app, %d continuations, unread %q; want %d, %d, %d, %q",
				file, http, app, cont, rest, wantHTTP, wantApp, wantCont, unread)
		}
	}
	dashes := strings.Repeat("-", 79)
	f("gen_ingress_nginx_mixed.log", 6, 16, 4, dashes, "NGINX Ingress controller", dashes)
	f("gen_heroku_mixed.log", 3, 5, 0, "2026-03-01T10:00:02.000000+00:00 heroku[web.1]: State changed from starting to up")
}

// TestMixedFallbackParsers: which parsers a format's fallback tries.
func TestMixedFallbackParsers(t *testing.T) {
	klog := []byte(`E0301 10:00:01.600000       7 reflector.go:147] watch failed`)
	jsonApp := []byte(`{"level":"error","msg":"boom"}`)
	jsonHTTP := []byte(`{"status":200,"method":"GET","uri":"/"}`)
	logfmtApp := []byte(`level=error msg=boom`)
	f := func(format string, line []byte, want bool) {
		t.Helper()
		fm, err := chooseFormat(&Options{Format: format}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var r parsers.Record
		if got := fm.fallback().Parse(line, &r) == nil; got != want {
			t.Fatalf("unexpected result of the %s fallback for %q; got %v; want %v", format, line, got, want)
		}
	}
	for _, name := range []string{"combined", "ingress_nginx", "aws_alb", "haproxy", "w3c"} {
		f(name, klog, true)
		f(name, jsonApp, true)
		f(name, jsonHTTP, false)
		f(name, logfmtApp, true)
	}
	f("logfmt", klog, true)
	f("logfmt", jsonApp, true)
	f("json", logfmtApp, true)
	f("json", klog, true)
	f(appLogName, jsonApp, true)
	f(appLogName, klog, false) // applog itself already read or rejected it
	fm, err := chooseFormat(&Options{LogFormat: `$remote_addr [$time_local] "$request" $status`}, nil)
	if err != nil || fm.fallback == nil {
		t.Fatalf("unexpected format for --log-format; got %+v, %v; want a fallback", fm, err)
	}
}

func TestMixedFallbackAllocs(t *testing.T) {
	fm, err := chooseFormat(&Options{}, readTestdata(t, "gen_ingress_nginx_mixed.log"))
	if err != nil {
		t.Fatal(err)
	}
	fb := fm.fallback()
	lines := append(sampleLines(t, "gen_ingress_nginx_mixed.log"), sampleLines(t, "gen_heroku_mixed.log")...)
	lines = append(lines, []byte(`{"level":"error","msg":"boom"}`), []byte(`level=error msg=boom`), []byte("\tat x"))
	var r parsers.Record
	if n := testing.AllocsPerRun(20, func() {
		for _, line := range lines {
			_ = fb.Parse(line, &r)
		}
	}); n >= 1 {
		t.Fatalf("unexpected allocations of the fallback; got %v per run; want 0", n)
	}
}
