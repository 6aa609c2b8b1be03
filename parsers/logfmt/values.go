package logfmt

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// fill converts the kept values into r; it returns the reason and offset
// of the first that cannot be converted, in the order time, status, bytes,
// duration.
func (p *Parser) fill(r *parsers.Record) (string, int) {
	r.Level = p.text(fLevel)
	r.Message = p.text(fMessage)
	r.Method = p.text(fMethod)
	r.Target = p.text(fTarget)
	r.Proto = p.text(fProto)
	r.Client = parsers.Client(p.text(fClient))
	r.Host = p.text(fHost)
	r.UserAgent = p.text(fUserAgent)
	r.Referer = p.text(fReferer)
	r.User = p.text(fUser)
	var ok bool
	if v := p.number(fTime); v != nil {
		if r.Time, ok = parseTime(v.v); !ok {
			return ReasonTime, v.at
		}
	} else if t, ok := parsers.ParseISO8601(p.first, false); ok {
		// A leading bare key that is no time ("INFO[0000]") leaves the
		// line without one, not at the Unix epoch.
		r.Time = t
	}
	if v := p.number(fStatus); v != nil && isDigits(v.v) {
		if len(v.v) == 1 && v.v[0] == '0' {
			r.ZeroStatus = true
		} else if r.Status, ok = parsers.ParseStatus(v.v); !ok {
			return ReasonStatus, v.at
		}
	}
	if v := p.number(fBytes); v != nil {
		if r.Bytes, ok = parsers.ParseCount(v.v); !ok {
			return ReasonBytes, v.at
		}
	}
	if v := p.number(fDuration); v != nil {
		u, nameUnit := p.unit, v.unit
		if nameUnit == parsers.UnitAuto && isNumber(v.v) {
			p.bare = v.v
			if u == parsers.UnitAuto {
				nameUnit = p.bareUnit
			}
		}
		if u == parsers.UnitAuto {
			u = nameUnit
		}
		if u == parsers.UnitNone {
			return "", 0
		}
		if r.Duration, ok = parseDuration(v.v, u); !ok {
			return ReasonDuration, v.at
		}
	} else {
		p.heroku(r)
	}
	return "", 0
}

// heroku sets the duration from the Heroku router's connect and service
// times, when service is a Go duration.
func (p *Parser) heroku(r *parsers.Record) {
	s := p.number(fService)
	if s == nil {
		return
	}
	service, ok := parsers.ParseGoDuration(s.v)
	if !ok {
		return
	}
	r.Upstream, r.Duration = service, service
	if c := p.number(fConnect); c != nil {
		if connect, ok := parsers.ParseGoDuration(c.v); ok && connect <= 1<<62 && service <= 1<<62 {
			r.Duration += connect
		}
	}
}

// text returns the value of f, unescaped, nil when absent, "" or "-".
func (p *Parser) text(f field) []byte {
	v := &p.vals[f]
	if !v.set {
		return nil
	}
	b := parsers.Dash(v.v)
	if b == nil || !v.quoted || bytes.IndexByte(b, '\\') < 0 {
		return b
	}
	n := len(p.buf)
	p.buf = unescape(p.buf, b)
	return p.buf[n:len(p.buf):len(p.buf)]
}

// number returns the value of f for conversion, nil when absent, "" or
// "-".
func (p *Parser) number(f field) *value {
	v := &p.vals[f]
	if !v.set || parsers.Dash(v.v) == nil {
		return nil
	}
	return v
}

// unescape appends b to dst with \" \\ \n \r \t decoded; any other
// backslash is kept.
func unescape(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) {
			if d := escapes[b[i+1]]; d != 0 {
				dst = append(dst, d)
				i++
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

var escapes = [256]byte{'"': '"', '\\': '\\', 'n': '\n', 'r': '\r', 't': '\t'}

// parseTime reads an ISO 8601 time with a zone or an epoch number.
func parseTime(v []byte) (int64, bool) {
	if len(v) > 0 && isDigit(v[0]) && !bytes.ContainsAny(v, "-:") {
		return parsers.ParseEpoch(v)
	}
	return parsers.ParseISO8601(v, false)
}

// parseDuration reads a number in unit u (UnitAuto: seconds with a '.',
// else milliseconds) or a Go duration, to microseconds.
func parseDuration(v []byte, u parsers.Unit) (int64, bool) {
	if !isNumber(v) {
		return parsers.ParseGoDuration(v)
	}
	if u == parsers.UnitAuto {
		u = parsers.UnitMS
		if bytes.IndexByte(v, '.') >= 0 {
			u = parsers.UnitS
		}
	}
	return parsers.ParseFixed(v, int(u))
}

// isNumber reports whether v is digits with at most one '.' inside.
func isNumber(v []byte) bool {
	_, ok := parsers.ParseFixed(v, 0)
	return ok
}

func isDigit(c byte) bool { return c-'0' <= 9 }

// isDigits reports whether v is all digits: status=Pending in an
// application's log is not an HTTP status and is ignored.
func isDigits(v []byte) bool {
	for _, c := range v {
		if !isDigit(c) {
			return false
		}
	}
	return true
}
