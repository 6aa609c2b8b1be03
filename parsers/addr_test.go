package parsers_test

import (
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// refPort is the port ClientHost strips: 1 to 18 digits.
var refPort = regexp.MustCompile(`^[0-9]{1,18}$`)

// refClientHost is the reference for [parsers.ClientHost], on
// net.SplitHostPort: the host of "host:port" or "[host]:port" with a
// non-empty host and a port of digits, else s whole.
func refClientHost(s string) string {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" || !refPort.MatchString(port) {
		return s
	}
	return host
}

func TestClientHost(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := string(parsers.ClientHost([]byte(in))); got != want {
			t.Errorf("unexpected host for %q; got %q; want %q", in, got, want)
		}
		if ref := refClientHost(in); ref != want {
			t.Errorf("unexpected reference host for %q; got %q; want %q", in, ref, want)
		}
	}
	f("10.0.0.1:51234", "10.0.0.1")
	f("[2001:db8::1]:443", "2001:db8::1")
	f("[fe80::1%eth0]:80", "fe80::1%eth0")
	f("host.example:8080", "host.example")
	// As they are: no port, or no "host:port".
	f("10.0.0.1", "10.0.0.1")
	f("2001:db8::1", "2001:db8::1")
	f("2001:db8::5", "2001:db8::5")
	f("::1", "::1")
	f("[::1]", "[::1]")
	f(":80", ":80")
	f("[]:80", "[]:80")
	f("h:x", "h:x")
	f("h:", "h:")
	f("[a]b:80", "[a]b:80")
	f("[a]]:80", "[a]]:80")
	f("a]:80", "a]:80")
	f("[a:80", "[a:80")
	f("[]", "[]")
	f("/run/envoy.sock", "/run/envoy.sock")
	f("h:1234567890123456789", "h:1234567890123456789")
	f("", "")
}

func TestClientHostAllocs(t *testing.T) {
	in := []byte("[2001:db8::1]:443")
	if n := testing.AllocsPerRun(100, func() { parsers.ClientHost(in) }); n >= 1 {
		t.Fatalf("unexpected allocations per ClientHost; got %v; want 0", n)
	}
}

// FuzzClientHost compares ClientHost with net.SplitHostPort.
func FuzzClientHost(f *testing.F) {
	for _, s := range []string{"10.0.0.1:51234", "[2001:db8::1]:443", "2001:db8::1", "[]:80", "[a]]:80", ":80", "h:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ref := string(parsers.ClientHost([]byte(s))), refClientHost(s); got != ref {
			t.Fatalf("unexpected host for %q; got %q; reference %q", s, got, ref)
		}
	})
}

func TestFirstAddress(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got := parsers.FirstAddress([]byte(in))
		if string(got) != want || want == "" && got != nil {
			t.Errorf("unexpected first address for %q; got %q; want %q", in, got, want)
		}
		// The reference: the text before the first comma, trimmed.
		ref, _, _ := strings.Cut(in, ",")
		if ref = strings.Trim(ref, " "); ref == "-" {
			ref = ""
		}
		if ref != want {
			t.Errorf("unexpected reference first address for %q; got %q; want %q", in, ref, want)
		}
	}
	f("203.0.113.7", "203.0.113.7")
	f("203.0.113.7, 10.0.0.1", "203.0.113.7")
	f(" 203.0.113.7 ,10.0.0.1", "203.0.113.7")
	f("[2001:db8::1]:443, 10.0.0.1", "[2001:db8::1]:443")
	f("-, 10.0.0.1", "")
	f(", 10.0.0.1", "")
	f("-", "")
	f("", "")
	// Spaces only, not tabs; the port stays (ClientHost drops it).
	f("\t203.0.113.7, 10.0.0.1", "\t203.0.113.7")
	f("203.0.113.7:51234, 10.0.0.1", "203.0.113.7:51234")
}

// TestClient: the client of a logged address or list is its first
// address without a port, none when that is "-" (before or after the
// port goes), as net.SplitHostPort and the list's text tell.
func TestClient(t *testing.T) {
	f := func(in string) {
		t.Helper()
		// The reference: the text before the first comma, trimmed of
		// spaces, without the port where net.SplitHostPort finds one.
		ref, _, _ := strings.Cut(in, ",")
		ref = strings.Trim(ref, " ")
		if h, p, err := net.SplitHostPort(ref); err == nil && h != "" && p != "" && strings.Trim(p, "0123456789") == "" && len(p) <= 18 {
			ref = h
		}
		if ref == "-" {
			ref = ""
		}
		got := parsers.Client([]byte(in))
		if string(got) != ref || ref == "" && got != nil {
			t.Errorf("unexpected client of %q; got %q; want %q", in, got, ref)
		}
	}
	f("203.0.113.7:51234, 10.0.0.1")
	f("[2001:db8::7]:443")
	f("2001:db8::7")
	f("-:80")
	f("[-]:80, 10.0.0.1")
	f("-")
	f("")
	f("client.example")
}
