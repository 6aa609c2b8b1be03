package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestTextTCP: the text report says how many lines were TCP proxy
// connections, under REQUESTS, in an access log and in an application
// log, and says nothing when there were none.
func TestTextTCP(t *testing.T) {
	f := func(k Kinds, want string) {
		t.Helper()
		r := sampleReport()
		r.Input.Kinds = k
		var b bytes.Buffer
		if err := WriteText(&b, r); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		i := strings.Index(out, "\nREQUESTS ")
		j := strings.Index(out, "\nLATENCY")
		if i < 0 || j < i {
			t.Fatalf("unexpected report without REQUESTS then LATENCY:\n%s", out)
		}
		got := ""
		for _, line := range strings.Split(out[i:j], "\n") {
			if strings.Contains(line, "TCP") {
				got = line
			}
		}
		if got != want {
			t.Fatalf("unexpected TCP line for %+v; got %q; want %q", k, got, want)
		}
	}
	f(Kinds{HTTP: 1200}, "")
	f(Kinds{HTTP: 1200, TCP: 2}, "  2 TCP connections (not HTTP requests): in no request, latency or client figure")
	f(Kinds{HTTP: 1200, TCP: 1}, "  1 TCP connection (not HTTP requests): in no request, latency or client figure")
	f(Kinds{App: 5, TCP: 12345}, "  12,345 TCP connections (not HTTP requests): in no request, latency or client figure")
}
