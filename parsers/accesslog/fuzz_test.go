package accesslog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

var knownReasons = map[string]bool{
	ReasonEmpty: true, ReasonMissing: true, ReasonTrailing: true, ReasonQuote: true,
	ReasonClient: true, ReasonIdentUser: true, ReasonUser: true, ReasonTime: true,
	ReasonRequest: true, ReasonStatus: true, ReasonBytes: true, ReasonDuration: true,
	ReasonReferer: true, ReasonUserAgent: true, ReasonForwardedFor: true, ReasonField: true,
}

// FuzzParse checks that the named formats never panic, that they agree
// with the regexp reference on every line, and that the fields of the
// record lie within the line.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"logfile_shop_access_log.0", "apache_logs"} {
		for i, line := range parsertest.ReadLines(f, name) {
			// Elastic's odd lines: \xHH escapes and the truncated 8899.
			if i < 30 || i+1 == 5851 || i+1 == 5853 || i+1 == 5860 || i+1 == 8899 {
				f.Add(line)
			}
		}
	}
	parsertest.SeedLines(f, "logfile_access_log.1", "logfile_bad_access_log.0")
	const head = `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 1`
	for _, s := range []string{
		head, head + ` "-" "-" 0.123`, head + ` "-" "-" 0.010, 0.020 : - `, head + ` "-" "-" "x" 2500`, head + ` "a\"b" "\\" -`,
		"2001:db8::1 [29/Feb/2024:23:59:59 -0130] \"GET /\" - - \"\x00\" \"\xff\"\r",
	} {
		f.Add([]byte(s))
	}
	formats := []struct {
		f        *Format
		combined bool
		unit     unit
	}{
		{commonFormat, false, unitAuto},
		{combinedFormat, true, unitAuto},
		{combinedRTFormat, true, unitS},
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, fm := range formats {
			var r parsers.Record
			err := NewParser(fm.f, Options{}).Parse(line, &r)
			ref, refOK := refParse(line, fm.combined, fm.unit)
			if (err == nil) != refOK {
				t.Fatalf("unexpected result for %q in %s; got error %v; reference accepts: %v", line, fm.f.Name(), err, refOK)
			}
			if err != nil {
				parsertest.SyntaxError(t, line, err, knownReasons)
				continue
			}
			if diff := parsertest.RecordDiff(ref, r); diff != "" {
				t.Fatalf("unexpected record for %q in %s (-reference +got):\n%s", line, fm.f.Name(), diff)
			}
			checkWithin(t, line, r)
		}
	})
}

// checkWithin checks that every []byte field of r is a sub-slice of line.
func checkWithin(t *testing.T, line []byte, r parsers.Record) {
	t.Helper()
	for _, s := range [][]byte{r.Client, r.User, r.Method, r.Target, r.Proto, r.Referer, r.UserAgent} {
		if !parsertest.Within(line, s) {
			t.Fatalf("unexpected field %q for %q; got memory outside the line; want a sub-slice", s, line)
		}
	}
}

// FuzzCompile checks that compiling any nginx or Apache format string and
// parsing any line with the result never panics, and that the fields of
// the record lie within the line.
func FuzzCompile(f *testing.F) {
	const line = `10.0.0.1 - - [01/Jan/2020:00:00:00 +0000] "GET /a?b HTTP/1.1" 200 1 "-" "-" 0.010, 0.020 : - 1234`
	for _, format := range []string{
		`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $upstream_response_time $request_time`,
		`%h %l %u %t \"%m %U%q %H\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D`,
		`${msec} $time_iso8601 "$http_x_forwarded_for" $uri?$args %{sec}t %400{X}i %%`,
	} {
		f.Add(format, []byte(line))
	}
	f.Add(`%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] %{end:%c %p %j %-e %_H %Z %s %%}t "%r"`,
		[]byte(`10.0.0.1 [01/Jan/2020 00:00:00.123 +0100] Wed Jan  1 00:00:00 2020 AM 001 1  0 UTC 1577836800 % "GET / HTTP/1.1"`))
	f.Fuzz(func(t *testing.T, format string, line []byte) {
		for _, compile := range []func(string) (*Format, error){CompileNginx, CompileApache} {
			fm, err := compile(format)
			if err != nil {
				continue
			}
			for _, o := range []Options{{}, {ClientFromForwardedFor: true, DurationUnit: "ms"}} {
				var r parsers.Record
				if err := NewParser(fm, o).Parse(line, &r); err != nil {
					parsertest.SyntaxError(t, line, err, knownReasons)
					continue
				}
				checkWithin(t, line, r)
			}
		}
	})
}

// FuzzBuiltin checks the built-in formats on any line: never a panic, a
// line the regexp reference (refBuiltin) reads is read, and read the same,
// and fields lie within the line. The parser may read more than the
// reference: runs of spaces, empty values (see Format). No line is both
// envoy and istio: Istio's quoted failure reason stands where Envoy has
// a byte count.
func FuzzBuiltin(f *testing.F) {
	for _, b := range builtins {
		f.Add([]byte(b.example))
	}
	parsertest.SeedLines(f, "istio_docs.log", "istio_gen.log", "gen_istio_pre19.log", "gen_istio_1_8.log", "gen_envoy.log", "gen_traefik_clf.log",
		"gen_ingress_nginx.log", "gen_ingress_nginx_0x.log", "lnav_s3_sample.log", "gen_vcombined.log")
	envoy, istio := mustNamed(f, "envoy"), mustNamed(f, "istio")
	f.Fuzz(func(t *testing.T, line []byte) {
		var r parsers.Record
		if NewParser(envoy, Options{}).Parse(line, &r) == nil && NewParser(istio, Options{}).Parse(line, &r) == nil {
			t.Fatalf("unexpected result for %q; got both envoy and istio; want one at most", line)
		}
		for i, fm := range builtinFormats {
			err := NewParser(fm, Options{}).Parse(line, &r)
			ref, refOK := refBuiltin(builtins[i].name, line)
			if err != nil {
				if refOK {
					t.Fatalf("unexpected error for %q in %s; got %v; the reference reads it", line, fm.Name(), err)
				}
				parsertest.SyntaxError(t, line, err, knownReasons)
				continue
			}
			checkWithin(t, line, r)
			if !refOK {
				continue
			}
			r.UpstreamStatus = 0 // not the reference's
			if diff := parsertest.RecordDiff(ref, r); diff != "" {
				t.Fatalf("unexpected record for %q in %s (-reference +got):\n%s", line, fm.Name(), diff)
			}
		}
	})
}
