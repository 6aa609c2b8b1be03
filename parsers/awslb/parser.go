package awslb

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// Format is a load balancer log format.
type Format uint8

const (
	// ALB is the Application Load Balancer access log.
	ALB Format = iota
	// ELB is the Classic Load Balancer access log.
	ELB
)

// Reasons a line is rejected: the Reason of the [parsers.SyntaxError] that
// [Parser.Parse] returns, fit for a counter label.
const (
	ReasonEmpty    = "empty line"
	ReasonMissing  = "missing fields"
	ReasonQuote    = "unterminated quote"
	ReasonType     = "cannot parse type"
	ReasonTime     = "cannot parse time"
	ReasonClient   = "cannot parse client"
	ReasonDuration = "cannot parse duration"
	ReasonStatus   = "cannot parse status"
	ReasonBytes    = "cannot parse bytes"
	ReasonRequest  = "cannot parse request"
	ReasonUA       = "cannot parse user agent"
	ReasonQuoted   = "cannot parse quoted field"
)

// Parser parses lines of one [Format]. It is not safe for concurrent use
// and allocates nothing per line.
type Parser struct {
	format Format
	err    parsers.SyntaxError
}

// NewParser returns a parser for lines of format f.
func NewParser(f Format) *Parser { return &Parser{format: f} }

// Parse fills r from line, after resetting it; a trailing '\r' is ignored.
// The byte-slice fields of r alias line. On failure it returns a
// *[parsers.SyntaxError] owned by p, valid until the next Parse, and r
// must be ignored.
func (p *Parser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	line = parsers.TrimCR(line)
	if len(line) == 0 {
		return p.fail(0, ReasonEmpty)
	}
	pos := 0
	if p.format == ALB {
		typ, next, ok := parsers.NextField(line, 0, ' ')
		if !ok || line[0] == '"' || !isType(typ) {
			return p.fail(0, ReasonType)
		}
		pos = next
	}
	var f [12]fieldAt
	n, pos, reason := p.fields(line, pos, f[:])
	if reason != "" {
		return p.fail(pos, reason)
	}
	// Fields: 0 time, 1 elb, 2 client, 3 target, 4-6 times, 7-8 statuses,
	// 9 received, 10 sent, 11 request; the user agent follows.
	if n < len(f) {
		return p.fail(len(line), ReasonMissing)
	}
	// AWS writes every field before the request bare: a quoted one is
	// not this format (and not, say, the number inside the quotes).
	for _, v := range f[:11] {
		if line[v.at] == '"' {
			return p.fail(v.at, ReasonQuoted)
		}
	}
	r.Kind = parsers.KindHTTP
	var ok bool
	if r.Time, ok = parsers.ParseISO8601(f[0].v, false); !ok {
		return p.fail(f[0].at, ReasonTime)
	}
	if r.Client = parsers.HostOfAddr(f[2].v); r.Client == nil {
		return p.fail(f[2].at, ReasonClient)
	}
	if reason, at := p.times(f[4:7], r); reason != "" {
		return p.fail(at, reason)
	}
	if r.Status, ok = status(f[7].v); !ok {
		return p.fail(f[7].at, ReasonStatus)
	}
	if r.UpstreamStatus, ok = status(f[8].v); !ok {
		return p.fail(f[8].at, ReasonStatus)
	}
	if _, ok = parsers.ParseCount(f[9].v); !ok {
		return p.fail(f[9].at, ReasonBytes)
	}
	if r.Bytes, ok = parsers.ParseCount(f[10].v); !ok {
		return p.fail(f[10].at, ReasonBytes)
	}
	if line[f[11].at] != '"' {
		return p.fail(f[11].at, ReasonRequest)
	}
	setRequest(r, f[11].v)
	return p.tail(line, pos, r)
}

// fieldAt is a field's value and its offset in the line.
type fieldAt struct {
	v  []byte
	at int
}

// fields reads up to len(f) fields from pos and returns how many it read
// and where the next starts.
func (p *Parser) fields(line []byte, pos int, f []fieldAt) (int, int, string) {
	for i := range f {
		v, next, ok := parsers.NextField(line, pos, ' ')
		if !ok {
			if pos < len(line) {
				return i, pos, ReasonQuote
			}
			return i, pos, ""
		}
		f[i] = fieldAt{v, pos}
		pos = next
	}
	return len(f), pos, ""
}

// tail reads the user agent, when there is one, and checks that every
// later field is well formed: they are ignored, as AWS asks.
// An ALB always writes the user agent ("-" when there is none).
func (p *Parser) tail(line []byte, pos int, r *parsers.Record) error {
	if pos == len(line) && p.format == ALB {
		return p.fail(pos, ReasonMissing)
	}
	for i := 0; pos < len(line); i++ {
		v, next, ok := parsers.NextField(line, pos, ' ')
		if !ok {
			return p.fail(pos, ReasonQuote)
		}
		if i == 0 {
			if p.format == ALB && line[pos] != '"' {
				return p.fail(pos, ReasonUA)
			}
			r.UserAgent = parsers.Dash(v)
		}
		pos = next
	}
	return nil
}

// times reads the three processing times, in seconds or -1.
func (p *Parser) times(f []fieldAt, r *parsers.Record) (string, int) {
	var sum int64
	for i, t := range f {
		if string(t.v) == "-1" {
			sum = -1
			continue
		}
		d, ok := parsers.ParseFixed(t.v, 6)
		if !ok {
			return ReasonDuration, t.at
		}
		if i == 1 {
			r.Upstream = d
		}
		if sum >= 0 {
			sum += d
		}
	}
	r.Duration = sum
	return "", 0
}

func (p *Parser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// isType reports whether t is an ALB request type.
func isType(t []byte) bool {
	switch string(t) {
	case "http", "https", "h2", "grpcs", "ws", "wss":
		return true
	}
	return false
}

// status parses a status code, "-" being 0.
func status(v []byte) (int, bool) {
	if len(v) == 1 && v[0] == '-' {
		return 0, true
	}
	return parsers.ParseStatus(v)
}

// setRequest fills method, target, proto and host from the request line
// "GET https://host:443/path HTTP/1.1"; a listener without HTTP writes
// "- - - ".
func setRequest(r *parsers.Record, v []byte) {
	method, url, proto := parsers.SplitRequest(v)
	if method == nil && proto == nil && bytes.Equal(parsers.TrimSpaces(v), []byte("- - -")) {
		return
	}
	r.Method, r.Proto = method, parsers.Dash(proto)
	r.Host, r.Target = parsers.SplitURL(url)
}
