package metrics

import (
	"github.com/valyala/fastjson"

	"github.com/vigil-ops/vigil/parsers"
)

// JSONParser parses JSON lines of one sample each; see the package
// documentation for the keys. It is not safe for concurrent use.
type JSONParser struct {
	syntaxError
	fj     fastjson.Parser
	labels []Label
	buf    []byte // label values written from numbers and booleans
	num    []byte // the text of the number being read
	// The values of the known keys in the line being read, nil if absent.
	name, value, ts, typ *fastjson.Value
	bad                  string // a reason found while visiting
	// visitTop and visitLabels are the methods bound once, so that
	// Visit does not allocate a closure per line.
	visitTop, visitLabels func(key []byte, v *fastjson.Value)
}

// NewJSONParser returns a JSON-lines parser. Options are not used by this
// format; the argument keeps the constructors alike.
func NewJSONParser(o Options) (*JSONParser, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	p := &JSONParser{}
	p.visitTop, p.visitLabels = p.topKey, p.labelKey
	return p, nil
}

// Parse fills s from line, one JSON object; a trailing '\r' is ignored.
// It returns [ErrNoSample] for a blank line and a *[parsers.SyntaxError]
// owned by p, valid until the next Parse, for a line it rejects; s must
// then be ignored. The bytes of s alias p's buffers and are valid until the
// next Parse. Parse allocates nothing once p's buffers have grown to the
// longest line, except for a line that starts with '{' and is not JSON
// (fastjson builds its error).
func (p *JSONParser) Parse(line []byte, s *Sample) error {
	p.labels, p.buf = p.labels[:0], p.buf[:0]
	p.name, p.value, p.ts, p.typ, p.bad = nil, nil, nil, nil, ""
	s.reset(p.labels)
	line = parsers.TrimCR(line)
	if len(line) > MaxLineBytes {
		return p.fail(0, ReasonTooLong)
	}
	pos := skipJSONSpace(line, 0)
	if pos == len(line) {
		return ErrNoSample
	}
	if line[pos] != '{' {
		return p.fail(pos, ReasonJSON)
	}
	root, err := p.fj.ParseBytes(line)
	if err != nil {
		return p.fail(pos, ReasonJSON)
	}
	root.GetObject().Visit(p.visitTop)
	if p.bad != "" {
		return p.fail(pos, p.bad)
	}
	var ok bool
	if s.Name, ok = p.nameOf(); !ok {
		return p.fail(pos, ReasonName)
	}
	if s.Value, ok = p.valueOf(); !ok {
		return p.fail(pos, ReasonValue)
	}
	if s.Time, ok = p.timeOf(); !ok {
		return p.fail(pos, ReasonTime)
	}
	if s.Type, ok = p.typeOf(); !ok {
		return p.fail(pos, ReasonType)
	}
	s.Labels = p.labels
	return nil
}

// topKey takes the keys of the line's object.
func (p *JSONParser) topKey(key []byte, v *fastjson.Value) {
	switch string(key) {
	case "name", "metric":
		p.name = v
	case "value":
		p.value = v
	case "ts", "time", "timestamp":
		p.ts = v
	case "type":
		p.typ = v
	case "labels", "tags":
		switch v.Type() {
		case fastjson.TypeObject:
			v.GetObject().Visit(p.visitLabels)
		case fastjson.TypeNull:
		default:
			p.bad = ReasonLabel
		}
	default:
		if t := v.Type(); t != fastjson.TypeObject && t != fastjson.TypeArray {
			p.label(key, v)
		}
	}
}

// labelKey takes the keys of "labels".
func (p *JSONParser) labelKey(key []byte, v *fastjson.Value) {
	if t := v.Type(); t == fastjson.TypeObject || t == fastjson.TypeArray {
		p.bad = ReasonLabel
		return
	}
	p.label(key, v)
}

// label adds the label key with the scalar v: a string as it is decoded,
// a number or a boolean as its JSON text; null adds nothing.
func (p *JSONParser) label(key []byte, v *fastjson.Value) {
	var val []byte
	switch v.Type() {
	case fastjson.TypeNull:
		return
	case fastjson.TypeString:
		val = v.GetStringBytes()
	default:
		start := len(p.buf)
		p.buf = v.MarshalTo(p.buf)
		val = p.buf[start:len(p.buf):len(p.buf)]
	}
	if len(p.labels) == MaxLabels {
		p.bad = ReasonTooMany
		return
	}
	p.labels = append(p.labels, Label{Name: key, Value: val})
}

// nameOf returns the name: a non-empty string.
func (p *JSONParser) nameOf() ([]byte, bool) {
	if p.name == nil || p.name.Type() != fastjson.TypeString {
		return nil, false
	}
	b := p.name.GetStringBytes()
	return b, len(b) > 0
}

// valueOf returns the value: a number (NaN and ±Inf included, as fastjson
// reads them), a string holding one, or a boolean (1 or 0).
func (p *JSONParser) valueOf() (float64, bool) {
	if p.value == nil {
		return 0, false
	}
	switch p.value.Type() {
	case fastjson.TypeNumber:
		p.num = p.value.MarshalTo(p.num[:0])
		return parseFloat(p.num, true)
	case fastjson.TypeString:
		return parseFloat(p.value.GetStringBytes(), true)
	case fastjson.TypeTrue:
		return 1, true
	case fastjson.TypeFalse:
		return 0, true
	}
	return 0, false
}

// timeOf returns the time: NoTime when absent or null; an epoch number
// (or a string of one), its unit by magnitude; an RFC 3339 string.
func (p *JSONParser) timeOf() (int64, bool) {
	if p.ts == nil {
		return NoTime, true
	}
	switch p.ts.Type() {
	case fastjson.TypeNull:
		return NoTime, true
	case fastjson.TypeNumber:
		p.num = p.ts.MarshalTo(p.num[:0])
		return parsers.ParseEpoch(p.num)
	case fastjson.TypeString:
		s := p.ts.GetStringBytes()
		if isEpoch(s) {
			return parsers.ParseEpoch(s)
		}
		return parsers.ParseISO8601(s, false)
	}
	return 0, false
}

// typeOf returns the type: untyped when absent or null, else a type name.
func (p *JSONParser) typeOf() (Type, bool) {
	if p.typ == nil || p.typ.Type() == fastjson.TypeNull {
		return TypeUntyped, true
	}
	if p.typ.Type() != fastjson.TypeString {
		return TypeUntyped, false
	}
	return parseType(p.typ.GetStringBytes())
}

// isEpoch reports whether b starts like an epoch number: a digit, and no
// '-' (which a date has) in its first five bytes.
func isEpoch(b []byte) bool {
	if len(b) == 0 || !isDigit(b[0]) {
		return false
	}
	for _, c := range b[:min(len(b), 5)] {
		if c == '-' {
			return false
		}
	}
	return true
}

// skipJSONSpace skips JSON whitespace from pos.
func skipJSONSpace(line []byte, pos int) int {
	for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\n' || line[pos] == '\r') {
		pos++
	}
	return pos
}
