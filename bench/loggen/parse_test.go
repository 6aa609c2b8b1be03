package loggen

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers/endpoint"
)

// Reference grammars of the three formats.
var (
	combinedRE = regexp.MustCompile(`^(\S+) - (-|u\d+) \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000)\] "([A-Z]+) (/\S*) (HTTP/1\.1|HTTP/2\.0)" ([1-5]\d\d) (\d+) "([^"]*)" "([^"]*)"( \d+\.\d{3})?\n$`)
	jsonRE     = regexp.MustCompile(`^\{"time":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)","level":"(info|warn|error)"(?:,"method":"([A-Z]+)","path":"(/[^"]*)","status":([1-5]\d\d),"duration_ms":(\d+\.\d{3}),"bytes":(\d+),"client_ip":"([^"]+)"(?:,"user_agent":"([^"]+)")?(?:,"user_id":"(u\d+)")?(?:,"referer":"([^"]+)")?|,"msg":"([a-z :]+)")\}\n$`)
)

// line is a parsed generated line.
type line struct {
	t       time.Time
	app     string // message of an application error line
	level   string
	ip      string
	user    string // "-" when absent
	method  string
	target  string
	key     string // endpoint key of method and target
	proto   string
	status  int
	bytes   int
	referer string // "-" when absent
	ua      string // "-" when absent
	ms      float64
}

// parseLog parses every line of a log in format, failing t on any line
// that does not match the format's grammar.
func parseLog(t testing.TB, format string, data []byte) []line {
	t.Helper()
	lines := make([]line, 0, bytes.Count(data, []byte("\n")))
	for text := range bytes.Lines(data) {
		l, ok := parseLine(format, text)
		if !ok {
			t.Fatalf("unexpected %s line %d; got %q; want a match of the format's regexp", format, len(lines)+1, text)
		}
		lines = append(lines, l)
	}
	return lines
}

func parseLine(format string, text []byte) (line, bool) {
	var l line
	var err error
	if format == FormatJSON {
		m := jsonRE.FindSubmatch(text)
		if m == nil || !json.Valid(text) {
			return l, false
		}
		l.t, err = time.Parse(time.RFC3339Nano, string(m[1]))
		l.level, l.app = string(m[2]), string(m[12])
		if l.app != "" {
			return l, err == nil && l.level == "error"
		}
		l.method, l.target, l.ip, l.ua, l.user, l.referer = string(m[3]), string(m[4]), string(m[8]), orDash(m[9]), orDash(m[10]), orDash(m[11])
		l.status, _ = strconv.Atoi(string(m[5]))
		l.ms, _ = strconv.ParseFloat(string(m[6]), 64)
		l.bytes, _ = strconv.Atoi(string(m[7]))
		if l.level != level(l.status) {
			return l, false
		}
	} else {
		m := combinedRE.FindSubmatch(text)
		if m == nil || (len(m[11]) > 0) != (format == FormatCombinedRT) {
			return l, false
		}
		l.t, err = time.Parse("02/Jan/2006:15:04:05 -0700", string(m[3]))
		l.ip, l.user, l.method, l.target, l.proto, l.referer, l.ua = string(m[1]), string(m[2]), string(m[4]), string(m[5]), string(m[6]), string(m[9]), string(m[10])
		l.status, _ = strconv.Atoi(string(m[7]))
		l.bytes, _ = strconv.Atoi(string(m[8]))
		l.ms = -1
		if len(m[11]) > 0 {
			s, _ := strconv.ParseFloat(string(m[11][1:]), 64)
			l.ms = s * 1000
		}
	}
	if _, perr := netip.ParseAddr(l.ip); perr != nil || err != nil {
		return l, false
	}
	l.key = string(endpoint.Append(nil, []byte(l.method), []byte(l.target)))
	return l, true
}

func orDash(b []byte) string {
	if len(b) == 0 {
		return "-"
	}
	return string(b)
}
