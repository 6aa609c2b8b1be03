package metrics

import (
	"bytes"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The references of the fuzz tests: slow, independent readings of each
// format with regexp and strconv (and encoding/json in json_reference_test.go),
// written from the package documentation, not from the parsers.

// outcome is what a parser or a reference makes of a line: samples (as
// format writes them), no sample, a directive, or a rejection.
type outcome struct {
	kind    string // "ok", "none", "directive", "reject", or "skip" (the reference cannot judge)
	samples []string
}

func (o outcome) String() string { return o.kind + " " + strings.Join(o.samples, " | ") }

func (o outcome) equal(p outcome) bool {
	return o.kind == p.kind && strings.Join(o.samples, "\n") == strings.Join(p.samples, "\n")
}

var reject = outcome{kind: "reject"}

// knownReasons are the reasons a parser may give.
var knownReasons = map[string]bool{
	ReasonSyntax: true, ReasonName: true, ReasonLabel: true, ReasonField: true, ReasonValue: true,
	ReasonTime: true, ReasonType: true, ReasonJSON: true, ReasonTooMany: true, ReasonTooLong: true,
}

// outcomeOf parses line with p and returns the outcome, failing t for an
// error that is neither a sentinel nor a known *parsers.SyntaxError within
// the line.
func outcomeOf(t *testing.T, p Parser, line []byte) outcome {
	t.Helper()
	got, err := parseAll(p, line)
	switch {
	case err == nil:
		return outcome{kind: "ok", samples: got}
	case errors.Is(err, ErrNoSample):
		return outcome{kind: "none"}
	case errors.Is(err, parsers.ErrDirective):
		return outcome{kind: "directive"}
	}
	parsertest.SyntaxError(t, parsers.TrimCR(line), err, knownReasons)
	return reject
}

// refFloat reads a decimal float, and NaN and the infinities when
// specials is set, with strconv once the shape is checked.
func refFloat(s string, specials bool) (float64, bool) {
	if !floatShape.MatchString(s) && !(specials && specialShape.MatchString(s)) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

var (
	floatShape   = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)
	specialShape = regexp.MustCompile(`^(?i:[+-]?inf(?:inity)?|nan)$`)
)

// refTime multiplies the integer s by unit (ns per unit), false when s is
// not an integer or the product leaves (MinInt64, MaxInt64].
func refTime(s string, unit int64) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	if t := n * unit; t/unit == n && t != math.MinInt64 {
		return t, true
	}
	return 0, false
}

// Line protocol.

const (
	inKey   = `(?:\\.|[^\\,= ])+`
	inMeas  = `(?:\\.|[^\\, ])+` // also a tag value
	inValue = `"(?:\\.|[^"\\])*"|[^, ]*`
	inField = inKey + `=(?:` + inValue + `)`
)

var (
	inLine     = regexp.MustCompile(`(?s)^(` + inMeas + `)((?:,` + inKey + `=` + inMeas + `)*) +(` + inField + `(?:,` + inField + `)*)(?: +([^ ]+))? *$`)
	inTag      = regexp.MustCompile(`(?s),(` + inKey + `)=(` + inMeas + `)`)
	inFieldRe  = regexp.MustCompile(`(?s)(` + inKey + `)=(` + inValue + `)(?:,|$)`)
	inString   = regexp.MustCompile(`(?s)^"(?:\\.|[^"\\])*"$`)
	inUnescape = strings.NewReplacer(`\,`, `,`, `\=`, `=`, `\ `, ` `, `\\`, `\`)
)

// refInflux reads a line-protocol line with timestamps in units of unit ns.
func refInflux(line []byte, unit int64) outcome {
	line = parsers.TrimCR(line)
	if len(line) > MaxLineBytes {
		return reject
	}
	// Leading blanks are ignored: they cannot start the measurement.
	rest := strings.TrimLeft(string(line), " \t")
	if rest == "" || rest[0] == '#' {
		return outcome{kind: "none"}
	}
	m := inLine.FindStringSubmatch(rest)
	if m == nil {
		return reject
	}
	s := Sample{Time: NoTime}
	for _, tag := range inTag.FindAllStringSubmatch(m[2], -1) {
		s.Labels = append(s.Labels, Label{[]byte(inUnescape.Replace(tag[1])), []byte(inUnescape.Replace(tag[2]))})
	}
	fields := inFieldRe.FindAllStringSubmatch(m[3], -1)
	if len(s.Labels) > MaxLabels || len(fields) > MaxFields {
		return reject
	}
	if m[4] != "" {
		var ok bool
		if s.Time, ok = refTime(m[4], unit); !ok {
			return reject
		}
	}
	var out []string
	for _, f := range fields {
		v, numeric, ok := refFieldValue(f[2])
		if !ok {
			return reject
		}
		if numeric {
			s.Name, s.Value = []byte(inUnescape.Replace(m[1])+"_"+inUnescape.Replace(f[1])), v
			out = append(out, format(&s))
		}
	}
	if out == nil {
		return outcome{kind: "none"}
	}
	return outcome{kind: "ok", samples: out}
}

// refFieldValue reads a field value.
func refFieldValue(v string) (f float64, numeric, ok bool) {
	switch {
	case strings.HasPrefix(v, `"`):
		return 0, false, inString.MatchString(v)
	case len(v) > 1 && v[len(v)-1] == 'i':
		n, err := strconv.ParseInt(v[:len(v)-1], 10, 64)
		return float64(n), true, err == nil
	case len(v) > 1 && v[len(v)-1] == 'u':
		n, err := strconv.ParseUint(v[:len(v)-1], 10, 64)
		return float64(n), true, err == nil && v[0] != '+'
	}
	switch v {
	case "t", "T", "true", "True", "TRUE":
		return 1, true, true
	case "f", "F", "false", "False", "FALSE":
		return 0, true, true
	}
	f, ok = refFloat(v, false)
	return f, true, ok
}

