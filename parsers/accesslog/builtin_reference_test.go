package accesslog

import (
	"math/big"
	"net"
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

// The values' shapes are those the formats document, no wider: status
// three digits (or 0 where a status may be 0), counts up to 18 digits,
// seconds digits with an optional fraction, lists of them with ", " and
// " : " (nginx), other lists too, of values without commas; a number too
// large for the record is rejected.
const (
	refReqRe    = `"(?P<req>(?:[^"\\]|\\.)*)"`
	refQuotedNC = `"(?:[^"\\]|\\.)*"`
	refStatus   = `(?P<status>[1-9]\d\d)`
	refStatus0  = `(?P<status>0|[1-9]\d\d)`
	refBytes    = `(?P<bytes>\d{1,18}|-)`
	refSecs     = `\d+(?:\.\d+)?`
	refSecsList = `(?:` + refSecs + `|-)(?:(?:, | : )(?:` + refSecs + `|-))*`
	refRefUA    = `"(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"`
	refRealIP   = `(?P<client>\S+) - \[[^\]\s]+\] - (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` ` + refStatus + ` ` + refBytes + ` ` + refRefUA
	// nginx's upstream lists: ", " between the servers of a group, " : "
	// between groups (an internal redirect); ":" alone is a separator,
	// never a value, so no value starts with ':'.
	refList = `(?:[^\s,:][^\s,]*(?:(?:, | : )[^\s,:][^\s,]*)*)`
	// ingress-nginx's [$proxy_upstream_name], "namespace-service-port",
	// ends at the first ']'.
	refUpName = `\[[^\]\s]*\]`
	refUpTail = ` (?P<upaddr>` + refList + `) ` + refList + ` (?P<upsecs>` + refSecsList + `) ` + refList
	// Envoy's fields up to the flags, then the byte counts and times.
	// Every quoted field is read as the parser reads one: a backslash
	// escapes the next byte, so \" ends none.
	refEnvoyHead = `^\[(?P<iso>[^\]\s]+)\] ` + refReqRe + ` ` + refStatus0 + ` \S+ `
	refEnvoyMid  = `\d+ (?P<bytes>\d{1,18}) (?P<ms>\d+) (?P<upms>\d+|-) "(?P<xff>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)" ` + refQuotedNC + ` "(?P<host>(?:[^"\\]|\\.)*)" ` + refQuotedNC
)

// refCLFHead is combined with the status given.
func refCLFHead(status string) string {
	return `(?P<client>\S+) - (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` ` + status + ` ` + refBytes + ` ` + refRefUA
}

var refBuiltins = map[string]*regexp.Regexp{
	"traefik_clf":                  regexp.MustCompile(`^` + refCLFHead(refStatus0) + ` \d+ ` + refQuotedNC + ` ` + refQuotedNC + ` (?P<ms>\d+)ms$`),
	"ingress_nginx":                regexp.MustCompile(`^` + refCLFHead(refStatus) + ` \d+ (?P<secs>` + refSecs + `) ` + refUpName + ` ` + refUpName + refUpTail + ` \S+$`),
	"ingress_nginx_realip_alt":     regexp.MustCompile(`^` + refRealIP + ` \d+ (?P<secs>` + refSecs + `) ` + refUpName + ` ` + refUpName + refUpTail + ` \S+$`),
	"ingress_nginx_realip":         regexp.MustCompile(`^` + refRealIP + ` \d+ (?P<secs>` + refSecs + `) ` + refUpName + refUpTail + ` \S+$`),
	"ingress_nginx_realip_noreqid": regexp.MustCompile(`^` + refRealIP + ` \d+ (?P<secs>` + refSecs + `) ` + refUpName + refUpTail + `$`),
	"envoy":                        regexp.MustCompile(refEnvoyHead + refEnvoyMid + `$`),
	// Istio: Envoy's fields, with the response code details, termination
	// details and the quoted transport failure reason after the flags, and
	// the cluster, upstream local, downstream local, downstream peer, SNI
	// and route after the upstream host.
	"istio": regexp.MustCompile(refEnvoyHead + `\S+ \S+ ` + refQuotedNC + ` ` + refEnvoyMid + ` \S+ \S+ \S+ (?P<peer>\S+) \S+ \S+$`),
	// Istio 1.3 to 1.7: Mixer's quoted status and the quoted transport
	// failure reason after the flags; 1.8: the reason alone.
	"istio_1_3":        regexp.MustCompile(refEnvoyHead + refQuotedNC + ` ` + refQuotedNC + ` ` + refEnvoyMid + ` \S+ \S+ \S+ (?P<peer>\S+) \S+ \S+$`),
	"istio_1_8":        regexp.MustCompile(refEnvoyHead + refQuotedNC + ` ` + refEnvoyMid + ` \S+ \S+ \S+ (?P<peer>\S+) \S+ \S+$`),
	"aws_s3":           regexp.MustCompile(`^\S+ \S+ \[(?P<clf>[^\]]+)\] (?P<client>\S+) (?P<user>\S+) \S+ \S+ \S+ ` + refReqRe + ` ` + refStatus + ` \S+ ` + refBytes + ` \S+ (?P<ms>\d+|-) (?P<upms>\d+|-) ` + refRefUA + `(?: .*)?$`),
	"vcombined_noport": regexp.MustCompile(`^(?P<host>\S+) (?P<client>\S+) - (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` ` + refStatus + ` ` + refBytes + ` ` + refRefUA + `$`),
	"vcombined":        regexp.MustCompile(`^(?P<host>[^: ]+):\d+ (?P<client>\S+) \S+ (?P<user>\S+) \[(?P<clf>[^\]]+)\] ` + refReqRe + ` ` + refStatus + ` ` + refBytes + ` ` + refRefUA + `$`),
}

