package parsers

import "bytes"

// NextField returns the field of line that starts at pos and the position
// of the next one: a field is a run of bytes up to sep, or a double-quoted
// string, returned without its quotes, that ends at the first quote a
// backslash does not escape (escapes are kept as they are). The run of sep
// bytes after a field is skipped. ok is false at the end of the line
// (pos >= len(line)) and for an unterminated quote, where next is pos.
// NextField allocates nothing; field aliases line.
func NextField(line []byte, pos int, sep byte) (field []byte, next int, ok bool) {
	if pos >= len(line) {
		return nil, pos, false
	}
	var end int
	if line[pos] == '"' {
		q := QuotedEnd(line, pos+1)
		if q < 0 {
			return nil, pos, false
		}
		field, end = line[pos+1:q], q+1
		if end < len(line) && line[end] != sep {
			return nil, pos, false
		}
	} else {
		end = bytes.IndexByte(line[pos:], sep)
		if end < 0 {
			end = len(line)
		} else {
			end += pos
		}
		field = line[pos:end]
	}
	for end < len(line) && line[end] == sep {
		end++
	}
	return field, end, true
}

// QuotedEnd returns the position of the first double quote at or after
// pos that a backslash does not escape, or -1.
func QuotedEnd(line []byte, pos int) int {
	start := pos
	for {
		i := bytes.IndexByte(line[pos:], '"')
		if i < 0 {
			return -1
		}
		q := pos + i
		b := q
		for b > start && line[b-1] == '\\' {
			b--
		}
		if (q-b)%2 == 0 {
			return q
		}
		pos = q + 1
	}
}

// Dash returns v, or nil when v is empty or "-": the field is absent.
func Dash(v []byte) []byte {
	if len(v) == 0 || len(v) == 1 && v[0] == '-' {
		return nil
	}
	return v
}

// SplitRequest splits a request line, "GET /path?q HTTP/1.1", into method,
// target and protocol. Runs of spaces separate them. A request without a
// protocol is HTTP/0.9 ("GET /"): proto is nil. Everything between the
// method and the protocol is the target, spaces included. A request of one
// token is taken as the target; "-" and "" give three nils.
func SplitRequest(v []byte) (method, target, proto []byte) {
	v = TrimSpaces(v)
	sp := bytes.IndexByte(v, ' ')
	if sp < 0 {
		return nil, Dash(v), nil
	}
	method = Dash(v[:sp])
	rest := v[sp+1:]
	i := bytes.LastIndexByte(rest, ' ') // -1: rest is one token
	if last := rest[i+1:]; bytes.HasPrefix(last, []byte("HTTP/")) {
		proto = last
		rest = rest[:i+1]
	}
	return method, Dash(TrimSpaces(rest)), proto
}

// TrimSpaces trims ASCII spaces (not tabs) from both ends of v.
func TrimSpaces(v []byte) []byte {
	for len(v) > 0 && v[0] == ' ' {
		v = v[1:]
	}
	for len(v) > 0 && v[len(v)-1] == ' ' {
		v = v[:len(v)-1]
	}
	return v
}

// SplitURL splits an absolute URL, "https://host:443/path?q", into its
// host (port included) and its target ("/path?q", "/" when the URL has no
// path). Anything that does not start with a scheme and "://" is returned
// as the target with a nil host. Both alias u, except the "/" of a URL
// without a path, which is a shared read-only slice.
func SplitURL(u []byte) (host, target []byte) {
	i := bytes.Index(u, []byte("://"))
	if i <= 0 || bytes.IndexByte(u[:i], '/') >= 0 {
		return nil, u
	}
	rest := u[i+3:]
	j := bytes.IndexAny(rest, "/?")
	if j < 0 {
		return rest, slash[:1:1]
	}
	if rest[j] == '?' {
		// "https://h?q": the target is "/?q", which is not in the line;
		// keep "?q", which endpoint keys read as the root.
		return rest[:j], rest[j:]
	}
	return rest[:j], rest[j:]
}

var slash = []byte("/")

// TrimCR returns line without its trailing '\r', if any: a line of a file
// written with CRLF line ends.
func TrimCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// HostOfAddr returns the host of "host:port", without the brackets of
// "[v6]:port", or nil when v does not end in ':' and a port of 1 to 18
// digits. The result aliases v.
func HostOfAddr(v []byte) []byte {
	i := bytes.LastIndexByte(v, ':')
	if i <= 0 {
		return nil
	}
	if _, ok := ParseCount(v[i+1:]); !ok {
		return nil
	}
	h := v[:i]
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	return h
}
