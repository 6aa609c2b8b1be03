package accesslog

import (
	"os"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

func TestDetectSuccess(t *testing.T) {
	f := func(sample, wantName string, wantN int) *Format {
		t.Helper()
		fm, n, err := Detect([]byte(sample))
		if err != nil {
			t.Fatalf("unexpected error for %.200q; got %v; want nil", sample, err)
		}
		if fm.Name() != wantName || n != wantN {
			t.Fatalf("unexpected format for %.200q; got %q, %d lines; want %q, %d lines", sample, fm.Name(), n, wantName, wantN)
		}
		return fm
	}
	file := func(name string) string {
		t.Helper()
		data, err := os.ReadFile("../../testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	// The shared access logs: 100 lines each, or all there are.
	f(file("apache_logs"), "combined", 100)
	f(file("logfile_shop_access_log.0"), "combined", 100)
	f(file("logfile_access_log.1"), "combined", 1)
	f(file("logfile_bad_access_log.0"), "combined", 3)

	const common = `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`
	const combined = `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8.0"`
	f(common+"\n", "common", 1)
	f(common+" 0.015\n"+common+" 0.020\n", "common + request_time (s)", 2)
	// The most lines win; a last line without '\n' counts only alone.
	f(common+"\n"+combined+"\n"+combined+"\n"+"junk\n"+combined, "combined", 2)
	f(combined, "combined", 1)
	f("\n\n"+combined+"\r\n\n", "combined", 1)
	// Units of a trailing duration: one fraction makes them seconds.
	// Issue 10: integers alone may be a counter or a byte count, never
	// assumed to be milliseconds; --duration-unit gives their unit.
	const ignored = "combined + trailing integer ignored (unit unknown: not taken as a duration; give --duration-unit)"
	fm := f(combined+" 1500\n"+combined+" 2\n", ignored, 2)
	var r parsers.Record
	if err := NewParser(fm, Options{}).Parse([]byte(combined+" 1500"), &r); err != nil || r.Duration != -1 {
		t.Fatalf("unexpected duration for 1500 in %s; got %d, %v; want -1", fm.Name(), r.Duration, err)
	}
	if err := NewParser(fm, Options{DurationUnit: "ms"}).Parse([]byte(combined+" 1500"), &r); err != nil || r.Duration != 1500000 {
		t.Fatalf("unexpected duration for 1500 ms in %s; got %d, %v; want 1500000", fm.Name(), r.Duration, err)
	}
	// ingress-nginx lines cut after $request_length: the byte count is not
	// a latency.
	f(combined+" 512\n"+combined+" 733\n", ignored, 2)
	// Issue 10: a decimal is seconds only written as nginx's
	// $request_time, three decimals on every line ("-" aside); other
	// decimals, or decimals among integers, are ignored with a note.
	fm = f(combined+" 0.012\n"+combined+" 1.250\n"+combined+" -\n", "combined + request_time (s)", 3)
	if err := NewParser(fm, Options{}).Parse([]byte(combined+" 1.250"), &r); err != nil || r.Duration != 1250000 || fm.TailNote() != "" {
		t.Fatalf("unexpected duration for 1.250 in %s; got %d, %v, note %q; want 1250000, no note", fm.Name(), r.Duration, err, fm.TailNote())
	}
	const fraction = "combined + trailing number ignored (unit unknown, not written as nginx's $request_time: not taken as a duration; give --duration-unit)"
	for _, tails := range [][]string{{"2", "0.250", "-"}, {"0.5", "0.25"}, {"12.3456", "0.123"}, {"0.012", "17"}, {"1.5", "2.000"}} {
		sample := ""
		for _, v := range tails {
			sample += combined + " " + v + "\n"
		}
		fm = f(sample, fraction, len(tails))
		if !strings.Contains(fm.TailNote(), "not all written as nginx's $request_time") {
			t.Fatalf("unexpected note for %q; got %q", tails, fm.TailNote())
		}
		for _, v := range tails {
			if err := NewParser(fm, Options{}).Parse([]byte(combined+" "+v), &r); err != nil || r.Duration != -1 {
				t.Fatalf("unexpected duration for %s in %s; got %d, %v; want -1", v, fm.Name(), r.Duration, err)
			}
		}
		if err := NewParser(fm, Options{DurationUnit: "ms"}).Parse([]byte(combined+" 0.5"), &r); err != nil || r.Duration != 500 {
			t.Fatalf("unexpected duration for 0.5 ms in %s; got %d, %v; want 500", fm.Name(), r.Duration, err)
		}
	}
	// Only the first 100 lines count.
	f(strings.Repeat(common+"\n", 100)+strings.Repeat(combined+"\n", 200), "common", 100)
}

func TestDetectFailure(t *testing.T) {
	f := func(sample, want string) {
		t.Helper()
		_, _, err := Detect([]byte(sample))
		if err == nil || err.Error() != want {
			t.Fatalf("unexpected error for %q; got %v; want %s", sample, err, want)
		}
	}
	f("", "cannot detect log format: no line of 0 parses as an access-log format ("+knownNames()+")")
	f("\n \n", "cannot detect log format: no line of 0 parses as an access-log format ("+knownNames()+")")
	f(`{"level":"info","ts":1716723772.6014807}`+"\nfoo\n", "cannot detect log format: no line of 2 parses as an access-log format ("+knownNames()+")")
	f("2015-01-13 00:32:17 100.79.192.81 GET /robots.txt - 80 - 157.55.39.146 Mozilla/5.0 - 404 0 2 1405 242 283\n",
		"cannot detect log format: no line of 1 parses as an access-log format ("+knownNames()+")")
}

// TestDetectEnvoyIstio: Istio's lines start as Envoy's, then differ after
// the flags. Neither format reads a line of the other, so each sample
// keeps its own, and in a mix the one with more lines wins.
func TestDetectEnvoyIstio(t *testing.T) {
	envoy, istio := mustNamed(t, "envoy"), mustNamed(t, "istio")
	envoyLines := parsertest.ReadLines(t, "gen_envoy.log")
	istioLines := append(parsertest.ReadLines(t, "istio_docs.log"), parsertest.ReadLines(t, "istio_gen.log")...)
	f := func(fm *Format, lines [][]byte, want int) {
		t.Helper()
		if got := tryFormat(fm, lines).n; got != want {
			t.Fatalf("unexpected lines parsed by %s; got %d; want %d", fm.Name(), got, want)
		}
	}
	f(envoy, envoyLines, len(envoyLines))
	f(istio, envoyLines, 0)
	f(istio, istioLines, len(istioLines))
	f(envoy, istioLines, 0)
	// The examples of --list-formats too.
	f(envoy, [][]byte{[]byte(builtinInfo(t, "istio").example)}, 0)
	f(istio, [][]byte{[]byte(builtinInfo(t, "envoy").example)}, 0)
	detect := func(lines [][]byte, want string, wantN int) {
		t.Helper()
		fm, n, err := Detect(joinLines(lines))
		if err != nil || fm.Name() != want || n != wantN {
			t.Fatalf("unexpected detection of %d lines; got %v, %d, %v; want %s, %d", len(lines), fm, n, err, want, wantN)
		}
	}
	detect(envoyLines, "envoy", len(envoyLines))
	detect(istioLines, "istio", len(istioLines))
	detect(append(append([][]byte(nil), envoyLines...), istioLines[:2]...), "envoy", len(envoyLines))
	detect(append(append([][]byte(nil), envoyLines[:1]...), istioLines...), "istio", len(istioLines))
}

// builtinInfo returns the built-in format named name.
func builtinInfo(t *testing.T, name string) builtin {
	t.Helper()
	for _, b := range builtins {
		if b.name == name {
			return b
		}
	}
	t.Fatalf("unexpected built-in %q; got none", name)
	return builtin{}
}
