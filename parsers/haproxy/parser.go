package haproxy

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// Reasons a line is rejected, fit for a counter label.
const (
	ReasonEmpty   = "empty line"
	ReasonNotHTTP = "not an http log line"
	ReasonClient  = "cannot parse client"
	ReasonTime    = "cannot parse time"
	ReasonTimers  = "cannot parse timers"
	ReasonStatus  = "cannot parse status"
	ReasonBytes   = "cannot parse bytes"
	ReasonRequest = "cannot parse request"
)

// Parser parses HAProxy HTTP log lines. It is not safe for concurrent use.
type Parser struct {
	err parsers.SyntaxError
}

// NewParser returns a parser.
func NewParser() *Parser { return &Parser{} }

// Parse fills r from line, after resetting it; a trailing '\r' is ignored.
// Record fields alias line. On failure it returns a *[parsers.SyntaxError]
// owned by p, valid until the next Parse.
func (p *Parser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	line = parsers.TrimCR(line)
	if len(line) == 0 {
		return p.fail(0, ReasonEmpty)
	}
	pos := prefixEnd(line)
	var f [11]field
	for i := range f {
		v, next, ok := parsers.NextField(line, pos, ' ')
		if !ok || len(v) > 0 && (v[0] == '{' || line[pos] == '"') {
			return p.fail(pos, ReasonNotHTTP)
		}
		f[i], pos = field{v, pos}, next
	}
	// 0 client, 1 [date], 2 frontend, 3 backend/server, 4 timers,
	// 5 status, 6 bytes, 7-8 cookies, 9 termination, 10 connections;
	// then queues, header captures and the request.
	r.Kind = parsers.KindHTTP
	var ok bool
	if r.Client = parsers.HostOfAddr(f[0].v); r.Client == nil {
		return p.fail(f[0].at, ReasonClient)
	}
	d := f[1].v
	if len(d) < 2 || d[0] != '[' || d[len(d)-1] != ']' {
		return p.fail(f[1].at, ReasonTime)
	}
	if r.Time, ok = acceptDate(d[1 : len(d)-1]); !ok {
		return p.fail(f[1].at, ReasonTime)
	}
	if bytes.IndexByte(f[3].v, '/') < 0 || bytes.IndexByte(f[10].v, '/') < 0 {
		return p.fail(f[3].at, ReasonNotHTTP)
	}
	if !timers(f[4].v, r) {
		return p.fail(f[4].at, ReasonTimers)
	}
	if string(f[5].v) != "-1" {
		if r.Status, ok = parsers.ParseStatus(f[5].v); !ok {
			return p.fail(f[5].at, ReasonStatus)
		}
	}
	if r.Bytes, ok = parsers.ParseCount(bytes.TrimPrefix(f[6].v, []byte("+"))); !ok {
		return p.fail(f[6].at, ReasonBytes)
	}
	return p.tail(line, pos, r)
}

type field struct {
	v  []byte
	at int
}

func (p *Parser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// tail reads the queues, up to two header captures and the request.
func (p *Parser) tail(line []byte, pos int, r *parsers.Record) error {
	if pos >= len(line) || line[pos] == '"' || line[pos] == '{' {
		return p.fail(pos, ReasonNotHTTP)
	}
	q, pos, ok := parsers.NextField(line, pos, ' ')
	if !ok || bytes.IndexByte(q, '/') < 0 {
		return p.fail(pos, ReasonNotHTTP)
	}
	for range 2 {
		if pos >= len(line) || line[pos] != '{' {
			break
		}
		end := captureEnd(line, pos)
		if end < 0 {
			return p.fail(pos, ReasonRequest)
		}
		pos = end
		for pos < len(line) && line[pos] == ' ' {
			pos++
		}
	}
	if pos >= len(line) || line[pos] != '"' {
		return p.fail(pos, ReasonRequest)
	}
	req, next, ok := parsers.NextField(line, pos, ' ')
	if !ok || next != len(line) {
		return p.fail(pos, ReasonRequest)
	}
	if string(req) != "<BADREQ>" {
		r.Method, r.Target, r.Proto = parsers.SplitRequest(req)
	}
	return nil
}

// captureEnd returns the position after the "{...}" at pos, which ends at
// its first '}' (HAProxy writes a '}' inside a captured header as "#7D");
// -1 when there is none or a space or the end does not follow it.
func captureEnd(line []byte, pos int) int {
	i := bytes.IndexByte(line[pos+1:], '}')
	if i < 0 {
		return -1
	}
	end := pos + 1 + i + 1
	if end < len(line) && line[end] != ' ' {
		return -1
	}
	return end
}

// prefixEnd returns where the HAProxy part of line starts: after the
// first "]: " when no '"' or '{' comes before it, else 0.
func prefixEnd(line []byte) int {
	i := bytes.Index(line, []byte("]: "))
	if i < 0 || bytes.ContainsAny(line[:i], "\"{") {
		return 0
	}
	return i + 3
}

// timers reads the five timers; the last is the duration, the fourth
// (Tr) the upstream time.
func timers(v []byte, r *parsers.Record) bool {
	var t [5]int64
	for i := range t {
		end := bytes.IndexByte(v, '/')
		if i == 4 {
			if end >= 0 {
				return false
			}
			end = len(v)
		} else if end < 0 {
			return false
		}
		n, ok := timer(v[:end], i == 4)
		if !ok {
			return false
		}
		t[i] = n
		if i < 4 {
			v = v[end+1:]
		}
	}
	r.Upstream, r.Duration = t[3], t[4]
	return true
}

// timer reads one timer in ms to µs: digits, "-1" (-1), and a leading
// '+' when plus is set.
func timer(v []byte, plus bool) (int64, bool) {
	if string(v) == "-1" {
		return -1, true
	}
	if plus && len(v) > 0 && v[0] == '+' {
		v = v[1:]
	}
	if len(v) > 15 {
		return 0, false
	}
	n, ok := parsers.ParseCount(v)
	return n * 1000, ok
}

// acceptDate parses dd/Mon/yyyy:hh:mm:ss[.mmm] as UTC nanoseconds.
func acceptDate(v []byte) (int64, bool) {
	if len(v) < 20 || v[2] != '/' || v[6] != '/' || v[11] != ':' {
		return 0, false
	}
	day, year := digits(v[0:2]), digits(v[7:11])
	month, exact := parsers.MonthNumber(v[3:6])
	if !exact {
		month = 0 // HAProxy writes "Jan"
	}
	if day < 1 || month < 1 || year < parsers.MinYear || year > parsers.MaxYear || day > parsers.DaysIn(year, month) {
		return 0, false
	}
	secs, nanos, rest, ok := parsers.ParseClock(v[12:])
	if !ok || len(rest) > 0 {
		return 0, false
	}
	return (parsers.DaysFromCivil(year, month, day)*86400+secs)*1e9 + nanos, true
}

func digits(b []byte) int {
	n := 0
	for _, c := range b {
		if c-'0' > 9 {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
