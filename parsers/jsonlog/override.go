package jsonlog

import (
	"strings"

	"github.com/valyala/fastjson"

	"github.com/vigil-ops/vigil/parsers"
)

// override is a key that a --field mapping ([Options].Fields) points a
// field at: looked up before the field's own names.
type override struct {
	f field
	// path is the keys from the line's object down to the value; a
	// dotted name gives two overrides, the nested path and then the name
	// as one key.
	path []string
	// unit is the unit the last key's suffix implies (durations only).
	unit unit
}

// compileOverrides turns the mappings into overrides, in their order.
func compileOverrides(specs []parsers.FieldSpec) []override {
	var out []override
	for _, s := range specs {
		if s.Role >= parsers.NumRoles || s.Name == "" {
			continue // Validate reports these.
		}
		f := roleFields[s.Role]
		path := strings.Split(s.Name, ".")
		u := parsers.SuffixUnit(path[len(path)-1])
		out = append(out, override{f: f, path: path, unit: u})
		if len(path) > 1 {
			out = append(out, override{f: f, path: []string{s.Name}, unit: u})
		}
	}
	return out
}

// maskedSlots returns the slots of the line's object whose key is the
// whole path of an override, nil when there are none.
func maskedSlots(overrides []override) []bool {
	var masked []bool
	for _, o := range overrides {
		if len(o.path) != 1 {
			continue
		}
		if s, ok := keys.lookup(keys.index[levelTop], []byte(o.path[0])); ok {
			if masked == nil {
				masked = make([]bool, numSlots)
			}
			masked[s] = true
		}
	}
	return masked
}

// lookupPath returns the value at path from the line's object, nil when
// a key is missing or a value on the way is not an object. Of repeated
// keys the last counts, as for the parser's own names.
func (p *Parser) lookupPath(path []string) *fastjson.Value {
	v := p.root
	for _, key := range path {
		o := v.GetObject()
		if o == nil {
			return nil
		}
		p.wantKey, p.found = key, nil
		o.Visit(p.match)
		if v = p.found; v == nil {
			return nil
		}
	}
	return v
}

// matchKey keeps v when key is the one lookupPath looks for.
func (p *Parser) matchKey(key []byte, v *fastjson.Value) {
	if string(key) == p.wantKey {
		p.found = v
	}
}
