package jsonlog

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("cannot read test data: %v", err)
	}
	return b
}

// caddyEntry is the part of a Caddy log entry the test looks at, decoded
// with encoding/json.
type caddyEntry struct {
	Level   string      `json:"level"`
	TS      json.Number `json:"ts"`
	Logger  string      `json:"logger"`
	Msg     string      `json:"msg"`
	Request struct {
		ClientIP string              `json:"client_ip"`
		Proto    string              `json:"proto"`
		Method   string              `json:"method"`
		URI      string              `json:"uri"`
		Headers  map[string][]string `json:"headers"`
	} `json:"request"`
	Duration json.Number `json:"duration"`
	Size     int64       `json:"size"`
	Status   int         `json:"status"`
}

// decimalTo converts a decimal number of seconds to an integer count of
// 10^-digits seconds, truncating: decimalTo("0.017557019", 6) is 17557.
func decimalTo(t *testing.T, s string, digits int) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + strings.Repeat("0", digits))[:digits]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("cannot convert %q: %v", s, err)
	}
	return n
}

// TestCaddy checks every line of the two Caddy logs against values derived
// from the same lines with encoding/json, and against the reference.
func TestCaddy(t *testing.T) {
	f := func(name string, wantAccess, wantApp int) {
		t.Helper()
		p := NewParser(Options{})
		access, app := 0, 0
		for _, line := range refLines(mustRead(t, "testdata/"+name)) {
			var e caddyEntry
			js := line[bytes.IndexByte(line, '{'):]
			if err := json.Unmarshal(js, &e); err != nil {
				t.Fatalf("cannot decode %s line %q: %v", name, line, err)
			}
			want := result{
				Kind:     parsers.KindApp,
				Time:     decimalTo(t, e.TS.String(), 9),
				Level:    e.Level,
				Message:  e.Msg,
				Bytes:    -1,
				Duration: -1,
				Upstream: -1,
			}
			if strings.HasPrefix(e.Logger, "http.log.access") {
				access++
				want.Kind = parsers.KindHTTP
				want.Method = e.Request.Method
				want.Target = e.Request.URI
				want.Proto = e.Request.Proto
				want.Client = e.Request.ClientIP
				want.UserAgent = e.Request.Headers["User-Agent"][0]
				if ref := e.Request.Headers["Referer"]; len(ref) > 0 {
					want.Referer = ref[0]
				}
				want.Status = e.Status
				want.Bytes = e.Size
				want.Duration = decimalTo(t, e.Duration.String(), 6)
			} else {
				app++
			}
			var r parsers.Record
			got := resultOf(&r, p.Parse(line, &r))
			if got != want {
				t.Errorf("unexpected record for %s line %q;\ngot  %s;\nwant %s", name, line, got, want)
			}
			if ref := parseRef(line, ""); ref != want {
				t.Errorf("unexpected reference record for %s line %q;\ngot  %s;\nwant %s", name, line, ref, want)
			}
		}
		if access != wantAccess || app != wantApp {
			t.Errorf("unexpected entries in %s; got %d access and %d app; want %d and %d", name, access, app, wantAccess, wantApp)
		}
	}
	f("logfile_caddy_log.1", 4, 0)
	f("logfile_caddy_log.0", 4, 35)
}

// TestCaddyValues pins a few values of the real lines, written out by hand,
// in case the encoding/json derivation above and the parser agree on a
// mistake.
func TestCaddyValues(t *testing.T) {
	lines := refLines(mustRead(t, "testdata/logfile_caddy_log.1"))
	p := NewParser(Options{})
	var r parsers.Record
	if err := p.Parse(lines[0], &r); err != nil {
		t.Fatalf("unexpected error for %q: %v", lines[0], err)
	}
	got := resultOf(&r, nil).String()
	want := `http time=1716723772601480700 level="info" msg="handled request" status=200 method="GET" ` +
		`target="/gentoo/gentoo-distfiles/distfiles/9b/tl-hrlatex.source-2021.tar.xz" proto="HTTP/2.0" ` +
		`client="10.10.10.117" ua="facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)" ` +
		`bytes=3768 duration=17557`
	if got != want {
		t.Errorf("unexpected record for %q;\ngot  %s;\nwant %s", lines[0], got, want)
	}
	if err := p.Parse(lines[3], &r); err != nil {
		t.Fatalf("unexpected error for %q: %v", lines[3], err)
	}
	if got, want := string(r.Client), "240e:1:1::1234"; got != want {
		t.Errorf("unexpected client for %q; got %q; want %q", lines[3], got, want)
	}
	if got, want := string(r.Referer), "https://mirrors.tnonline.net/gentoo/gentoo-portage/app-dicts/aspell-lt/"; got != want {
		t.Errorf("unexpected referer for %q; got %q; want %q", lines[3], got, want)
	}
	if got, want := r.Duration, int64(275); got != want {
		t.Errorf("unexpected duration for %q; got %d; want %d", lines[3], got, want)
	}
}
