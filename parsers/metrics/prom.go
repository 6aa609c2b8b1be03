package metrics

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// PromParser parses the Prometheus text exposition format (version 0.0.4);
// see the package documentation. It is stateful, one per input fed its
// lines in order: a "# TYPE" line sets the Type of the samples after it.
// It is not safe for concurrent use.
type PromParser struct {
	syntaxError
	labels []Label
	buf    []byte // decoded label values
	// family and typ are the name and type of the last "# TYPE" line.
	family []byte
	typ    Type
}

// NewPromParser returns a Prometheus text-format parser. Options are not
// used by this format; the argument keeps the constructors alike.
func NewPromParser(o Options) (*PromParser, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &PromParser{}, nil
}

// Parse fills s from line, a sample line; a trailing '\r' is ignored.
// It returns [parsers.ErrDirective] for "# HELP", "# TYPE", "# UNIT" and
// "# EOF" lines, [ErrNoSample] for blank lines and other comments, and a
// *[parsers.SyntaxError] owned by p, valid until the next Parse, for a line
// it rejects; s must then be ignored. The bytes of s alias line or p's
// buffer and are valid until the next Parse. Parse allocates nothing once
// p's buffers have grown to the longest line.
func (p *PromParser) Parse(line []byte, s *Sample) error {
	p.labels, p.buf = p.labels[:0], p.buf[:0]
	s.reset(p.labels)
	line = parsers.TrimCR(line)
	if len(line) > MaxLineBytes {
		return p.fail(0, ReasonTooLong)
	}
	pos := skipBlanks(line, 0)
	if pos == len(line) {
		return ErrNoSample
	}
	if line[pos] == '#' {
		return p.comment(line, pos+1)
	}
	start := pos
	if pos = metricName(line, pos); pos == start {
		return p.fail(pos, ReasonName)
	}
	s.Name = line[start:pos]
	if b := skipBlanks(line, pos); b < len(line) && line[b] == '{' {
		var err error
		if pos, err = p.labelSet(line, b+1); err != nil {
			return err
		}
	}
	if pos < len(line) && !isBlank(line[pos]) {
		return p.fail(pos, ReasonName)
	}
	pos = skipBlanks(line, pos)
	end := tokenEnd(line, pos)
	v, ok := parseFloat(line[pos:end], true)
	if !ok {
		return p.fail(pos, ReasonValue)
	}
	pos = skipBlanks(line, end)
	t := int64(NoTime)
	if pos < len(line) {
		end = tokenEnd(line, pos)
		ms, ok := parseInt(line[pos:end])
		if !ok || ms > maxTime/1_000_000 || ms < -maxTime/1_000_000 {
			return p.fail(pos, ReasonTime)
		}
		t = ms * 1e6
		if pos = skipBlanks(line, end); pos < len(line) {
			return p.fail(pos, ReasonSyntax)
		}
	}
	s.Value, s.Time, s.Labels, s.Type = v, t, p.labels, p.typeOf(s.Name)
	return nil
}

// comment reads a line starting with '#'; pos is after it.
func (p *PromParser) comment(line []byte, pos int) error {
	pos = skipBlanks(line, pos)
	end := tokenEnd(line, pos)
	switch string(line[pos:end]) {
	case "HELP", "UNIT":
	case "EOF":
		p.family, p.typ = p.family[:0], TypeUntyped
	case "TYPE":
		return p.typeLine(line, end)
	default:
		return ErrNoSample
	}
	return parsers.ErrDirective
}

// typeLine reads "# TYPE name type" from pos, after "TYPE".
func (p *PromParser) typeLine(line []byte, pos int) error {
	pos = skipBlanks(line, pos)
	start := pos
	if pos = metricName(line, pos); pos == start || pos < len(line) && !isBlank(line[pos]) {
		return p.fail(pos, ReasonName)
	}
	name := line[start:pos]
	pos = skipBlanks(line, pos)
	end := tokenEnd(line, pos)
	t, ok := parseType(line[pos:end])
	if !ok || skipBlanks(line, end) != len(line) {
		return p.fail(pos, ReasonType)
	}
	p.family, p.typ = append(p.family[:0], name...), t
	return parsers.ErrDirective
}

