package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/metrics"
)

// These tests touch only format.go: format choice and detection.

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDetectSamples detects every shared sample with no flags.
func TestDetectSamples(t *testing.T) {
	f := func(file, want string) {
		t.Helper()
		fm, err := chooseFormat(&Options{}, readTestdata(t, file))
		if err != nil {
			t.Fatalf("unexpected error for %s; got %v; want format %q", file, err, want)
		}
		if fm.name != want {
			t.Fatalf("unexpected format for %s; got %q; want %q", file, fm.name, want)
		}
		if !strings.HasPrefix(fm.evidence, "detected: ") {
			t.Fatalf("unexpected evidence for %s; got %q", file, fm.evidence)
		}
	}
	f("apache_logs", "combined")
	f("logfile_shop_access_log.0", "combined")
	f("logfile_caddy_log.1", "json")
	f("logfile_caddy_log.0", "json")
	f("lnav_alb_sample.log", "aws_alb")
	f("gen_alb.log", "aws_alb")
	f("lnav_elb_sample.log", "aws_elb")
	f("logfile_logfmt.0", "logfmt")
	f("gen_slog_text.log", "logfmt")
	f("gen_heroku_router.log", "logfmt")
	f("gen_traefik_clf.log", "traefik_clf")
	f("gen_ingress_nginx.log", "ingress_nginx")
	f("gen_ingress_nginx_0x.log", "ingress_nginx_realip")
	f("gen_envoy.log", "envoy")
	f("gen_vcombined.log", "vcombined")
	f("logfile_w3c_big.0", "w3c")
	f("logfile_w3c.1", "w3c")
	f("gen_w3c_fields_change.log", "w3c")
	f("gen_cloudfront.log", "cloudfront")
	f("lnav_s3_sample.log", "aws_s3")
	f("logfile_haproxy.0", "haproxy")
	f("gen_haproxy.log", "haproxy")
}

// TestDetectW3C: the parser follows #Fields per input (perSource) and
// directive lines are parsers.ErrDirective, not malformed.
func TestDetectW3C(t *testing.T) {
	data := readTestdata(t, "gen_w3c_fields_change.log")
	fm, err := chooseFormat(&Options{}, data)
	if err != nil || !fm.perSource {
		t.Fatalf("unexpected format; got %+v, %v; want w3c, per source", fm, err)
	}
	p := fm.newParser()
	var r parsers.Record
	records, directives := 0, 0
	for _, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		switch err := p.Parse(line, &r); {
		case err == nil:
			records++
		case errors.Is(err, parsers.ErrDirective):
			directives++
		default:
			t.Fatalf("unexpected error for %q; got %v", line, err)
		}
	}
	if records != 4 || directives != 8 {
		t.Fatalf("unexpected counts; got %d records, %d directives; want 4, 8", records, directives)
	}
}

// TestDetectLongFirstLine: issue 12, a valid log whose first line is over
// 64 KiB was rejected whole; over-long lines are skipped, the rest judged.
func TestDetectLongFirstLine(t *testing.T) {
	long := `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /` + strings.Repeat("a", 70<<10) + ` HTTP/1.0" 200 1 "-" "curl/8.0"`
	line := `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "curl/8.0"`
	fm, err := chooseFormat(&Options{}, []byte(long+"\n"+line+"\n"+line+"\n"))
	if err != nil || fm.name != "combined" || fm.evidence != "detected: 2 of 2 sample lines" {
		t.Fatalf("unexpected result for a long first line; got %v, %v; want combined from 2 lines", fm, err)
	}
	// Only the long line: the error shows it (cut), not an empty list.
	_, err = chooseFormat(&Options{}, []byte(long+"\n"))
	var fe *FormatError
	if !errors.As(err, &fe) || len(fe.Sample) != 1 || len(fe.Sample[0]) != 256 {
		t.Fatalf("unexpected error for one long line; got %v; want a FormatError showing the line", err)
	}
}

func TestDetectFailure(t *testing.T) {
	f := func(sample string, ambiguous ...string) {
		t.Helper()
		_, err := chooseFormat(&Options{}, []byte(sample))
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("unexpected error for %.100q; got %v; want a FormatError", sample, err)
		}
		if strings.Join(fe.Ambiguous, ",") != strings.Join(ambiguous, ",") {
			t.Fatalf("unexpected ambiguity for %.100q; got %q; want %q", sample, fe.Ambiguous, ambiguous)
		}
	}
	f("")
	f("\n\n")
	f("hello world\nno format here\n")
	// Half JSON, half logfmt, all the way: reported, not guessed.
	half := strings.Repeat(`{"msg":"a","level":"info"}`+"\n"+`level=info msg=b`+"\n", 100)
	f(half, "json", "logfmt")
}

