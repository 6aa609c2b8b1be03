package parsers

import "bytes"

// ClientHost returns the host of a client address logged with its port,
// "host:port" or "[v6]:port" (Go's RemoteAddr, Envoy's
// %DOWNSTREAM_REMOTE_ADDRESS%, Traefik's ClientAddr), without the port and
// the brackets: the port differs on every connection, and a client must be
// one key. Any other address is returned as it is: a bare IPv6 address
// ("2001:db8::1", whose last group is no port), a host name, a socket
// path, an empty host (":80") or a port that is not 1 to 18 digits
// ([HostOfAddr]'s rule). The result aliases v; ClientHost allocates
// nothing.
func ClientHost(v []byte) []byte {
	h := HostOfAddr(v)
	if len(h) == 0 || hasBracket(h) || v[0] != '[' && bytes.IndexByte(h, ':') >= 0 {
		return v
	}
	return h
}

// Client returns the client a logged address or address list names: its
// first address ([FirstAddress]) without a port ([ClientHost]); nil when
// it names none ("", "-", also "-:80" once the port is dropped). It is
// the one rule of every parser's client field. The result aliases v.
func Client(v []byte) []byte { return Dash(ClientHost(FirstAddress(v))) }

// hasBracket reports whether h holds '[' or ']': "[a]b:80" or "[[a]]:80"
// is no "[v6]:port".
func hasBracket(h []byte) bool {
	return bytes.IndexByte(h, '[') >= 0 || bytes.IndexByte(h, ']') >= 0
}

// FirstAddress returns the first address of a list, "a, b" as
// X-Forwarded-For and the Heroku router's fwd hold them (the client
// first, then each proxy), trimmed of spaces; nil when it is "" or "-".
// A value without a comma is one address. The result aliases v.
func FirstAddress(v []byte) []byte {
	if i := bytes.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return Dash(TrimSpaces(v))
}
