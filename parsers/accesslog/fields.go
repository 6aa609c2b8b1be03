package accesslog

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// isDash reports whether v is "-", the mark of an absent value.
func isDash(v []byte) bool { return len(v) == 1 && v[0] == '-' }

// isTCPRequest reports whether v, a request line, is Envoy's "- - -"
// (method, path and protocol all absent): a TCP proxy connection.
func isTCPRequest(v []byte) bool { return string(v) == "- - -" }

// firstAddress returns the first address of an X-Forwarded-For list,
// "client, proxy1, proxy2", or nil when there is none.
func firstAddress(v []byte) []byte {
	if i := bytes.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return parsers.Dash(parsers.TrimSpaces(v))
}

// hasArgs reports whether $args or %q has a query string to add to the
// path: not "" (Apache, no query) or "-" (nginx, no query). Apache's "?"
// for an empty query is kept, as in the request line.
func hasArgs(v []byte) bool {
	return len(v) > 0 && !isDash(v)
}

// peerHost returns the host of Envoy's "host:port" or "[v6]:port" peer
// address, whose port differs on every connection: one client, one key.
// Any other address (a bare IPv6 one, a Unix socket path) is returned as
// it is.
func peerHost(v []byte) []byte {
	h := parsers.HostOfAddr(v)
	if h == nil || v[0] != '[' && bytes.IndexByte(h, ':') >= 0 {
		return v
	}
	return h
}
