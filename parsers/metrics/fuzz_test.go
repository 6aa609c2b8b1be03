package metrics

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The fuzz targets check that the parsers never panic, agree with the
// references of reference_test.go (accepted or not, what, and the
// samples), and that what they accept round-trips: written back in the
// format, it reads as the same samples. Seeds: the lines of testdata and
// the corpora in testdata/fuzz.

// precisions are the units of FuzzParseInflux's second argument.
var precisions = [...]struct {
	name string
	ns   int64
}{{"", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}}

func FuzzParseInflux(f *testing.F) {
	for _, line := range readLines(f, "telegraf.influx") {
		f.Add(line, uint8(0))
	}
	f.Add([]byte(`my\ m\,x,t\=k=v\\,p=C:\temp f\ k=1e3,b=T,s="a\"b",u=5u,i=-3i 1772359200`), uint8(3))
	ps := make([]Parser, len(precisions))
	for i, pr := range precisions {
		ps[i] = mustParser(f, FormatInflux, Options{Precision: pr.name})
	}
	f.Fuzz(func(t *testing.T, line []byte, prec uint8) {
		i := int(prec) % len(precisions)
		got := outcomeOf(t, ps[i], line)
		if want := refInflux(line, precisions[i].ns); !got.equal(want) {
			t.Fatalf("unexpected outcome for %q in %q;\ngot  %v;\nwant %v", line, precisions[i].name, got, want)
		}
		if got.kind == "ok" {
			influxRoundTrip(t, ps[i], line, precisions[i].ns)
		}
	})
}

// influxRoundTrip writes each sample of line as a line of its own, the
// name as the measurement and "v" the field, and checks it reads back.
func influxRoundTrip(t *testing.T, p Parser, line []byte, ns int64) {
	t.Helper()
	var lines []string
	var want []string
	var s Sample
	p.Parse(line, &s)
	for ok := true; ok; ok = p.Next(&s) {
		var b strings.Builder
		b.WriteString(escapeInflux(string(s.Name), ", "))
		for _, l := range s.Labels {
			b.WriteString("," + escapeInflux(string(l.Name), ",= ") + "=" + escapeInflux(string(l.Value), ",= "))
		}
		b.WriteString(" v=" + strconv.FormatFloat(s.Value, 'g', -1, 64))
		if s.Time != NoTime {
			b.WriteString(" " + strconv.FormatInt(s.Time/ns, 10))
		}
		lines = append(lines, b.String())
		s.Name = append(bytes.Clone(s.Name), "_v"...)
		want = append(want, format(&s))
	}
	for i, l := range lines {
		got, err := parseAll(p, []byte(l))
		if err != nil || len(got) != 1 || got[0] != want[i] {
			t.Fatalf("unexpected round trip of %q through %q; got %q, %v; want %q", line, l, got, err, want[i])
		}
	}
}

