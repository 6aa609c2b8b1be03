package accesslog

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference of the built-in formats: one regexp per format, written
// from the format's documentation, that names the groups it maps, and the
// values read with parsertest's math/big and time.Parse readers. It
// shares no code with the parser.

const (
	refReqRe    = `"(?P<method>[^ "]+) (?P<target>[^ "]+)(?: (?P<proto>[^ "]+))?"`
	refQuotedNC = `"(?:[^"\\]|\\.)*"`
	refCLFHead  = `(?P<client>\S+) - (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` (?P<status>\d+) (?P<bytes>\d+|-) "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"`
	refRealIP   = `(?P<client>\S+) - \[\S+\] - (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` (?P<status>\d+) (?P<bytes>\d+|-) "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"`
	refList     = `(?:\S+(?:, \S+)*)`
	refUpTail   = ` (?P<upaddr>` + refList + `) ` + refList + ` (?P<upsecs>` + refList + `) ` + refList
)

var refBuiltins = map[string]*regexp.Regexp{
	"traefik_clf":                  regexp.MustCompile(`^` + refCLFHead + ` \d+ ` + refQuotedNC + ` ` + refQuotedNC + ` (?P<ms>\d+)ms$`),
	"ingress_nginx":                regexp.MustCompile(`^` + refCLFHead + ` \d+ (?P<secs>[\d.]+) \[\S*\] \[\S*\]` + refUpTail + ` \S+$`),
	"ingress_nginx_realip_alt":     regexp.MustCompile(`^` + refRealIP + ` \d+ (?P<secs>[\d.]+) \[\S*\] \[\S*\]` + refUpTail + ` \S+$`),
	"ingress_nginx_realip":         regexp.MustCompile(`^` + refRealIP + ` \d+ (?P<secs>[\d.]+) \[\S*\]` + refUpTail + ` \S+$`),
	"ingress_nginx_realip_noreqid": regexp.MustCompile(`^` + refRealIP + ` \d+ (?P<secs>[\d.]+) \[\S*\]` + refUpTail + `$`),
	"envoy": regexp.MustCompile(`^\[(?P<iso>[^\]]+)\] ` + refReqRe + ` (?P<status>\d+) \S+ \d+ (?P<bytes>\d+) (?P<ms>\d+) (?P<upms>\d+|-) "(?P<xff>[^"]*)" "(?P<ua>(?:[^"\\]|\\.)*)" ` +
		refQuotedNC + ` "(?P<host>[^"]*)" ` + refQuotedNC + `$`),
	"aws_s3":           regexp.MustCompile(`^\S+ \S+ \[(?P<clf>[^\]]+)\] (?P<client>\S+) (?P<user>\S+) \S+ \S+ \S+ ` + refReqRe + ` (?P<status>\d+) \S+ (?P<bytes>\d+|-) \S+ (?P<ms>\d+|-) (?P<upms>\d+|-) "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"(?: .*)?$`),
	"vcombined_noport": regexp.MustCompile(`^(?P<host>\S+) (?P<client>\S+) \S+ (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` (?P<status>\d+) (?P<bytes>\d+|-) "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"$`),
	"vcombined":        regexp.MustCompile(`^(?P<host>[^: ]+):\d+ (?P<client>\S+) \S+ (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` (?P<status>\d+) (?P<bytes>\d+|-) "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"$`),
}

// refBuiltin reads line as format name: the record's fields the formats
// fill, false when the regexp does not match or a value does not read.
func refBuiltin(name string, line []byte) (parsers.Record, bool) {
	var r parsers.Record
	r.Reset()
	re := refBuiltins[name]
	m := re.FindSubmatch(line)
	if m == nil {
		return r, false
	}
	g := func(group string) string {
		if i := re.SubexpIndex(group); i >= 0 && m[i] != nil {
			return string(m[i])
		}
		return ""
	}
	b := func(s string) []byte { return parsertest.Dash([]byte(s)) }
	r.Kind = parsers.KindHTTP
	r.Client, r.User, r.Method, r.Target, r.Proto = b(g("client")), b(g("user")), b(g("method")), b(g("target")), b(g("proto"))
	r.Referer, r.UserAgent, r.Host = b(g("referer")), b(g("ua")), b(g("host"))
	if xff := g("xff"); xff != "" {
		r.Client = b(strings.TrimSpace(strings.Split(xff, ",")[0]))
	}
	ok := true
	if s := g("clf"); s != "" {
		r.Time, ok = parsertest.CLFTime(s)
	} else if s := g("iso"); s != "" {
		r.Time, ok = parsertest.ISO8601(s)
	}
	n, _ := parsertest.Decimal(g("status"), 0)
	r.Status, r.ZeroStatus = int(n), n == 0
	if s := g("bytes"); s != "-" {
		r.Bytes, _ = parsertest.Decimal(s, 0)
	}
	switch {
	case g("ms") != "" && g("ms") != "-":
		r.Duration, _ = parsertest.Decimal(g("ms"), 3)
	case g("secs") != "":
		r.Duration, _ = parsertest.Decimal(g("secs"), 6)
	}
	if s := g("upms"); s != "" && s != "-" {
		r.Upstream, _ = parsertest.Decimal(s, 3)
	}
	if s := g("upsecs"); s != "" {
		r.Upstream = refSum(s)
	}
	return r, ok
}

// refSum is the sum of a list of seconds ("1.000, 0.502", "-" for none)
// in microseconds, -1 when every one is "-".
func refSum(list string) int64 {
	sum := int64(-1)
	for _, v := range regexp.MustCompile(`[,:]`).Split(list, -1) {
		if v = strings.TrimSpace(v); v != "-" {
			d, _ := parsertest.Decimal(v, 6)
			sum = max(sum, 0) + d
		}
	}
	return sum
}

// TestBuiltinReference compares every line of the built-in formats'
// samples, detected with no flag, with the reference: the whole record.
func TestBuiltinReference(t *testing.T) {
	f := func(file, format string) {
		t.Helper()
		fm, lines := detectFile(t, file, format)
		p := NewParser(fm, Options{})
		for i, line := range lines {
			var r parsers.Record
			err := p.Parse(line, &r)
			ref, ok := refBuiltin(format, line)
			if err != nil || !ok {
				t.Fatalf("unexpected result for %s:%d; got %v; reference ok %v", file, i+1, err, ok)
			}
			r.UpstreamStatus = 0 // not the reference's
			if d := parsertest.RecordDiff(ref, r); d != "" {
				t.Fatalf("unexpected record for %s:%d (-reference +got):\n%s", file, i+1, d)
			}
		}
	}
	f("gen_traefik_clf.log", "traefik_clf")
	f("gen_ingress_nginx.log", "ingress_nginx")
	f("beats_ingress_nginx.log", "ingress_nginx")
	f("gen_ingress_nginx_0x_alt.log", "ingress_nginx_realip_alt")
	f("gen_ingress_nginx_0x.log", "ingress_nginx_realip")
	f("gen_ingress_nginx_0x_noreqid.log", "ingress_nginx_realip_noreqid")
	f("gen_envoy.log", "envoy")
	f("lnav_s3_sample.log", "aws_s3")
	f("gen_vcombined.log", "vcombined")
	f("beats_apache_vhost.log", "vcombined_noport")
	// The examples of --list-formats too.
	for _, b := range builtins {
		var r parsers.Record
		fm, _ := Named(b.name)
		err := NewParser(fm, Options{}).Parse([]byte(b.example), &r)
		ref, ok := refBuiltin(b.name, []byte(b.example))
		r.UpstreamStatus = 0
		if d := parsertest.RecordDiff(ref, r); err != nil || !ok || d != "" {
			t.Fatalf("unexpected record for the example of %s; got %v, reference ok %v (-reference +got):\n%s", b.name, err, ok, d)
		}
	}
}
