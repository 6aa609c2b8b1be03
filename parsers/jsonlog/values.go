package jsonlog

import (
	"bytes"
	"math"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/vigil-ops/vigil/parsers"
)

// text returns the first value of f that holds text, from the Fields
// mappings then the candidates: a string, or an array whose first element
// is a string (Caddy's headers), or with numbers set a number (its text,
// copied to p.buf). "" and "-" count as absent. The result aliases
// fastjson's copy of the line or p.buf.
func (p *Parser) text(f field, numbers bool) []byte {
	for i := range p.overrides {
		if o := &p.overrides[i]; o.f == f {
			if b := p.textOf(p.lookupPath(o.path), numbers); b != nil {
				return b
			}
		}
	}
	for _, s := range p.candidates(f) {
		if b := p.textOf(p.slots[s], numbers); b != nil {
			return b
		}
	}
	return nil
}

// textOf returns the text of v as text describes it, nil for none.
func (p *Parser) textOf(v *fastjson.Value, numbers bool) []byte {
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeArray:
		if a := v.GetArray(); len(a) > 0 {
			v = a[0]
		}
	case fastjson.TypeNumber:
		if numbers {
			n := len(p.buf)
			p.buf = v.MarshalTo(p.buf)
			return p.buf[n:len(p.buf):len(p.buf)]
		}
	}
	if b := v.GetStringBytes(); !isAbsent(b) {
		return b
	}
	return nil
}

// number returns the first value of f, from the Fields mappings then the
// candidates, that is a number or a string other than "" and "-": its
// text (a number's is copied to p.num), whether it is a number, and the
// unit its key implies (durations).
func (p *Parser) number(f field) (text []byte, num bool, u unit) {
	for i := range p.overrides {
		if o := &p.overrides[i]; o.f == f {
			if text, num = p.numberOf(p.lookupPath(o.path)); text != nil {
				return text, num, o.unit
			}
		}
	}
	for _, s := range p.candidates(f) {
		if text, num = p.numberOf(p.slots[s]); text != nil && !notStatus(f, text, num) {
			return text, num, keys.unit[s]
		}
	}
	return nil, false, unitAuto
}

// numberOf returns the text of v as number describes it, nil for none.
func (p *Parser) numberOf(v *fastjson.Value) (text []byte, num bool) {
	if v == nil {
		return nil, false
	}
	switch v.Type() {
	case fastjson.TypeNumber:
		p.num = v.MarshalTo(p.num[:0])
		return p.num, true
	case fastjson.TypeString:
		if b := v.GetStringBytes(); !isAbsent(b) {
			return b, false
		}
	}
	return nil, false
}

// notStatus reports whether text, the string value of a status name, is
// no HTTP status at all: it does not start with a digit (zerolog hlog's
// "status":"ok"). Such a value is skipped as absent, not rejected.
func notStatus(f field, text []byte, num bool) bool {
	return f == fStatus && !num && !hasAny(text, "0123456789")
}

func isAbsent(b []byte) bool {
	return len(b) == 0 || len(b) == 1 && b[0] == '-'
}

// pinoLevels names the numeric levels of pino and bunyan.
var pinoLevels = [...]string{"trace", "debug", "info", "warn", "error", "fatal"}

// levelName returns level, or the name of a pino/bunyan numeric level
// ("30" is "info"), copied to p.buf so that callers cannot change the
// table.
func (p *Parser) levelName(level []byte) []byte {
	if len(level) != 2 || level[1] != '0' || level[0] < '1' || level[0] > '6' {
		return level
	}
	n := len(p.buf)
	p.buf = append(p.buf, pinoLevels[level[0]-'1']...)
	return p.buf[n:len(p.buf):len(p.buf)]
}

// fillFromRequestLine sets the method, target and proto that r lacks from
// a "request" string, an HTTP request line such as nginx's $request.
func (p *Parser) fillFromRequestLine(r *parsers.Record) {
	line := p.text(fRequest, false)
	i := bytes.IndexByte(line, ' ')
	if i < 0 {
		return
	}
	method, target, proto := line[:i], line[i+1:], []byte(nil)
	if j := bytes.LastIndexByte(line, ' '); j > i {
		target, proto = line[i+1:j], line[j+1:]
	}
	r.Method = orNonEmpty(r.Method, method)
	r.Target = orNonEmpty(r.Target, target)
	r.Proto = orNonEmpty(r.Proto, proto)
}

// routePath returns the path of an API Gateway HTTP API's routeKey,
// "GET /items/{id}" or "ANY /{proxy+}": the route's template, the
// request's path being in no key. A route without one ("$default", the
// catch-all) gives nil.
func routePath(route []byte) []byte {
	i := bytes.IndexByte(route, ' ')
	if i < 0 || i+1 == len(route) || route[i+1] != '/' {
		return nil
	}
	return route[i+1:]
}

// orNonEmpty returns a if it is set, else b if it is not empty.
func orNonEmpty(a, b []byte) []byte {
	if a != nil || len(b) == 0 {
		return a
	}
	return b
}

// parseStatus parses a status code: digits whose value is 0 (no response
// was sent) or 100 to 999; or, in a string, three such digits followed by
// a space and a reason phrase, as bunyan writes "200 OK".
func parseStatus(s []byte) (int, bool) {
	if len(s) > 4 && s[3] == ' ' && s[0] != '0' {
		s = s[:3]
	}
	n, ok := parseCount(s)
	if !ok || n != 0 && (n < 100 || n > 999) {
		return 0, false
	}
	return int(n), true
}

// parseCount parses a non-negative int64 written with digits only, as a
// JSON number or in a string.
func parseCount(s []byte) (int64, bool) {
	var n int64
	for _, c := range s {
		d := int64(c - '0')
		if !isDigit(c) || n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, len(s) > 0
}

// hasAny reports whether s holds a byte of set; unlike bytes.ContainsAny
// it does not build a set for each call.
func hasAny(s []byte, set string) bool {
	for _, c := range s {
		if strings.IndexByte(set, c) >= 0 {
			return true
		}
	}
	return false
}