// refTCP lists the formats of proxies whose request "- - -" is a TCP
// connection (Envoy's TCP proxy writes "-" for the method, path and
// protocol), not an HTTP request.
var refTCP = map[string]bool{"envoy": true, "istio": true, "istio_1_3": true, "istio_1_8": true}

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
	r.Client, r.User = b(g("client")), b(g("user"))
	r.Method, r.Target, r.Proto = parsertest.Request([]byte(g("req")))
	r.Referer, r.UserAgent, r.Host = b(g("referer")), b(g("ua")), b(g("host"))
	if xff := g("xff"); xff != "" {
		// The text before the first comma, trimmed of spaces, without
		// a port.
		r.Client = b(refPeerHost(strings.Trim(strings.Split(xff, ",")[0], " ")))
	}
	if peer := g("peer"); r.Client == nil && peer != "" {
		r.Client = b(refPeerHost(peer))
	}
	ok := true
	if s := g("clf"); s != "" {
		r.Time, ok = parsertest.CLFTime(s)
	} else if s := g("iso"); s != "" {
		r.Time, ok = parsertest.ISO8601(s)
	}
	num := func(v string, exp int64) int64 {
		n, fits := parsertest.Decimal(v, exp)
		ok = ok && fits
		return n
	}
	n := num(g("status"), 0)
	r.Status, r.ZeroStatus = int(n), n == 0
	if refTCP[name] && g("req") == "- - -" {
		r.Kind, r.ZeroStatus = parsers.KindTCP, false
		r.Method, r.Target, r.Proto = nil, nil, nil
	}
	if s := g("bytes"); s != "-" {
		r.Bytes = num(s, 0)
	}
	switch {
	case g("ms") != "" && g("ms") != "-":
		r.Duration = num(g("ms"), 3)
	case g("secs") != "":
		r.Duration = num(g("secs"), 6)
	}
	if s := g("upms"); s != "" && s != "-" {
		r.Upstream = num(s, 3)
	}
	if s := g("upsecs"); s != "" {
		var fits bool
		r.Upstream, fits = refSum(s)
		ok = ok && fits
	}
	return r, ok
}

// refPeerHost is the client of an address, the downstream peer's or
// X-Forwarded-For's first, on
// net.SplitHostPort: host:port or [host]:port loses its port (1 to 18
// digits) and brackets; anything else, a bare IPv6 address included, is
// kept whole.
func refPeerHost(peer string) string {
	host, port, err := net.SplitHostPort(peer)
	if err != nil || host == "" || !refPort.MatchString(port) {
		return peer
	}
	return host
}

var refPort = regexp.MustCompile(`^[0-9]{1,18}$`)

// refSum is the sum of a list of seconds ("1.000, 0.502", "-" for none),
// each in whole microseconds, -1 when every one is "-", and false when it
// does not fit in an int64.
func refSum(list string) (int64, bool) {
	sum, any := new(big.Int), false
	for _, v := range regexp.MustCompile(`[,:]`).Split(list, -1) {
		if v = strings.TrimSpace(v); v != "-" {
			d, ok := parsertest.Decimal(v, 6)
			if !ok {
				return 0, false
			}
			sum.Add(sum, big.NewInt(d))
			any = true
		}
	}
	if !any {
		return -1, true
	}
	return sum.Int64(), sum.IsInt64()
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
	f("istio_docs.log", "istio")
	f("istio_gen.log", "istio")
	f("gen_envoy.log", "envoy")
	f("contour_envoy.log", "envoy")
	f("gen_istio_pre19.log", "istio_1_3")
	f("gen_istio_1_8.log", "istio_1_8")
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