func TestDetectTieBrokenLater(t *testing.T) {
	half := strings.Repeat(`{"msg":"a","level":"info"}`+"\n"+`level=info msg=b`+"\n", 50)
	later := strings.Repeat(`{"msg":"c","level":"warn"}`+"\n", 20)
	fm, err := chooseFormat(&Options{}, []byte(half+later))
	if err != nil || fm.name != "json" || fm.evidence != "detected: 70 of 120 sample lines (next best: logfmt, 50 lines); json and logfmt tied on the first 100 lines, decided by the later ones" {
		t.Fatalf("unexpected result; got %+v, %v; want json from 70 of 120 lines, the tie said", fm, err)
	}
}

// TestDetectTrailingInteger: issue 10, a combined log ending in a counter
// or a byte count is not read as durations in ms.
func TestDetectTrailingInteger(t *testing.T) {
	const line = `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "curl/8.0" `
	fm, err := chooseFormat(&Options{}, []byte(line+"512\n"+line+"733\n"))
	if err != nil || !strings.Contains(fm.name, "trailing integer ignored") {
		t.Fatalf("unexpected format; got %v, %v; want the trailing integer ignored", fm, err)
	}
	var r parsers.Record
	if err := fm.newParser().Parse([]byte(line+"512"), &r); err != nil || r.Duration != -1 {
		t.Fatalf("unexpected duration; got %d, %v; want -1", r.Duration, err)
	}
	fm, err = chooseFormat(&Options{DurationUnit: "ms"}, []byte(line+"512\n"))
	if err != nil || fm.newParser().Parse([]byte(line+"512"), &r) != nil || r.Duration != 512000 {
		t.Fatalf("unexpected duration with --duration-unit ms; got %d, %v", r.Duration, err)
	}
	if fm.warning != "" {
		t.Fatalf("unexpected warning with --duration-unit ms; got %q", fm.warning)
	}
}

// TestDetectTrailingIntegerSamples: issue 10's two logs, each over the
// 100 lines of a detection sample, and latencies that are durations: the
// distribution of the integers decides, and the warning says why.
func TestDetectTrailingIntegerSamples(t *testing.T) {
	f := func(what string, sample []byte, wantName, wantWarning string, wantDuration bool) {
		t.Helper()
		fm, err := chooseFormat(&Options{}, sample)
		if err != nil || fm.name != wantName || !strings.Contains(fm.warning, wantWarning) {
			t.Fatalf("unexpected format for %s; got %+v, %v; want %q warning %q", what, fm, err, wantName, wantWarning)
		}
		p := fm.newParser()
		var r parsers.Record
		for _, line := range bytes.Split(bytes.TrimSuffix(sample, []byte("\n")), []byte("\n")) {
			if err := p.Parse(line, &r); err != nil || (r.Duration >= 0) != wantDuration {
				t.Fatalf("unexpected record for %q in %s; got duration %d, %v; want a duration: %v", line, what, r.Duration, err, wantDuration)
			}
		}
	}
	uas := []string{"curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0", "kube-probe/1.29"}
	lines := func(tail func(i int, request, ua string) int) []byte {
		var b bytes.Buffer
		for i := range 120 {
			request := fmt.Sprintf("GET /api/orders/%d HTTP/1.1", i*7919%100000)
			ua := uas[i*31%len(uas)]
			fmt.Fprintf(&b, "10.0.0.%d - - [01/Mar/2026:10:00:%02d +0000] \"%s\" 200 %d \"-\" \"%s\" %d\n", i%250, i%60, request, i*997%20000, ua, tail(i, request, ua))
		}
		return b.Bytes()
	}
	// Traefik CLF ending in its request counter, two requests overlapping
	// now and then.
	f("a Traefik counter", lines(func(i int, _, _ string) int { return 5000 + i + i%3 - 1 }),
		"combined + trailing integer ignored (unit unknown, grows like a request counter: not taken as a duration)", "request counter", false)
	// ingress-nginx cut after $request_length: the request line, its
	// headers, a cookie.
	f("request lengths", lines(func(i int, request, ua string) int { return len(request) + len(ua) + 90 + i*37%300 }),
		"combined + trailing integer ignored (unit unknown, sized like a byte count: not taken as a duration)", "$request_length", false)
	// One line of each: too few to tell.
	f("one ingress-nginx line", []byte(`192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET /api/orders HTTP/1.1" 200 512 "-" "curl/8.5.0" 91`+"\n"),
		"combined + trailing integer ignored (unit unknown: not taken as a duration; give --duration-unit)", "too few", false)
	// Latencies in ms, 1 to about 400: assumed ms, and said so.
	f("latencies", lines(func(i int, _, _ string) int { return 1 + i*i*7919%397 }),
		"combined + duration (ms, assumed)", "read as a duration in milliseconds, assumed", true)
}

