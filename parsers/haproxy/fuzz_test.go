package haproxy

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// FuzzParse checks that the parser never panics, agrees with the regexp
// reference, and fills records with sub-slices of the line.
func FuzzParse(f *testing.F) {
	parsertest.SeedLines(f, samples...)
	f.Fuzz(func(t *testing.T, line []byte) {
		var r parsers.Record
		err := NewParser().Parse(line, &r)
		ref, refOK := refParse(line)
		if (err == nil) != refOK {
			t.Fatalf("unexpected result for %q; got %v; reference accepts: %v", line, err, refOK)
		}
		if err != nil {
			parsertest.SyntaxError(t, line, err, nil)
			return
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %q (-reference +got):\n%s", line, d)
		}
		for _, s := range [][]byte{r.Client, r.Method, r.Target, r.Proto} {
			if len(s) > 0 && !bytes.Contains(line, s) {
				t.Fatalf("unexpected field %q for %q", s, line)
			}
		}
	})
}

// fuzzFormats are the log-formats FuzzParseLogFormat tries: HAProxy's
// httplog and CLF, a real custom one, and one of every other mapped
// variable (the reference cannot tell an unquoted %r apart from the
// fields after it as the parser does, so it is left out).
var fuzzFormats = []string{httplogFormat, clfFormat, hostFormat,
	`%ci:%cp %Ts.%ms %HM %HU %HV %ST %B %Ta %Tr %{+Q}[req.hdr(host)] %{+Q}[req.hdr(user-agent)] %{+Q}[req.hdr(referer)]`,
	`%{+Q}o %ci [%Tl] %HM %HP %ST %B %Tt %hr %hs %b`,
}

// FuzzParseLogFormat checks that the parser of a log-format never
// panics, agrees with the regexp reference and fills records with
// sub-slices of the line.
func FuzzParseLogFormat(f *testing.F) {
	for i := range fuzzFormats {
		for _, name := range append(samples, "gen_haproxy_clf.log") {
			for _, line := range parsertest.ReadLines(f, name) {
				f.Add(uint8(i), line)
			}
		}
	}
	ps := make([]*FormatParser, len(fuzzFormats))
	refs := make([]*refFormat, len(fuzzFormats))
	for i, format := range fuzzFormats {
		ps[i], refs[i] = NewFormatParser(mustCompile(f, format)), refCompile(f, format)
	}
	f.Fuzz(func(t *testing.T, which uint8, line []byte) {
		i := int(which) % len(fuzzFormats)
		var r parsers.Record
		err := ps[i].Parse(line, &r)
		ref, refOK := refs[i].parse(line)
		if (err == nil) != refOK {
			t.Fatalf("unexpected result for %q with %q; got %v; reference accepts: %v", line, fuzzFormats[i], err, refOK)
		}
		if err != nil {
			parsertest.SyntaxError(t, line, err, nil)
			return
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %q with %q (-reference +got):\n%s", line, fuzzFormats[i], d)
		}
		for _, s := range [][]byte{r.Client, r.Method, r.Target, r.Proto, r.Host, r.UserAgent, r.Referer} {
			if !parsertest.Within(line, s) {
				t.Fatalf("unexpected field %q for %q: not a sub-slice of the line", s, line)
			}
		}
	})
}

// FuzzCompileLogFormat checks that compiling any format either fails
// with an error or gives a parser that reads a line without panicking.
func FuzzCompileLogFormat(f *testing.F) {
	for _, format := range fuzzFormats {
		f.Add(format, "10.0.1.2:1 [06/Mar/2026:12:14:14.655] a b/c 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"")
	}
	f.Fuzz(func(t *testing.T, format, line string) {
		lf, err := CompileLogFormat(format)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "cannot compile haproxy log-format") {
				t.Fatalf("unexpected error for %q; got %v", format, err)
			}
			return
		}
		var r parsers.Record
		if err := NewFormatParser(lf).Parse([]byte(line), &r); err != nil {
			parsertest.SyntaxError(t, []byte(line), err, nil)
		}
	})
}
