package haproxy

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference reads the HTTP log line with one regexp and time.Parse,
// sharing no code with the parser.

var (
	refPrefix = regexp.MustCompile(`(?s)^[^"{]*?\]: `)
	refLine   = regexp.MustCompile(`(?s)^([^ "{][^ ]*) +\[([^ "{]*)\] +[^ "{][^ ]* +` + refSlash + ` +` +
		`(-1|[0-9]{1,15})/(-1|[0-9]{1,15})/(-1|[0-9]{1,15})/(-1|[0-9]{1,15})/(-1|\+?[0-9]{1,15}) +` +
		`(-1|[1-9][0-9][0-9]) +\+?([0-9]{1,18}) +[^ "{][^ ]* +[^ "{][^ ]* +[^ "{][^ ]* +` + refSlash + ` +` +
		refSlash + ` +(?:\{[^}]*\}(?: +|$)){0,2}"((?:[^"\\]|\\.)*)"$`)
	// refSlash is an unquoted token holding a '/'.
	refSlash = `(?:/|[^ "{/][^ /]*/)[^ ]*`
)

func refParse(line []byte) (parsers.Record, bool) {
	var r parsers.Record
	r.Reset()
	line = bytes.TrimSuffix(line, []byte("\r"))
	if m := refPrefix.Find(line); m != nil {
		line = line[len(m):]
	}
	m := refLine.FindSubmatch(line)
	if m == nil {
		return r, false
	}
	r.Kind = parsers.KindHTTP
	var ok bool
	if r.Client, ok = parsertest.HostOfAddr(m[1]); !ok {
		return r, false
	}
	if r.Time, ok = refAcceptDate(string(m[2])); !ok {
		return r, false
	}
	r.Upstream, r.Duration = refMillis(string(m[6])), refMillis(string(m[7]))
	if string(m[8]) != "-1" {
		r.Status, _ = strconv.Atoi(string(m[8]))
	}
	r.Bytes, _ = strconv.ParseInt(string(m[9]), 10, 64)
	req := m[10]
	if string(req) != "<BADREQ>" {
		r.Method, r.Target, r.Proto = parsertest.Request(req)
	}
	return r, true
}

var refDate = regexp.MustCompile(`^[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?$`)

// refAcceptDate reads an accept date, dd/Mon/yyyy:hh:mm:ss[.mmm], as UTC
// with time.Parse.
func refAcceptDate(ts string) (int64, bool) {
	if !refDate.MatchString(ts) {
		return 0, false
	}
	if len(ts) > 30 {
		ts = ts[:30]
	}
	t, err := time.Parse("02/Jan/2006:15:04:05", ts[:20])
	if err != nil || t.Year() < parsers.MinYear || t.Year() > parsers.MaxYear {
		return 0, false
	}
	ns := t.UnixNano()
	if len(ts) > 21 {
		frac := (ts[21:] + "000000000")[:9]
		n, _ := strconv.ParseInt(frac, 10, 64)
		ns += n
	}
	return ns, true
}

// refMillis reads a timer in ms, "-1" or [+]digits, as µs.
func refMillis(s string) int64 {
	if s == "-1" {
		return -1
	}
	n, _ := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
	return n * 1000
}
