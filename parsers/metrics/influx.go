package metrics

import (
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// Options configures a parser. The zero value means the defaults.
type Options struct {
	// Precision is the unit of line-protocol timestamps, as
	// [parsers.ParseUnit] names it: "ns", "us", "ms" or "s" (Telegraf's
	// precision setting, InfluxDB's ?precision=). The other formats
	// ignore it. Default: "" = "ns".
	Precision string
}

// Validate reports whether o is valid.
func (o Options) Validate() error {
	if _, ok := parsers.ParseUnit(o.Precision); !ok {
		return fmt.Errorf("cannot parse precision %q; want one of %s", o.Precision, parsers.UnitNames)
	}
	return nil
}

// nanosPer returns how many nanoseconds one unit of u is; UnitAuto is ns.
func nanosPer(u parsers.Unit) int64 {
	n := int64(1)
	if u != parsers.UnitAuto {
		for e := int(u) + 3; e > 0; e-- { // u is the power of ten of µs
			n *= 10
		}
	}
	return n
}

// field is a numeric field of the line being read.
type field struct {
	key     []byte
	escaped bool
	value   float64
}

// InfluxParser parses InfluxDB line protocol; see the package
// documentation. It is not safe for concurrent use.
type InfluxParser struct {
	syntaxError
	nanos  int64 // per timestamp unit
	labels []Label
	fields []field
	next   int // the field Next fills
	// name is the measurement and '_'; Next appends each field key.
	name    []byte
	nameLen int
	buf     []byte // decoded tags
	time    int64
}

// NewInfluxParser returns a line-protocol parser with options o, or an
// error when o is not valid.
func NewInfluxParser(o Options) (*InfluxParser, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	u, _ := parsers.ParseUnit(o.Precision)
	return &InfluxParser{nanos: nanosPer(u)}, nil
}

// Parse reads line and fills s with its first numeric field; [InfluxParser.Next]
// fills the others. A trailing '\r' is ignored.
//
// It returns [ErrNoSample] for a blank line, a comment or a line without a
// numeric field, and a *[parsers.SyntaxError] owned by p, valid until the
// next Parse, for a line it rejects; s must then be ignored. The bytes of
// s alias line or p's buffers and are valid until the next Parse or Next.
// Parse allocates nothing once p's buffers have grown to the longest line.
func (p *InfluxParser) Parse(line []byte, s *Sample) error {
	p.labels, p.fields, p.buf, p.next = p.labels[:0], p.fields[:0], p.buf[:0], 0
	s.reset(p.labels)
	line = parsers.TrimCR(line)
	if len(line) > MaxLineBytes {
		return p.fail(0, ReasonTooLong)
	}
	pos := skipBlanks(line, 0)
	if pos == len(line) || line[pos] == '#' {
		return ErrNoSample
	}
	start, pos, esc := scanKey(line, pos, false)
	if pos == start {
		return p.fail(pos, ReasonName)
	}
	p.name = appendUnescaped(p.name[:0], line[start:pos], esc)
	p.name = append(p.name, '_')
	p.nameLen = len(p.name)
	var err error
	if pos, err = p.tags(line, pos); err != nil {
		return err
	}
	if pos == len(line) || line[pos] != ' ' {
		return p.fail(pos, ReasonField)
	}
	if pos, err = p.fieldSet(line, skipSpaces(line, pos)); err != nil {
		return err
	}
	if err = p.timestamp(line, pos); err != nil {
		return err
	}
	if len(p.fields) == 0 {
		return ErrNoSample
	}
	p.Next(s)
	return nil
}

// Next fills s with the next numeric field of the line last parsed and
// reports whether there was one. The samples of one line share its labels
// and time; s's Name is valid until the next Parse or Next.
func (p *InfluxParser) Next(s *Sample) bool {
	if p.next >= len(p.fields) {
		return false
	}
	f := &p.fields[p.next]
	p.next++
	p.name = appendUnescaped(p.name[:p.nameLen], f.key, f.escaped)
	*s = Sample{Name: p.name, Value: f.value, Time: p.time, Labels: p.labels}
	return true
}

// tags reads the ",key=value" pairs after the measurement.
func (p *InfluxParser) tags(line []byte, pos int) (int, error) {
	for pos < len(line) && line[pos] == ',' {
		kStart, kEnd, kEsc := scanKey(line, pos+1, true)
		if kEnd == kStart || kEnd == len(line) || line[kEnd] != '=' {
			return kEnd, p.fail(kEnd, ReasonLabel)
		}
		vStart, vEnd, vEsc := scanKey(line, kEnd+1, false)
		if vEnd == vStart {
			return vEnd, p.fail(vEnd, ReasonLabel)
		}
		if len(p.labels) == MaxLabels {
			return pos, p.fail(pos, ReasonTooMany)
		}
		p.labels = append(p.labels, Label{
			Name:  p.unescape(line[kStart:kEnd], kEsc),
			Value: p.unescape(line[vStart:vEnd], vEsc),
		})
		pos = vEnd
	}
	return pos, nil
}

// fieldSet reads the comma-separated fields and keeps the numeric ones.
func (p *InfluxParser) fieldSet(line []byte, pos int) (int, error) {
	for n := 0; ; n++ {
		if n == MaxFields {
			return pos, p.fail(pos, ReasonTooMany)
		}
		kStart, kEnd, kEsc := scanKey(line, pos, true)
		if kEnd == kStart || kEnd == len(line) || line[kEnd] != '=' {
			return kEnd, p.fail(kEnd, ReasonField)
		}
		pos = kEnd + 1
		end, v, numeric, ok := fieldValue(line, pos)
		if !ok {
			return pos, p.fail(pos, ReasonValue)
		}
		if numeric {
			p.fields = append(p.fields, field{key: line[kStart:kEnd], escaped: kEsc, value: v})
		}
		if pos = end; pos == len(line) || line[pos] == ' ' {
			return pos, nil
		}
		pos++ // ','
	}
}

// timestamp reads the optional timestamp at pos, after the field set.
func (p *InfluxParser) timestamp(line []byte, pos int) error {
	p.time = NoTime
	pos = skipSpaces(line, pos)
	if pos == len(line) {
		return nil
	}
	end := pos
	for end < len(line) && line[end] != ' ' {
		end++
	}
	n, ok := parseInt(line[pos:end])
	if !ok || n > maxTime/p.nanos || n < -maxTime/p.nanos {
		return p.fail(pos, ReasonTime)
	}
	if rest := skipSpaces(line, end); rest != len(line) {
		return p.fail(rest, ReasonSyntax)
	}
	p.time = n * p.nanos
	return nil
}

// maxTime bounds timestamps so that none is NoTime (MinInt64).
const maxTime = 1<<63 - 1

// unescape returns v, or v with its escapes decoded into p's buffer.
func (p *InfluxParser) unescape(v []byte, escaped bool) []byte {
	if !escaped {
		return v
	}
	start := len(p.buf)
	p.buf = appendUnescaped(p.buf, v, true)
	return p.buf[start:len(p.buf):len(p.buf)]
}

// fieldValue reads the field value at pos: a quoted string (skipped:
// numeric is false), a boolean (1 or 0), an integer with 'i', an unsigned
// integer with 'u', or a float. end is where the value stops: the end of
// the line, a space or a comma. ok is false for anything else.
func fieldValue(line []byte, pos int) (end int, v float64, numeric, ok bool) {
	if pos < len(line) && line[pos] == '"' {
		end = stringEnd(line, pos+1)
		if end < 0 || end+1 < len(line) && line[end+1] != ',' && line[end+1] != ' ' {
			return pos, 0, false, false
		}
		return end + 1, 0, false, true
	}
	end = pos
	for end < len(line) && line[end] != ',' && line[end] != ' ' {
		end++
	}
	v, ok = numberValue(line[pos:end])
	return end, v, true, ok
}

// numberValue reads a non-string field value, all of b.
func numberValue(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	switch last := b[len(b)-1]; {
	case last == 'i' && len(b) > 1:
		n, ok := parseInt(b[:len(b)-1])
		return float64(n), ok
	case last == 'u' && len(b) > 1:
		n, ok := parseUint(b[:len(b)-1])
		return float64(n), ok
	}
	switch string(b) {
	case "t", "T", "true", "True", "TRUE":
		return 1, true
	case "f", "F", "false", "False", "FALSE":
		return 0, true
	}
	return parseFloat(b, false)
}

// stringEnd returns the position of the quote that ends a string field
// whose contents start at pos, or -1: a backslash escapes the byte after
// it.
func stringEnd(line []byte, pos int) int {
	for ; pos < len(line); pos++ {
		switch line[pos] {
		case '\\':
			pos++
		case '"':
			return pos
		}
	}
	return -1
}

// scanKey returns the token of a measurement, key or tag value at pos: it
// ends at the first ',' or ' ' (and '=' when eq) that no backslash
// escapes. escaped tells whether it holds a backslash.
func scanKey(line []byte, pos int, eq bool) (start, end int, escaped bool) {
	start = pos
	for pos < len(line) {
		switch c := line[pos]; {
		case c == '\\':
			escaped = true
			pos += 2
			continue
		case c == ',' || c == ' ' || eq && c == '=':
			return start, pos, escaped
		}
		pos++
	}
	return start, len(line), escaped
}

// appendUnescaped appends v to dst with line protocol's escapes decoded
// when escaped: a backslash before ',', '=', ' ' or another backslash
// stands for that byte; any other backslash is itself.
func appendUnescaped(dst, v []byte, escaped bool) []byte {
	if !escaped {
		return append(dst, v...)
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case ',', '=', ' ', '\\':
				i++
			}
		}
		dst = append(dst, v[i])
	}
	return dst
}

// skipSpaces returns the position of the first byte at or after pos that
// is not a space.
func skipSpaces(line []byte, pos int) int {
	for pos < len(line) && line[pos] == ' ' {
		pos++
	}
	return pos
}

// skipBlanks is skipSpaces for spaces and tabs.
func skipBlanks(line []byte, pos int) int {
	for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
		pos++
	}
	return pos
}
