package jsonlog

import (
	"bytes"
	"fmt"

	"github.com/valyala/fastjson"

	"github.com/vigil-ops/vigil/parsers"
)

// Reasons a line is rejected: the Reason of the [parsers.SyntaxError] that
// [Parser.Parse] returns. They are constants, fit for a counter label.
const (
	ReasonNotJSON  = "not json"
	ReasonSyntax   = "cannot parse json"
	ReasonTooDeep  = "json nested too deep"
	ReasonTooLarge = "too many json values"
	ReasonNoFields = "no known fields"
	ReasonTime     = "cannot parse time"
	ReasonStatus   = "cannot parse status"
	ReasonBytes    = "cannot parse bytes"
	ReasonDuration = "cannot parse duration"
)

// reasonMismatch is returned if fastjson rejects a line that validate
// accepted. It cannot happen, and the fuzz test checks that it does not;
// a line is still only an error, never a panic.
const reasonMismatch = "BUG: fastjson rejected valid json"

// Options configures a [Parser]. The zero value means the defaults.
type Options struct {
	// DurationUnit is the unit of every duration written as a number (or
	// as a string holding a number): "s", "ms", "us" (or "µs") or "ns". It
	// overrides the unit a key's suffix implies. Durations in Go syntax
	// ("12.5ms") keep their own unit.
	// Default: "" = the key's suffix (duration_ms is milliseconds); for a
	// key without one, seconds when the number has a fraction or an
	// exponent (0.0176), milliseconds when it is an integer (12).
	DurationUnit string
	// BareUnits are, per [parsers.Logger] the line's keys name, the unit
	// of a duration written as a number under a key whose name gives none
	// ("duration"; not "duration_ms", not "responseTime"), as
	// [parsers.ParseBareUnit] reads it: what the caller decided from a
	// sample of the log ([parsers.JudgeBareUnits] over [Parser.Bare]).
	// "none" reads no such number: the line has no duration.
	// DurationUnit, when set, wins.
	// Default: "" = seconds when the number has a fraction or an
	// exponent, milliseconds when it is an integer.
	BareUnits [parsers.NumLoggers]string
	// Fields point fields at keys of the user's choosing, the --field
	// mappings: each is looked up before the field's own names, in the
	// order given; the first present with a usable value wins, as among
	// the own names. A dotted name is a path into nested objects, then
	// one key with dots (see [parsers.FieldSpec]).
	// Default: none, the own names only.
	Fields []parsers.FieldSpec
}

// Validate reports whether o is valid. [NewParser] treats an invalid
// DurationUnit as the default and skips invalid Fields, so callers should
// validate user input first.
func (o Options) Validate() error {
	if _, ok := parseUnit(o.DurationUnit); !ok {
		return fmt.Errorf("cannot parse duration unit %q; want one of %s", o.DurationUnit, parsers.UnitNames)
	}
	for _, u := range o.BareUnits {
		if _, ok := parsers.ParseBareUnit(u); !ok {
			return fmt.Errorf("cannot parse bare duration unit %q; want one of %s", u, parsers.BareUnitNames)
		}
	}
	return parsers.CheckFieldSpecs(o.Fields)
}

// Parser parses JSON log lines into [parsers.Record]s; see the package
// documentation for the mapping.
//
// A Parser is not safe for concurrent use: use one per goroutine. It
// allocates nothing per line once its buffers have grown to the longest
// line seen.
type Parser struct {
	fj fastjson.Parser
	// unit overrides the unit of numeric durations; unitAuto = none.
	unit unit
	// bareUnits is Options.BareUnits, byLogger whether they differ; bare
	// is the text of the line's duration when it is a number under a key
	// without a unit (see Bare), nil when none.
	bareUnits [parsers.NumLoggers]unit
	byLogger  bool
	bare      []byte
	// slots holds, per slot (a key in one object), the value it has in the
	// current line, nil when absent; used lists the non-nil ones.
	slots []*fastjson.Value
	used  []slot
	// first is, per field, the best rank of a non-nil slot, or noRank.
	first [numFields]uint8
	// index finds the slots of the keys of the object being visited.
	index []uint16
	// visit is p.collectKey, bound once so that Visit does not allocate.
	visit func(key []byte, v *fastjson.Value)
	// overrides are the Fields mappings; root is the line's value, in
	// which lookupPath finds them, with match (p.matchKey, bound once),
	// wantKey and found.
	overrides []override
	// masked marks the slots of the line's object whose key a mapping
	// names: such a key fills only the mapped field; nil when none.
	masked  []bool
	root    *fastjson.Value
	match   func(key []byte, v *fastjson.Value)
	wantKey string
	found   *fastjson.Value
	// fixed is the line with unpaired surrogate escapes rewritten.
	fixed []byte
	// num holds the text of the number being converted.
	num []byte
	// buf holds record fields made from numbers (level, user).
	buf []byte
	err parsers.SyntaxError
}

