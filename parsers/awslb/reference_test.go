package awslb

import (
	"bytes"
	"regexp"
	"strconv"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference is a slow, independent reading of the two formats with
// regexp, time.Parse, net-free string handling and math/big; the tests
// compare the parser with it line by line.

const (
	refTok    = `([^ "][^ ]*)`
	refQ      = `"((?:[^"\\]|\\.)*)"`
	refTime   = `([^ "][^ ]*)`
	refSecs   = `(-1|[0-9]+(?:\.[0-9]+)?)`
	refStatus = `(-|[1-9][0-9][0-9])`
	refCount  = `([0-9]{1,18})`
	refAfter  = `(?: +(?:[^ "][^ ]*|"(?:[^"\\]|\\.)*"))*`
	refCore   = refTime + ` +` + refTok + ` +` + refTok + ` +` + refTok + ` +` + refSecs + ` +` + refSecs + ` +` + refSecs + ` +` + refStatus + ` +` + refStatus + ` +` + refCount + ` +` + refCount + ` +` + refQ
)

var (
	refALB = regexp.MustCompile(`(?s)^(?:http|https|h2|grpcs|ws|wss) +` + refCore + ` +` + refQ + refAfter + ` *$`)
	refELB = regexp.MustCompile(`(?s)^` + refCore + `(?: +(?:` + refQ + `|` + refTok + `)` + refAfter + `)? *$`)
	refURL = regexp.MustCompile(`(?s)^[^/]+://([^/?]*)(.*)$`)
)

// refParse parses line as format f; ok is false when it does not parse.
func refParse(line []byte, f Format) (r parsers.Record, ok bool) {
	r.Reset()
	line = bytes.TrimSuffix(line, []byte("\r"))
	re := refALB
	if f == ELB {
		re = refELB
	}
	m := re.FindSubmatch(line)
	if m == nil {
		return r, false
	}
	r.Kind = parsers.KindHTTP
	if r.Time, ok = parsertest.ISO8601(string(m[1])); !ok {
		return r, false
	}
	if r.Client, ok = parsertest.HostOfAddr(m[3]); !ok {
		return r, false
	}
	total := int64(0)
	for i := 5; i <= 7; i++ {
		if string(m[i]) == "-1" {
			total = -1
			continue
		}
		d, ok := parsertest.Decimal(string(m[i]), 6)
		if !ok {
			return r, false
		}
		if i == 6 {
			r.Upstream = d
		}
		if total >= 0 {
			total += d
		}
	}
	r.Duration = total
	r.Status, _ = strconv.Atoi(string(m[8]))
	r.UpstreamStatus, _ = strconv.Atoi(string(m[9]))
	r.Bytes, _ = strconv.ParseInt(string(m[11]), 10, 64)
	var url []byte
	r.Method, url, r.Proto = parsertest.Request(m[12])
	if string(bytes.Trim(m[12], " ")) == "- - -" {
		r.Method, url, r.Proto = nil, nil, nil
	}
	if u := refURL.FindSubmatch(url); u != nil && len(bytes.SplitN(url, []byte("://"), 2)[0]) > 0 && !bytes.Contains(bytes.SplitN(url, []byte("://"), 2)[0], []byte("/")) {
		r.Host, r.Target = u[1], u[2]
		if len(r.Target) == 0 {
			r.Target = []byte("/")
		}
	} else {
		r.Target = parsertest.Dash(url)
	}
	if len(m) > 13 {
		r.UserAgent = parsertest.Dash(m[13])
		if m[13] == nil && len(m) > 14 {
			r.UserAgent = parsertest.Dash(m[14])
		}
	}
	return r, true
}
