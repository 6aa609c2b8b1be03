package metrics

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// readLines returns the lines, without '\n', of the file name in testdata.
func readLines(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

// format writes s as `name{a="b",…} value time type` for comparisons:
// labels unescaped as they are, the time "-" when there is none, the type
// only when it is not untyped.
func format(s *Sample) string {
	var b strings.Builder
	b.Write(s.Name)
	if len(s.Labels) > 0 {
		b.WriteByte('{')
		for i, l := range s.Labels {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(l.Name)
			b.WriteString(`="`)
			b.Write(l.Value)
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(strconv.FormatFloat(s.Value, 'g', -1, 64))
	b.WriteByte(' ')
	if s.Time == NoTime {
		b.WriteByte('-')
	} else {
		b.WriteString(strconv.FormatInt(s.Time, 10))
	}
	if s.Type != TypeUntyped {
		b.WriteString(" " + s.Type.String())
	}
	return b.String()
}

// parseAll parses line with p and returns every sample it yields,
// formatted, or the error.
func parseAll(p Parser, line []byte) ([]string, error) {
	var s Sample
	if err := p.Parse(line, &s); err != nil {
		return nil, err
	}
	var out []string
	for ok := true; ok; ok = p.Next(&s) {
		out = append(out, format(&s))
	}
	return out, nil
}

// reasonOf returns the reason of a *parsers.SyntaxError err, failing t
// when err is anything else or its position is outside line.
func reasonOf(t testing.TB, line []byte, err error) string {
	t.Helper()
	var se *parsers.SyntaxError
	if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(line) {
		t.Fatalf("unexpected error for %q; got %#v; want a *parsers.SyntaxError within the line", line, err)
	}
	return se.Reason
}

// sameFloat reports whether a and b are equal, or both NaN.
func sameFloat(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

// mustParser returns a parser of format f with options o.
func mustParser(t testing.TB, f Format, o Options) Parser {
	t.Helper()
	p, err := NewParser(f, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// noAllocs checks that parsing all of lines in turn with p, every
// sample of each, allocates nothing.
func noAllocs(t *testing.T, p Parser, lines [][]byte, what string) {
	t.Helper()
	var s Sample
	if n := testing.AllocsPerRun(20, func() {
		for _, line := range lines {
			if p.Parse(line, &s) == nil {
				for p.Next(&s) {
				}
			}
		}
	}); n >= 1 {
		t.Fatalf("unexpected allocations for %s; got %v per run; want 0", what, n)
	}
}

// short returns s cut to about 200 bytes, for failure messages.
func short(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