// NewParser returns a parser with options o.
func NewParser(o Options) *Parser {
	u, _ := parseUnit(o.DurationUnit)
	p := &Parser{unit: u, slots: make([]*fastjson.Value, numSlots), overrides: compileOverrides(o.Fields)}
	p.visit = p.collectKey
	p.match = p.matchKey
	p.masked = maskedSlots(p.overrides)
	for l, name := range o.BareUnits {
		p.bareUnits[l], _ = parsers.ParseBareUnit(name)
		p.byLogger = p.byLogger || p.bareUnits[l] != p.bareUnits[0]
	}
	return p
}

// Parse fills r from line, after resetting it. Anything before the first
// '{' is ignored.
//
// The byte-slice fields of r alias line or p's buffers and are valid until
// the next Parse. On failure Parse returns a *[parsers.SyntaxError] owned
// by p, valid until the next Parse, with one of the Reason constants; r is
// then partly filled and must be ignored. Parse allocates nothing in steady
// state.
func (p *Parser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	for _, s := range p.used {
		p.slots[s] = nil
	}
	p.used = p.used[:0]
	p.first = noRanks
	p.buf = p.buf[:0]
	p.bare = nil

	start := bytes.IndexByte(line, '{')
	if start < 0 {
		return p.fail(0, ReasonNotJSON)
	}
	js := line[start:]
	v := validate(js)
	if v.reason != "" {
		return p.fail(start+v.pos, v.reason)
	}
	if v.badSurrogate {
		p.fixed = append(p.fixed[:0], js...)
		fixSurrogates(p.fixed)
		js = p.fixed
	}
	root, err := p.fj.ParseBytes(js)
	if err != nil {
		return p.fail(start, reasonMismatch)
	}
	p.root = root
	p.collect(root.GetObject(), levelTop)
	if req := p.object(fRequest); req != nil {
		p.collect(req, levelRequest)
		p.collect(p.object(fHeaders), levelHeaders)
	}
	p.collect(p.object(fResponse), levelResponse)

	if reason := p.fill(r); reason != "" {
		return p.fail(start, reason)
	}
	switch {
	case parsers.IsRequest(r):
		r.Kind = parsers.KindHTTP
	case r.Level != nil || r.Message != nil:
		r.Kind = parsers.KindApp
		r.ZeroStatus = false
	case p.tcp(r):
		r.Kind = parsers.KindTCP
		r.ZeroStatus = false
		// A connection's life (minutes, hours) is no request's duration:
		// it would push the median that judges the unit past what
		// requests take (parsers.JudgeBareUnit).
		p.bare = nil
	default:
		return p.fail(start, ReasonNoFields)
	}
	return nil
}

// tcp reports whether r, neither a request nor an application line, is
// a TCP proxy connection: a line of Envoy's access log (p.envoy) with no
// method, target or protocol (null or "-") and status 0 or none, as
// Envoy logs a connection of its TCP proxy. Its time, client, bytes and
// duration are kept.
func (p *Parser) tcp(r *parsers.Record) bool {
	return r.Method == nil && r.Target == nil && r.Proto == nil && r.Status == 0 && p.envoy()
}

