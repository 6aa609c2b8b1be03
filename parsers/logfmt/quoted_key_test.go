package logfmt

import (
	"errors"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseQuotedKey: a key log/slog's text handler quoted (strconv.Quote
// of a key that is empty or holds a space, '=', '"' or a control
// character) is read, its escapes decoded as a value's, and matched as
// any key; each case also against the regexp reference.
func TestParseQuotedKey(t *testing.T) {
	f := func(o Options, line, wantMsg, wantLevel string) {
		t.Helper()
		var r parsers.Record
		if err := NewParser(o).Parse([]byte(line), &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		if string(r.Message) != wantMsg || string(r.Level) != wantLevel {
			t.Fatalf("unexpected msg, level for %q; got %q, %q; want %q, %q", line, r.Message, r.Level, wantMsg, wantLevel)
		}
		ref, reason := refParseFields([]byte(line), "", o.Fields)
		if reason != "" {
			t.Fatalf("unexpected reference rejection of %q: %s", line, reason)
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %q (-reference +got):\n%s", line, d)
		}
	}
	var none Options
	f(none, `level=INFO msg=m ""=v`, "m", "INFO")
	f(none, `level=INFO msg=m "a b"=1 "k=x"=2 "q\"k"=3 "nl\nk"="x y"`, "m", "INFO")
	f(none, `""="" msg=m`, "m", "")
	// A quoted key is a key: "level" quoted is the level; the last of a
	// repeated key wins, quoted or not.
	f(none, `"level"=warn msg=m`, "m", "warn")
	f(none, `msg=a "msg"=b`, "b", "")
	// A --field mapping names the key unquoted.
	f(Options{Fields: []parsers.FieldSpec{{Role: parsers.RoleMsg, Name: "the msg"}, {Role: parsers.RoleLevel, Name: `a"b`}}},
		`"the msg"=hello "a\"b"=debug`, "hello", "debug")
}

// TestParseQuotedKeyFailure: a quoted key must be closed and followed by
// '='; a quoted string alone is no key (an access log's "GET / HTTP/1.0").
func TestParseQuotedKeyFailure(t *testing.T) {
	f := func(line string) {
		t.Helper()
		var r parsers.Record
		err := NewParser(Options{}).Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) || se.Reason != ReasonSyntax {
			t.Fatalf("unexpected error for %q; got %v; want %q", line, err, ReasonSyntax)
		}
		if _, reason := refParse([]byte(line), ""); reason != ReasonSyntax {
			t.Fatalf("unexpected reference reason for %q; got %q; want %q", line, reason, ReasonSyntax)
		}
	}
	f(`msg=m "a b"`)
	f(`"a b" msg=m`)
	f(`msg=m "a b" =1`)
	f(`msg=m "unterminated=1`)
	f(`msg=m "a"b=1`)
	f(`msg=m ""`)
	f(`msg=m "a b"="x`)
	f(`msg=m "a b"=x"y`)
}

// TestParseQuotedKeyAllocs: quoted keys, escaped or not, allocate
// nothing once the key buffer has grown.
func TestParseQuotedKeyAllocs(t *testing.T) {
	lines := [][]byte{
		[]byte(`level=INFO msg=m ""=v "a b"=1`),
		[]byte(`level=INFO msg=m "q\"k"=3 "nl\nk\tk"="x \"y\""`),
		[]byte(`"level"=warn "msg\\"=b`),
	}
	parsertest.NoAllocs(t, NewParser(Options{}), lines, "lines with quoted keys")
}