// escapeInflux escapes the backslashes of s and the bytes of special.
func escapeInflux(s, special string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || strings.IndexByte(special, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func FuzzParseProm(f *testing.F) {
	// A seed per family ("# TYPE" and its samples): small inputs mutate
	// fast, where whole pages take the fuzzer minutes to minimize.
	for _, name := range []string{"node_exporter.prom", "federate.prom"} {
		var family [][]byte
		for _, line := range readLines(f, name) {
			if bytes.HasPrefix(line, []byte("# TYPE")) && len(family) > 0 {
				f.Add(bytes.Join(family, []byte("\n")))
				family = family[:0]
			}
			family = append(family, line)
		}
		f.Add(bytes.Join(family, []byte("\n")))
	}
	f.Add([]byte("# TYPE x counter\nx_total{a=\"\\\\\\\"\\n\\q\",} +Inf -5\r\n#EOF\nx 1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := mustParser(t, FormatProm, Options{})
		var ref refProm
		for _, line := range refLines(data) {
			got := outcomeOf(t, p, line)
			if want := ref.line(line); !got.equal(want) {
				t.Fatalf("unexpected outcome for %q;\ngot  %v;\nwant %v", line, got, want)
			}
			if got.kind == "ok" {
				promRoundTrip(t, p, line)
			}
		}
	})
}

// promRoundTrip writes the sample of line back with its labels escaped
// and checks that a new parser reads the same, and that the name is the
// line's own bytes.
func promRoundTrip(t *testing.T, p Parser, line []byte) {
	t.Helper()
	var s Sample
	p.Parse(line, &s)
	if !parsertest.Within(line, s.Name) {
		t.Fatalf("unexpected name %q for %q: not within the line", s.Name, line)
	}
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	var b strings.Builder
	b.Write(s.Name)
	b.WriteByte('{')
	for _, l := range s.Labels {
		b.WriteString(string(l.Name) + `="` + esc.Replace(string(l.Value)) + `",`)
	}
	b.WriteString("} " + strconv.FormatFloat(s.Value, 'g', -1, 64))
	if s.Time != NoTime {
		b.WriteString(" " + strconv.FormatInt(s.Time/1e6, 10))
	}
	s.Type = TypeUntyped // a new parser has seen no "# TYPE"
	want := format(&s)
	got, err := parseAll(mustParser(t, FormatProm, Options{}), []byte(b.String()))
	if err != nil || len(got) != 1 || got[0] != want {
		t.Fatalf("unexpected round trip of %q through %q; got %q, %v; want %q", line, b.String(), got, err, want)
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, line := range readLines(f, "metrics.jsonl") {
		f.Add(line)
	}
	f.Add([]byte(`{"ts":"1772359200.5","metric":"m","value":"-Inf","tags":{"a":"\u00e9\"","n":-1.5e3,"z":null},"b":true,"type":"gauge"}`))
	p := mustParser(f, FormatJSON, Options{})
	f.Fuzz(func(t *testing.T, line []byte) {
		got := outcomeOf(t, p, line)
		want := refJSON(line)
		if want.kind == "skip" {
			return
		}
		if !got.equal(want) {
			t.Fatalf("unexpected outcome for %q;\ngot  %v;\nwant %v", line, got, want)
		}
		if got.kind == "ok" {
			jsonRoundTrip(t, p, line)
		}
	})
}

// jsonRoundTrip writes the sample of line back with encoding/json (the
// time as RFC 3339, NaN and ±Inf as strings) and checks it reads the
// same.
func jsonRoundTrip(t *testing.T, p Parser, line []byte) {
	t.Helper()
	var s Sample
	p.Parse(line, &s)
	str := func(b []byte) string {
		out, _ := json.Marshal(string(b))
		return string(out)
	}
	var b strings.Builder
	b.WriteString(`{"name":` + str(s.Name) + `,"value":`)
	if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
		b.WriteString(`"` + strconv.FormatFloat(s.Value, 'g', -1, 64) + `"`)
	} else {
		b.WriteString(strconv.FormatFloat(s.Value, 'g', -1, 64))
	}
	if s.Time != NoTime {
		ts := time.Unix(0, s.Time).UTC()
		if ts.Year() > parsers.MaxYear {
			return // beyond what an RFC 3339 time may say here
		}
		b.WriteString(`,"ts":"` + ts.Format(time.RFC3339Nano) + `"`)
	}
	if s.Type != TypeUntyped {
		b.WriteString(`,"type":"` + s.Type.String() + `"`)
	}
	b.WriteString(`,"labels":{`)
	for i, l := range s.Labels {
		if !utf8.Valid(l.Name) || !utf8.Valid(l.Value) {
			return // encoding/json would not keep the bytes
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(str(l.Name) + ":" + str(l.Value))
	}
	b.WriteString("}}")
	want := format(&s)
	got, err := parseAll(mustParser(t, FormatJSON, Options{}), []byte(b.String()))
	if err != nil || len(got) != 1 || got[0] != want {
		t.Fatalf("unexpected round trip of %q through %q; got %q, %v; want %q", line, b.String(), got, err, want)
	}
}