// typeOf returns the type of the sample name: the last "# TYPE"'s when
// name is its family's: the name itself, or for a counter name_total and
// name_created (OpenMetrics), for a histogram or summary name_bucket,
// name_sum, name_count and name_created.
func (p *PromParser) typeOf(name []byte) Type {
	if p.typ == TypeUntyped || !bytes.HasPrefix(name, p.family) {
		return TypeUntyped
	}
	switch t, suffix := p.typ, string(name[len(p.family):]); {
	case suffix == "",
		suffix == "_total" && t == TypeCounter,
		suffix == "_bucket" && t == TypeHistogram,
		(suffix == "_sum" || suffix == "_count") && (t == TypeHistogram || t == TypeSummary),
		suffix == "_created" && t != TypeGauge:
		return t
	}
	return TypeUntyped
}

// labelSet reads the labels after '{' at pos and returns the position
// after the closing '}'.
func (p *PromParser) labelSet(line []byte, pos int) (int, error) {
	for {
		pos = skipBlanks(line, pos)
		if pos < len(line) && line[pos] == '}' {
			return pos + 1, nil
		}
		start := pos
		for pos < len(line) && labelByte[line[pos]] && (pos > start || !isDigit(line[pos])) {
			pos++
		}
		if pos == start {
			return pos, p.fail(pos, ReasonLabel)
		}
		name := line[start:pos]
		if pos = skipBlanks(line, pos); pos == len(line) || line[pos] != '=' {
			return pos, p.fail(pos, ReasonLabel)
		}
		if pos = skipBlanks(line, pos+1); pos == len(line) || line[pos] != '"' {
			return pos, p.fail(pos, ReasonLabel)
		}
		end := parsers.QuotedEnd(line, pos+1)
		if end < 0 {
			return pos, p.fail(pos, ReasonLabel)
		}
		if len(p.labels) == MaxLabels {
			return start, p.fail(start, ReasonTooMany)
		}
		p.labels = append(p.labels, Label{Name: name, Value: p.labelValue(line[pos+1 : end])})
		if pos = skipBlanks(line, end+1); pos < len(line) && line[pos] == ',' {
			pos++
			continue
		}
		if pos == len(line) || line[pos] != '}' {
			return pos, p.fail(pos, ReasonLabel)
		}
		return pos + 1, nil
	}
}

// labelValue returns v with the escapes \\, \" and \n decoded (into p's
// buffer, only when v holds a backslash); any other backslash is kept, as
// Prometheus keeps it.
func (p *PromParser) labelValue(v []byte) []byte {
	if bytes.IndexByte(v, '\\') < 0 {
		return v // Fast path: no escapes.
	}
	start := len(p.buf)
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case '\\', '"':
				c = v[i+1]
				i++
			case 'n':
				c = '\n'
				i++
			}
		}
		p.buf = append(p.buf, c)
	}
	return p.buf[start:len(p.buf):len(p.buf)]
}

// metricName returns the end of the metric name at pos,
// [a-zA-Z_:][a-zA-Z0-9_:]*; pos itself when there is none.
func metricName(line []byte, pos int) int {
	start := pos
	for pos < len(line) && (labelByte[line[pos]] || line[pos] == ':') && (pos > start || !isDigit(line[pos])) {
		pos++
	}
	return pos
}

// tokenEnd returns the end of the run of non-blank bytes at pos.
func tokenEnd(line []byte, pos int) int {
	for pos < len(line) && !isBlank(line[pos]) {
		pos++
	}
	return pos
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// labelByte marks [a-zA-Z0-9_], the bytes of a label name.
var labelByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()