// TestFormats checks the --list-formats entries: unique names, each
// accepted by --format, each example parsed by its own format and
// detected as it.
func TestFormats(t *testing.T) {
	seen := map[string]bool{}
	for _, info := range Formats() {
		if seen[info.Name] || info.Description == "" || info.Example == "" {
			t.Fatalf("unexpected entry %+v; want a unique name, a description and an example", info)
		}
		seen[info.Name] = true
		fm, err := chooseFormat(&Options{Format: info.Name}, nil)
		if err != nil {
			t.Fatalf("unexpected error for --format %s; got %v", info.Name, err)
		}
		parse := exampleParser(fm)
		for _, line := range strings.Split(info.Example, "\n") {
			if err := parse([]byte(line)); err != nil && !errors.Is(err, parsers.ErrDirective) {
				t.Fatalf("unexpected error for the example of %s; got %v", info.Name, err)
			}
		}
		got, err := chooseFormat(&Options{}, []byte(info.Example+"\n"))
		want := info.Name
		if want == "combined_rt" {
			want = "combined + request_time (s)"
		}
		if err != nil || got.name != want {
			t.Fatalf("unexpected detection of the example of %s; got %v, %v", info.Name, got, err)
		}
	}
	for _, name := range []string{"w3c", "cloudfront", "haproxy", "aws_alb", "aws_elb", "json", "logfmt", "combined", "traefik_clf", "ingress_nginx", "envoy", "vcombined", "influx", "prometheus", "metrics-json"} {
		if !seen[name] {
			t.Fatalf("unexpected list: %s missing", name)
		}
	}
}

func TestChooseFormatFlags(t *testing.T) {
	if _, err := chooseFormat(&Options{Format: "nope"}, nil); err == nil || !strings.Contains(err.Error(), "aws_alb") {
		t.Fatalf("unexpected error for an unknown format; got %v; want the known names", err)
	}
	// Issue 7: ns is a unit for every format.
	for _, name := range []string{"combined", "json", "logfmt", "aws_alb"} {
		if _, err := chooseFormat(&Options{Format: name, DurationUnit: "ns"}, nil); err != nil {
			t.Fatalf("unexpected error for --format %s --duration-unit ns; got %v", name, err)
		}
	}
	if _, err := chooseFormat(&Options{DurationUnit: "m"}, []byte("x\n")); err == nil {
		t.Fatal("unexpected success for --duration-unit m")
	}
	fm, err := chooseFormat(&Options{LogFormat: `$remote_addr $status`}, nil)
	if err != nil || fm.evidence != "given with --log-format" {
		t.Fatalf("unexpected result for --log-format; got %v, %v", fm, err)
	}
}

// exampleParser returns a parse of the lines of an example, in order,
// with one parser of fm, a log or a metric format.
func exampleParser(fm *format) func(line []byte) error {
	if fm.metric != 0 {
		p, s := newMetricParser(fm), &metrics.Sample{}
		return func(line []byte) error { return p.Parse(line, s) }
	}
	p, r := fm.newParser(), &parsers.Record{}
	return func(line []byte) error { return p.Parse(line, r) }
}

// TestDetectNoW3CWithoutFields: '#' lines without a "#Fields:" line
// (Markdown's headings) do not make a W3C log; with one they do, even
// when its lines do not match it (their reason is then shown).
func TestDetectNoW3CWithoutFields(t *testing.T) {
	_, err := chooseFormat(&Options{}, []byte("# Title\n\nsome text\n## Section\nmore text\n# Other\n"))
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("unexpected result for Markdown; got %v; want a FormatError", err)
	}
	fm, err := chooseFormat(&Options{}, readTestdata(t, "logfile_w3c.5"))
	if err != nil || fm.name != "w3c" {
		t.Fatalf("unexpected result for a #Fields that does not match its line; got %+v, %v; want w3c", fm, err)
	}
}

// TestDetectUnsure: a format chosen on fewer than half the sample's lines
// comes with a warning that says so; on half or more, without. So does a
// metric format (a Markdown file with one "name 1" line read as
// Prometheus text said nothing before).
func TestDetectUnsure(t *testing.T) {
	const (
		access = `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "curl/8.0"` + "\n"
		metric = "mem_used_percent 87.5 1772359200000\n"
	)
	f := func(name, line string, good, bad int, unsure bool) {
		t.Helper()
		fm, err := chooseFormat(&Options{}, []byte(strings.Repeat(line, good)+strings.Repeat("garbage here, and more\n", bad)))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("detection is unsure: %s reads only %d of %d sample lines", name, good, good+bad)
		if fm.name != name || strings.Contains(fm.warning, want) != unsure {
			t.Fatalf("unexpected format for %d of %d lines; got %s, warning %q; want %s, the warning %v to say %q", good, good+bad, fm.name, fm.warning, name, unsure, want)
		}
	}
	f("combined", access, 3, 7, true)
	f("combined", access, 49, 51, true)
	f("combined", access, 5, 5, false)
	f("combined", access, 100, 0, false)
	f("prometheus", metric, 1, 99, true)
	f("prometheus", metric, 10, 10, false)
}
