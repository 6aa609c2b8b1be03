package logfmt

import (
	"bytes"
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// Reasons a line is rejected: the Reason of the [parsers.SyntaxError] that
// [Parser.Parse] returns, fit for a counter label.
const (
	ReasonEmpty    = "empty line"
	ReasonSyntax   = "cannot parse logfmt"
	ReasonNoPairs  = "no key=value pairs"
	ReasonNoFields = "no known fields"
	ReasonTime     = "cannot parse time"
	ReasonStatus   = "cannot parse status"
	ReasonBytes    = "cannot parse bytes"
	ReasonDuration = "cannot parse duration"
)

// Options configures a [Parser]. The zero value means the defaults.
type Options struct {
	// DurationUnit is the unit of every duration written as a number, as
	// [parsers.ParseUnit] reads it. It overrides the key's suffix.
	// Default: "" = the key's suffix; without one, seconds for a number
	// with a '.', milliseconds for an integer.
	DurationUnit string
	// BareUnit is the unit of a duration written as a number under a key
	// whose name gives none ("duration"; not "duration_ms"), as
	// [parsers.ParseBareUnit] reads it: what the caller decided from a
	// sample of the log ([parsers.JudgeBareUnit] over [Parser.Bare]).
	// "none" reads no such number: the line has no duration.
	// DurationUnit, when set, wins.
	// Default: "" = seconds for a number with a '.', milliseconds for an
	// integer.
	BareUnit string
	// Fields point fields at keys of the user's choosing, the --field
	// mappings: each ranks before the field's own names, in the order
	// given. A key a mapping names fills only the mapped fields, not the
	// field its name has among the own names.
	// Default: none, the own names only.
	Fields []parsers.FieldSpec
}

// Validate reports whether o is valid.
func (o Options) Validate() error {
	if _, ok := parsers.ParseUnit(o.DurationUnit); !ok {
		return fmt.Errorf("cannot parse duration unit %q; want one of %s", o.DurationUnit, parsers.UnitNames)
	}
	if _, ok := parsers.ParseBareUnit(o.BareUnit); !ok {
		return fmt.Errorf("cannot parse bare duration unit %q; want one of %s", o.BareUnit, parsers.BareUnitNames)
	}
	return parsers.CheckFieldSpecs(o.Fields)
}

// value is the value of the best key seen for a field.
type value struct {
	v      []byte
	at     int
	rank   uint16
	quoted bool
	unit   parsers.Unit
	set    bool
}

// Parser parses logfmt lines; see the package documentation. It is not
// safe for concurrent use.
type Parser struct {
	unit parsers.Unit
	// bareUnit is Options.BareUnit; bare is the line's duration when it
	// is a number under a key without a unit (see Bare), nil when none.
	bareUnit  parsers.Unit
	bare      []byte
	overrides []override
	vals      [numFields]value
	buf       []byte
	key       []byte // a quoted key unescaped, for the pair being read
	err       parsers.SyntaxError
	first     []byte // the first bare key, for a leading time
	nPairs    int
}

// NewParser returns a parser with options o; an invalid DurationUnit is
// taken as the default and invalid Fields are skipped.
func NewParser(o Options) *Parser {
	u, _ := parsers.ParseUnit(o.DurationUnit)
	bu, _ := parsers.ParseBareUnit(o.BareUnit)
	return &Parser{unit: u, bareUnit: bu, overrides: compileOverrides(o.Fields)}
}

// Parse fills r from line, after resetting it; a trailing '\r' is ignored.
// The byte-slice fields of r alias line or p's buffer and are valid until
// the next Parse. On failure it returns a *[parsers.SyntaxError] owned by
// p, valid until the next Parse; r must then be ignored.
func (p *Parser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	line = parsers.TrimCR(line)
	if len(bytes.TrimLeft(line, " ")) == 0 {
		return p.fail(0, ReasonEmpty)
	}
	p.vals = [numFields]value{}
	p.buf = p.buf[:0]
	p.first, p.nPairs, p.bare = nil, 0, nil
	if pos, ok := p.scan(line); !ok {
		return p.fail(pos, ReasonSyntax)
	}
	if p.nPairs == 0 {
		return p.fail(0, ReasonNoPairs)
	}
	if reason, at := p.fill(r); reason != "" {
		return p.fail(at, reason)
	}
	switch {
	case parsers.IsRequest(r):
		r.Kind = parsers.KindHTTP
	case r.Level != nil || r.Message != nil:
		r.Kind = parsers.KindApp
	default:
		return p.fail(0, ReasonNoFields)
	}
	return nil
}

// Bare returns, after a successful Parse, the line's duration when it
// was a number under a key whose name gives no unit, whatever the
// options made of it; nil when the line had none. It is valid until the
// next Parse. The logger is always [parsers.LoggerUnknown]: logfmt
// loggers (slog's text handler, logrus) write a time.Duration with its
// unit ("12.5ms"), so a bare number is judged on its values alone
// ([parsers.JudgeBareUnit]).
func (p *Parser) Bare() ([]byte, parsers.Logger) {
	return p.bare, parsers.LoggerUnknown
}

func (p *Parser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// scan reads the pairs of line and keeps the best value of each field.
// On a syntax error it returns where it stopped.
func (p *Parser) scan(line []byte) (int, bool) {
	pos := 0
	for {
		for pos < len(line) && line[pos] == ' ' {
			pos++
		}
		if pos == len(line) {
			return pos, true
		}
		start := pos
		var key []byte
		if line[pos] == '"' {
			// A quoted key, as log/slog's text handler writes one that
			// needs quoting (`""=v`, `"a b"=1`): '=' must follow.
			end := parsers.QuotedEnd(line, pos+1)
			if end < 0 || end+1 == len(line) || line[end+1] != '=' {
				return pos, false
			}
			key, pos = p.unquoteKey(line[pos+1:end]), end+1
		} else {
			for pos < len(line) && line[pos] != ' ' && line[pos] != '=' && line[pos] != '"' {
				pos++
			}
			if pos == start {
				return pos, false
			}
			key = line[start:pos]
			if pos == len(line) || line[pos] == ' ' {
				if p.first == nil && p.nPairs == 0 && start == skipSpaces(line) {
					p.first = key
				}
				continue
			}
			if line[pos] == '"' {
				return pos, false
			}
		}
		pos++ // '='
		vstart, quoted := pos, false
		var v []byte
		if pos < len(line) && line[pos] == '"' {
			end := parsers.QuotedEnd(line, pos+1)
			if end < 0 || end+1 < len(line) && line[end+1] != ' ' {
				return pos, false
			}
			v, pos, quoted = line[pos+1:end], end+1, true
		} else {
			for pos < len(line) && line[pos] != ' ' {
				if line[pos] == '"' {
					return pos, false
				}
				pos++
			}
			v = line[vstart:pos]
		}
		p.nPairs++
		p.keep(key, v, vstart, quoted)
	}
}

// unquoteKey returns the text of a quoted key, k without its quotes,
// with its escapes decoded as a value's; it is k itself when it has no
// backslash, else p.key, valid until the next key.
func (p *Parser) unquoteKey(k []byte) []byte {
	if bytes.IndexByte(k, '\\') < 0 {
		return k
	}
	p.key = unescape(p.key[:0], k)
	return p.key
}

func skipSpaces(line []byte) int {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i
}

// ownRank is the rank of a field's first own name: the --field mappings
// rank before, in their order.
const ownRank = 1 << 8

// keep stores v as the value of the fields key fills, where key ranks at
// least as well as the one kept: those of the mappings that name key, or
// else its own.
func (p *Parser) keep(key, v []byte, at int, quoted bool) {
	mapped := false
	for i := range p.overrides {
		if o := &p.overrides[i]; o.name == string(key) {
			p.store(o.f, uint16(min(i, ownRank-1)), o.unit, v, at, quoted)
			mapped = true
		}
	}
	if mapped {
		return
	}
	if f, rank, u := lookup(key); f != fNone {
		p.store(f, ownRank+uint16(rank), u, v, at, quoted)
		return
	}
	for _, g := range groups {
		if rest, ok := g.Ungroup(key); ok {
			if f, rank, u := lookup(rest); grouped(g, f) {
				p.store(f, groupRank+uint16(rank), u, v, at, quoted)
			}
			return
		}
	}
}

// groups are the key prefixes of slog.Group ("req.method"), read as
// jsonlog reads the nested objects of the same names; groupRank is the
// rank of their first name, after every ungrouped one.
var groups = [...]*parsers.Group{&parsers.RequestGroup, &parsers.ResponseGroup}

const groupRank = ownRank + 1<<7

// grouped reports whether g holds f.
func grouped(g *parsers.Group, f field) bool {
	for _, r := range g.Roles {
		if f != fNone && roleFields[r] == f {
			return true
		}
	}
	return false
}

func (p *Parser) store(f field, rank uint16, u parsers.Unit, v []byte, at int, quoted bool) {
	old := &p.vals[f]
	if old.set && old.rank < rank {
		return
	}
	*old = value{v: v, at: at, rank: rank, quoted: quoted, unit: u, set: true}
}