func (p *Parser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// collect records the values of the known keys of o, a level l object.
func (p *Parser) collect(o *fastjson.Object, l level) {
	if o == nil {
		return
	}
	p.index = keys.index[l]
	o.Visit(p.visit)
}

func (p *Parser) collectKey(key []byte, v *fastjson.Value) {
	s, ok := keys.lookup(p.index, key)
	if !ok || p.masked != nil && p.masked[s] {
		return
	}
	if p.slots[s] == nil {
		p.used = append(p.used, s)
		f := keys.field[s]
		p.first[f] = min(p.first[f], keys.rank[s])
	}
	// A repeated key keeps its last value, as encoding/json does.
	p.slots[s] = v
}

// object returns the first candidate of f that is an object.
func (p *Parser) object(f field) *fastjson.Object {
	for _, s := range p.candidates(f) {
		if o := p.slots[s].GetObject(); o != nil {
			return o
		}
	}
	return nil
}

// fill sets the fields of r from the collected values and returns the
// reason of the first value that cannot be converted, in the order time,
// status, bytes, duration.
func (p *Parser) fill(r *parsers.Record) string {
	r.Level = p.levelName(p.text(fLevel, true))
	r.Message = p.text(fMessage, false)
	r.Method = p.text(fMethod, false)
	r.Target = p.text(fTarget, false)
	r.Proto = p.text(fProto, false)
	if r.Method == nil || r.Target == nil || r.Proto == nil {
		p.fillFromRequestLine(r)
	}
	if r.Target == nil {
		r.Target = routePath(p.text(fRoute, false))
	}
	r.Client = parsers.Client(p.text(fClient, false))
	r.Host = p.text(fHost, false)
	r.UserAgent = p.text(fUserAgent, false)
	r.Referer = p.text(fReferer, false)
	r.User = p.text(fUser, true)

	var ok bool
	if s, num, _ := p.number(fTime); s != nil {
		if r.Time, ok = parseTime(s, num); !ok {
			return ReasonTime
		}
	}
	if s, _, _ := p.number(fStatus); s != nil {
		if r.Status, ok = parseStatus(s); !ok {
			return ReasonStatus
		}
		r.ZeroStatus = r.Status == 0
	}
	if s, _, _ := p.number(fBytes); s != nil {
		if r.Bytes, ok = parseCount(s); !ok {
			return ReasonBytes
		}
	}
	if s, num, nameUnit := p.number(fDuration); s != nil {
		u := p.unit
		if nameUnit == unitAuto && (num || isNumber(s)) {
			p.bare = s
			if u == unitAuto {
				nameUnit = p.bareUnits[0]
				if p.byLogger {
					nameUnit = p.bareUnits[p.logger()]
				}
			}
		}
		if u == unitAuto {
			u = nameUnit
		}
		if u == parsers.UnitNone {
			return ""
		}
		if r.Duration, ok = parseDuration(s, num, u); !ok {
			return ReasonDuration
		}
	}
	p.fillUpstream(r)
	return ""
}

// fillUpstream sets the upstream time, when the line has one that
// converts: it is no reason to reject a line whose duration is fine.
func (p *Parser) fillUpstream(r *parsers.Record) {
	s, num, u := p.number(fUpstream)
	if p.unit != unitAuto {
		u = p.unit
	}
	if s == nil || u == parsers.UnitNone {
		return
	}
	if d, ok := parseDuration(s, num, u); ok {
		r.Upstream = d
	}
}

// Bare returns, after a successful Parse, the text of the line's
// duration when it was a number (or a string holding one) under a key
// whose name gives no unit, whatever the options made of it, and the
// logger the line's keys name; nil when the line had no such duration
// or is a TCP proxy connection ([parsers.KindTCP]).
// The text is valid until the next Parse. It is for judging the unit of
// such numbers over a sample ([parsers.JudgeBareUnit]).
func (p *Parser) Bare() ([]byte, parsers.Logger) {
	if p.bare == nil {
		return nil, parsers.LoggerUnknown
	}
	return p.bare, p.logger()
}

var noRanks = func() (r [numFields]uint8) {
	for f := range r {
		r[f] = noRank
	}
	return r
}()

// candidates returns the slots of f from the best one present in the line.
func (p *Parser) candidates(f field) []slot {
	c := keys.candidates[f]
	return c[min(int(p.first[f]), len(c)):]
}
