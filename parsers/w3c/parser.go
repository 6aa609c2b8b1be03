package w3c

import (
	"bytes"
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// Reasons a line is rejected, fit for a counter label.
const (
	ReasonEmpty      = "empty line"
	ReasonNoFields   = "no #Fields directive before the line"
	ReasonFieldCount = "field count differs from #Fields"
	ReasonQuote      = "unterminated quote"
	ReasonTime       = "cannot parse time"
	ReasonStatus     = "cannot parse status"
	ReasonBytes      = "cannot parse bytes"
	ReasonDuration   = "cannot parse duration"
)

// Options configures a [Parser]. The zero value means the defaults.
type Options struct {
	// Fields is a "#Fields: ..." directive line in effect before the
	// first one the parser sees. Default: "" = none.
	Fields string
	// DurationUnit is the unit of time-taken, as [parsers.ParseUnit]
	// reads it. Default: "" = an integer is ms, a decimal is seconds.
	DurationUnit string
}

// Validate reports whether o is valid.
func (o Options) Validate() error {
	if _, ok := parsers.ParseUnit(o.DurationUnit); !ok {
		return fmt.Errorf("cannot parse duration unit %q; want one of %s", o.DurationUnit, parsers.UnitNames)
	}
	return nil
}

// col is what a field of the #Fields directive fills.
type col uint8

const (
	cOther col = iota
	cDate
	cTime
	cDateLocal
	cTimeLocal
	cClient
	cUser
	cMethod
	cStem
	cQuery
	cURI
	cStatus
	cBytes
	cBytesAlt
	cTimeTaken
	cTimeTakenMS
	cUserAgent
	cReferer
	cHost
)

// colNames maps field names, lower-cased, to columns.
var colNames = map[string]col{
	"date": cDate, "date-local": cDateLocal, "time": cTime, "time-local": cTimeLocal,
	"c-ip": cClient, "cs-username": cUser, "c-auth-id": cUser,
	"cs-method": cMethod, "cs-uri-stem": cStem, "cs-uri-query": cQuery, "cs-uri": cURI,
	"sc-status": cStatus, "sc-bytes": cBytes, "bytes": cBytesAlt,
	"time-taken": cTimeTaken, "timetakenms": cTimeTakenMS,
	"cs(user-agent)": cUserAgent, "cs(referer)": cReferer, "cs(referrer)": cReferer,
	"cs-host": cHost, "cs(host)": cHost, "x-host-header": cHost,
}

// Parser parses the lines of one W3C log, in order. It is not safe for
// concurrent use.
type Parser struct {
	cols []col
	unit parsers.Unit
	date int64 // days of "#Date:", -1 when none
	vals [cHost + 1][]byte
	// uaEnc is how the user agent of the line is encoded: '+' for a
	// space when unquoted in a line of spaces (IIS), percent-encoded in
	// a line of tabs (CloudFront).
	uaEnc uaEncoding
	buf   []byte
	lower []byte
	err   parsers.SyntaxError
}

// NewParser returns a parser with options o.
func NewParser(o Options) *Parser {
	u, _ := parsers.ParseUnit(o.DurationUnit)
	p := &Parser{unit: u, date: -1}
	if o.Fields != "" {
		p.directive([]byte(o.Fields))
	}
	return p
}

// HasFields reports whether a "#Fields:" directive is in effect.
func (p *Parser) HasFields() bool { return len(p.cols) > 0 }

// Parse fills r from line, after resetting it. A directive returns
// [parsers.ErrDirective]; a rejected line a *[parsers.SyntaxError] owned
// by p, valid until the next Parse. Record fields alias line or p's
// buffer until the next Parse.
func (p *Parser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	line = parsers.TrimCR(line)
	if len(bytes.TrimSpace(line)) == 0 {
		return p.fail(0, ReasonEmpty)
	}
	p.buf = p.buf[:0]
	if line[0] == '#' {
		p.directive(line)
		return parsers.ErrDirective
	}
	if len(p.cols) == 0 {
		return p.fail(0, ReasonNoFields)
	}
	sep := byte(' ')
	if bytes.IndexByte(line, '\t') >= 0 {
		sep = '\t'
	}
	p.vals = [cHost + 1][]byte{}
	pos, i := 0, 0
	for pos < len(line) && line[pos] == sep {
		pos++
	}
	for pos < len(line) {
		v, next, ok := parsers.NextField(line, pos, sep)
		if !ok {
			return p.fail(pos, ReasonQuote)
		}
		if i < len(p.cols) && p.vals[p.cols[i]] == nil {
			p.vals[p.cols[i]] = v[:len(v):len(v)]
			if p.cols[i] == cUserAgent {
				p.uaEnc = uaEncodingOf(sep, line[pos])
			}
		}
		pos, i = next, i+1
	}
	if i != len(p.cols) {
		return p.fail(len(line), ReasonFieldCount)
	}
	return p.fill(r)
}

func (p *Parser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// directive reads a directive line: #Fields and #Date change the state.
func (p *Parser) directive(line []byte) {
	switch {
	case bytes.HasPrefix(line, []byte("#Fields:")):
		p.cols = p.cols[:0]
		rest := line[len("#Fields:"):]
		for len(rest) > 0 {
			rest = bytes.TrimLeft(rest, " \t")
			end := bytes.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				break
			}
			name := rest[:end]
			rest = rest[end:]
			p.lower = append(p.lower[:0], name...)
			for i, c := range p.lower {
				if 'A' <= c && c <= 'Z' {
					p.lower[i] = c + 'a' - 'A'
				}
			}
			p.cols = append(p.cols, colNames[string(p.lower)])
		}
	case bytes.HasPrefix(line, []byte("#Date:")):
		v := bytes.TrimSpace(line[len("#Date:"):])
		if d, ok := parsers.ParseDate(v[:min(len(v), 10)]); ok {
			p.date = d
		}
	}
}

// fill converts the values of the line into r.
func (p *Parser) fill(r *parsers.Record) error {
	r.Kind = parsers.KindHTTP
	v := &p.vals
	// date and time (UTC) win over date-local and time-local.
	tm, date := v[cTime], v[cDate]
	if tm == nil {
		tm = v[cTimeLocal]
	}
	if date == nil {
		date = v[cDateLocal]
	}
	if tm != nil {
		days := p.date
		if date != nil {
			var ok bool
			if days, ok = parsers.ParseDate(date); !ok {
				return p.fail(0, ReasonTime)
			}
		}
		secs, nanos, rest, ok := parsers.ParseClock(tm)
		if !ok || len(rest) > 0 {
			return p.fail(0, ReasonTime)
		}
		if days >= 0 {
			r.Time = (days*86400+secs)*1e9 + nanos
		}
	}
	r.Client = parsers.Dash(v[cClient])
	r.User = parsers.Dash(v[cUser])
	r.Method = parsers.Dash(v[cMethod])
	r.Target = p.target()
	r.UserAgent = p.userAgent()
	r.Referer = parsers.Dash(v[cReferer])
	r.Host = parsers.Dash(v[cHost])
	var ok bool
	if s := parsers.Dash(v[cStatus]); s != nil {
		if r.Status, ok = parsers.ParseStatus(s); !ok {
			return p.fail(0, ReasonStatus)
		}
	}
	b := parsers.Dash(v[cBytes])
	if b == nil {
		b = parsers.Dash(v[cBytesAlt])
	}
	if b != nil {
		if r.Bytes, ok = parsers.ParseCount(b); !ok {
			return p.fail(0, ReasonBytes)
		}
	}
	if d := parsers.Dash(v[cTimeTakenMS]); d != nil {
		if r.Duration, ok = parsers.ParseFixed(d, int(p.unitOr(parsers.UnitMS))); !ok {
			return p.fail(0, ReasonDuration)
		}
	} else if d := parsers.Dash(v[cTimeTaken]); d != nil {
		u := parsers.UnitMS
		if bytes.IndexByte(d, '.') >= 0 {
			u = parsers.UnitS
		}
		if r.Duration, ok = parsers.ParseFixed(d, int(p.unitOr(u))); !ok {
			return p.fail(0, ReasonDuration)
		}
	}
	return nil
}

func (p *Parser) unitOr(u parsers.Unit) parsers.Unit {
	if p.unit != parsers.UnitAuto {
		return p.unit
	}
	return u
}

// userAgent is cs(User-Agent), decoded as p.uaEnc says (see useragent.go).
func (p *Parser) userAgent() []byte {
	ua := parsers.Dash(p.vals[cUserAgent])
	switch {
	case p.uaEnc == uaPlus && bytes.IndexByte(ua, '+') >= 0:
		return p.decodePlus(ua)
	case p.uaEnc == uaPercent && bytes.IndexByte(ua, '%') >= 0:
		return p.decodePercent(ua)
	}
	return ua
}

// target is cs-uri, or cs-uri-stem with "?" and cs-uri-query.
func (p *Parser) target() []byte {
	v := &p.vals
	stem := parsers.Dash(v[cStem])
	if stem == nil {
		return parsers.Dash(v[cURI])
	}
	q := parsers.Dash(v[cQuery])
	if q == nil {
		return stem
	}
	n := len(p.buf)
	p.buf = append(append(append(p.buf, stem...), '?'), q...)
	return p.buf[n:len(p.buf):len(p.buf)]
}