// Prometheus text format.

const (
	prName  = `[a-zA-Z_:][a-zA-Z0-9_:]*`
	prLabel = `[a-zA-Z_][a-zA-Z0-9_]*[ \t]*=[ \t]*"(?:\\.|[^"\\])*"`
)

var (
	prLine     = regexp.MustCompile(`(?s)^[ \t]*(` + prName + `)(?:[ \t]*\{[ \t]*(?:(` + prLabel + `(?:[ \t]*,[ \t]*` + prLabel + `)*)[ \t]*,?[ \t]*)?\})?[ \t]+([^ \t]+)(?:[ \t]+([^ \t]+))?[ \t]*$`)
	prLabelRe  = regexp.MustCompile(`(?s)([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:\\.|[^"\\])*)"`)
	prNameRe   = regexp.MustCompile(`^` + prName + `$`)
	prBlanks   = regexp.MustCompile(`[ \t]+`)
	prUnescape = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n")
)

// refProm reads Prometheus text lines in order: "# TYPE" types the
// samples after it.
type refProm struct {
	family string
	typ    Type
}

// line reads one line.
func (r *refProm) line(line []byte) outcome {
	text := string(parsers.TrimCR(line))
	if len(text) > MaxLineBytes {
		return reject
	}
	trimmed := strings.TrimLeft(text, " \t")
	if trimmed == "" {
		return outcome{kind: "none"}
	}
	if trimmed[0] == '#' {
		return r.comment(prBlanks.Split(strings.TrimLeft(trimmed[1:], " \t"), -1))
	}
	m := prLine.FindStringSubmatch(text)
	if m == nil {
		return reject
	}
	s := Sample{Name: []byte(m[1]), Time: NoTime, Type: r.typeOf(m[1])}
	for _, l := range prLabelRe.FindAllStringSubmatch(m[2], -1) {
		s.Labels = append(s.Labels, Label{[]byte(l[1]), []byte(prUnescape.Replace(l[2]))})
	}
	var ok bool
	if s.Value, ok = refFloat(m[3], true); !ok || len(s.Labels) > MaxLabels {
		return reject
	}
	if m[4] != "" {
		if s.Time, ok = refTime(m[4], 1e6); !ok {
			return reject
		}
	}
	return outcome{kind: "ok", samples: []string{format(&s)}}
}

// comment reads the blank-separated words of a '#' line after the '#'.
func (r *refProm) comment(words []string) outcome {
	switch words[0] {
	case "HELP", "UNIT":
	case "EOF":
		r.family, r.typ = "", TypeUntyped
	case "TYPE":
		if len(words) > 1 && words[len(words)-1] == "" {
			words = words[:len(words)-1] // trailing blanks
		}
		if len(words) != 3 || !prNameRe.MatchString(words[1]) {
			return reject
		}
		t, ok := map[string]Type{"counter": TypeCounter, "gauge": TypeGauge, "histogram": TypeHistogram, "summary": TypeSummary,
			"untyped": TypeUntyped, "unknown": TypeUntyped, "gaugehistogram": TypeUntyped, "stateset": TypeUntyped, "info": TypeUntyped}[words[2]]
		if !ok {
			return reject
		}
		r.family, r.typ = words[1], t
	default:
		return outcome{kind: "none"}
	}
	return outcome{kind: "directive"}
}

// typeOf gives name the type of the last "# TYPE" when it is of its family.
func (r *refProm) typeOf(name string) Type {
	suffix, ok := strings.CutPrefix(name, r.family)
	if !ok {
		return TypeUntyped
	}
	allowed := map[string][]Type{
		"":         {TypeCounter, TypeGauge, TypeHistogram, TypeSummary},
		"_total":   {TypeCounter},
		"_bucket":  {TypeHistogram},
		"_sum":     {TypeHistogram, TypeSummary},
		"_count":   {TypeHistogram, TypeSummary},
		"_created": {TypeCounter, TypeHistogram, TypeSummary},
	}[suffix]
	for _, t := range allowed {
		if t == r.typ {
			return t
		}
	}
	return TypeUntyped
}

// refLines splits data into lines for the references and the parsers.
func refLines(data []byte) [][]byte {
	return bytes.Split(data, []byte("\n"))
}

// TestReferences checks the references on the samples, so that the fuzz
// targets' seeds compare something: they read every line as the parsers
// do (TestInfluxFile and the others check what that is).
func TestReferences(t *testing.T) {
	f := func(name string, ref func(line []byte) outcome, p Parser) {
		t.Helper()
		for i, line := range readLines(t, name) {
			want := ref(line)
			if got := outcomeOf(t, p, line); want.kind == "skip" || !got.equal(want) {
				t.Fatalf("unexpected reference outcome for %s:%d; got %v; parser %v", name, i+1, want, got)
			}
		}
	}
	f("telegraf.influx", func(l []byte) outcome { return refInflux(l, 1) }, mustParser(t, FormatInflux, Options{}))
	f("metrics.jsonl", refJSON, mustParser(t, FormatJSON, Options{}))
	for _, name := range []string{"node_exporter.prom", "federate.prom"} {
		var r refProm
		f(name, r.line, mustParser(t, FormatProm, Options{}))
	}
}
