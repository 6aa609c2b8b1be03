package logfmt

import (
	"bytes"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// FuzzParse checks that the parser never panics, agrees with the regexp
// reference (record or reason), and returns fields within the line or its
// buffer.
func FuzzParse(f *testing.F) {
	for _, name := range samples {
		for _, line := range parsertest.ReadLines(f, name) {
			f.Add(line, false)
		}
	}
	f.Add([]byte(`ts=1e3 a= b="\\" status=0 fwd=",x" duration_ns=1.5`+"\r"), true)
	f.Add([]byte(`http.code=503 a.b=/x code=200 t_us=9 path=p h="x y" status=201`), false)
	f.Add([]byte(`level=INFO ""=v "a b"=1 "k=x"="y z" "q\"k"=2 "msg"=m "a.b"=/q`), false)
	f.Fuzz(func(t *testing.T, line []byte, ms bool) {
		unit := ""
		if ms {
			unit = "ms"
		}
		var r parsers.Record
		err := NewParser(Options{DurationUnit: unit}).Parse(line, &r)
		ref, reason := refParse(line, unit)
		compare(t, line, &r, err, ref, reason)
		// The same with --field mappings.
		err = NewParser(Options{DurationUnit: unit, Fields: fuzzMappings}).Parse(line, &r)
		ref, reason = refParseFields(line, unit, fuzzMappings)
		compare(t, line, &r, err, ref, reason)
	})
}

var fuzzMappings = func() []parsers.FieldSpec {
	fs, err := parsers.ParseFieldSpecs([]string{"status=http.code", "path=a.b", "duration=t_us", "msg=path", "host=h", "time=a.b", "status=code"})
	if err != nil {
		panic(err)
	}
	return fs
}()

// compare checks the parser's result against the reference's.
func compare(t *testing.T, line []byte, r *parsers.Record, err error, ref parsers.Record, reason string) {
	t.Helper()
	if err != nil {
		if se := parsertest.SyntaxError(t, line, err, nil); se.Reason != reason {
			t.Fatalf("unexpected reason for %q; got %q; reference %q", line, se.Reason, reason)
		}
		return
	}
	if reason != "" {
		t.Fatalf("unexpected success for %q; reference rejects: %s", line, reason)
	}
	if d := parsertest.RecordDiff(ref, *r); d != "" {
		t.Fatalf("unexpected record for %q (-reference +got):\n%s", line, d)
	}
	for _, s := range [][]byte{r.Client, r.Method, r.Target, r.Host, r.UserAgent, r.Level} {
		if len(s) > 0 && !bytes.Contains(line, s) && !bytes.ContainsRune(s, '\\') && !bytes.ContainsAny(s, "\"\n\r\t\\") {
			t.Fatalf("unexpected field %q for %q: not in the line", s, line)
		}
	}
}
