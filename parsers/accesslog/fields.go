package accesslog

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// dash returns v, or nil when v is empty or "-": the field is absent.
func dash(v []byte) []byte {
	if len(v) == 0 || isDash(v) {
		return nil
	}
	return v
}

func isDash(v []byte) bool { return len(v) == 1 && v[0] == '-' }

// setRequest splits a request line, "GET /path?q HTTP/1.1", into method,
// target and protocol. Runs of spaces separate them. A request without a
// protocol is HTTP/0.9 ("GET /"): Proto stays nil. Everything between the
// method and the protocol is the target, spaces included. A request of one
// token is taken as the target; "-" and "" leave all three nil.
func setRequest(r *parsers.Record, v []byte) {
	v = trimSpaces(v)
	sp := bytes.IndexByte(v, ' ')
	if sp < 0 {
		r.Target = dash(v)
		return
	}
	r.Method = dash(v[:sp])
	rest := v[sp+1:]
	i := bytes.LastIndexByte(rest, ' ') // -1: rest is one token
	if last := rest[i+1:]; bytes.HasPrefix(last, []byte("HTTP/")) {
		r.Proto = last
		rest = rest[:i+1]
	}
	r.Target = dash(trimSpaces(rest))
}

func trimSpaces(v []byte) []byte {
	for len(v) > 0 && v[0] == ' ' {
		v = v[1:]
	}
	for len(v) > 0 && v[len(v)-1] == ' ' {
		v = v[:len(v)-1]
	}
	return v
}

// firstAddress returns the first address of an X-Forwarded-For list,
// "client, proxy1, proxy2", or nil when there is none.
func firstAddress(v []byte) []byte {
	if i := bytes.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return dash(trimSpaces(v))
}

// hasArgs reports whether $args or %q has a query string to add to the
// path: not "" (Apache, no query) or "-" (nginx, no query). Apache's "?"
// for an empty query is kept, as in the request line.
func hasArgs(v []byte) bool {
	return len(v) > 0 && !isDash(v)
}
