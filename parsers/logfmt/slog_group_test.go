package logfmt

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseSlogGroups reads what log/slog's text handler writes for
// slog.Group("req", ...) and slog.Group("res", ...): the grouped keys fill
// the record as jsonlog's "req" and "res" objects do, with the values
// logged; a plain key wins over a grouped one; and a group's key of
// another role (req.status) or another group (user.method) fills
// nothing.
func TestParseSlogGroups(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("handled", slog.Group("req", "method", "GET", "url", "/x?a=1", "proto", "HTTP/1.1", "remote_addr", "10.0.0.1"),
		slog.Group("res", "status", 200, "bytes", 512))
	log.Info("handled", "path", "/plain", slog.Group("request", "method", "POST", "path", "/grouped"))
	log.Warn("about a request", slog.Group("req", "status", 503), slog.Group("user", "method", "PUT"))
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 3 {
		t.Fatalf("unexpected slog output %q; want 3 lines", buf.Bytes())
	}

	type want struct {
		kind                  parsers.Kind
		method, target, proto string
		client                string
		status                int
		bytes                 int64
	}
	p := NewParser(Options{})
	f := func(line []byte, w want) {
		t.Helper()
		var r parsers.Record
		if err := p.Parse(line, &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		got := want{r.Kind, string(r.Method), string(r.Target), string(r.Proto), string(r.Client), r.Status, r.Bytes}
		if got != w {
			t.Fatalf("unexpected record for %q; got %+v; want %+v", line, got, w)
		}
		ref, reason := refParse(line, "")
		if reason != "" {
			t.Fatalf("reference rejects %q: %s", line, reason)
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %q (-reference +got):\n%s", line, d)
		}
	}
	f(lines[0], want{parsers.KindHTTP, "GET", "/x?a=1", "HTTP/1.1", "10.0.0.1", 200, 512})
	f(lines[1], want{parsers.KindHTTP, "POST", "/plain", "", "", 0, -1})
	f(lines[2], want{parsers.KindApp, "", "", "", "", 0, -1})
	parsertest.NoAllocs(t, p, lines, "slog lines with groups")
}
