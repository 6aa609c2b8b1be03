package logfmt

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseClient: a client logged with its port (Go's r.RemoteAddr,
// "10.0.0.1:51234" or "[2001:db8::1]:443") is the host alone, so that
// the connections of one client count as one; a bare IPv6 address, with
// no port, stays whole ([parsers.ClientHost]). Each case is also checked
// against the regexp reference.
func TestParseClient(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("handled", "method", "GET", "path", "/a", "remote_addr", "10.0.0.1:51234")
	log.Info("handled", "method", "GET", "path", "/a", "remote_addr", "10.0.0.1:51235")
	log.Info("handled", slog.Group("req", "method", "GET", "url", "/b", "remote_addr", "[2001:db8::1]:443"))
	slogLines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	if len(slogLines) != 3 {
		t.Fatalf("unexpected slog output %q; want 3 lines", buf.Bytes())
	}

	mapped, err := parsers.ParseFieldSpecs([]string{"client=client"})
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	f := func(line []byte, fields []parsers.FieldSpec, want string) {
		t.Helper()
		var r parsers.Record
		if err := NewParser(Options{Fields: fields}).Parse(line, &r); err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		if string(r.Client) != want {
			t.Fatalf("unexpected client for %q; got %q; want %q", line, r.Client, want)
		}
		ref, reason := refParseFields(line, "", fields)
		if reason != "" {
			t.Fatalf("reference rejects %q: %s", line, reason)
		}
		if d := parsertest.RecordDiff(ref, r); d != "" {
			t.Fatalf("unexpected record for %q (-reference +got):\n%s", line, d)
		}
		if fields == nil {
			lines = append(lines, line)
		}
	}
	f(slogLines[0], nil, "10.0.0.1")
	f(slogLines[1], nil, "10.0.0.1")
	f(slogLines[2], nil, "2001:db8::1")
	f([]byte(`method=GET path=/ remote_addr=2001:db8::1`), nil, "2001:db8::1")
	f([]byte(`method=GET path=/ remote_addr=::1`), nil, "::1")
	f([]byte(`method=GET path=/ ip="[::1]:8080"`), nil, "::1")
	f([]byte(`method=GET path=/ client_ip=host.example:8080`), nil, "host.example")
	f([]byte(`method=GET path=/ remote_addr=:80`), nil, ":80")
	f([]byte(`method=GET path=/ remote_addr=-:80`), nil, "")
	f([]byte(`at=info method=GET path="/" fwd="1.2.3.4" status=200`), nil, "1.2.3.4")
	f([]byte(`at=info method=GET path="/" fwd="[2001:db8::7]:5000, 10.0.0.1" status=200`), nil, "2001:db8::7")
	f([]byte(`method=GET path=/ client=[2001:db8::1]:443`), mapped, "2001:db8::1")
	parsertest.NoAllocs(t, NewParser(Options{}), lines, "clients with ports")
}
