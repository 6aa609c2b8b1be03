package endpoint

import "bytes"

// Placeholder is the key of a request that has no target, such as the
// request line "-" that servers log for a connection closed before a request
// arrived.
const Placeholder = "-"

// IDSegment replaces ID-like path segments in a key.
const IDSegment = "{id}"

// Append appends the endpoint key of a request to dst and returns the
// extended slice: method, a space and the path of target without the query
// string or fragment, with ID-like segments replaced by [IDSegment]. See the
// package documentation for the exact rules.
//
// It allocates only when dst lacks capacity.
func Append(dst, method, target []byte) []byte {
	path := pathOf(target)
	if len(path) == 0 || (len(path) == 1 && path[0] == '-') {
		return append(dst, Placeholder...)
	}
	if len(method) == 0 {
		dst = append(dst, '-')
	} else {
		dst = append(dst, method...)
	}
	dst = append(dst, ' ')
	for {
		i := bytes.IndexByte(path, '/')
		if i < 0 {
			i = len(path)
		}
		if isID(path[:i]) {
			dst = append(dst, IDSegment...)
		} else {
			dst = append(dst, path[:i]...)
		}
		if i == len(path) {
			return dst
		}
		dst = append(dst, '/')
		path = path[i+1:]
	}
}

// pathOf returns the path of a request target: the target up to its first
// '?' or '#', without the scheme and authority of an absolute-form target.
func pathOf(target []byte) []byte {
	if n := schemeLen(target); n > 0 {
		rest := target[n:]
		for i, c := range rest {
			switch c {
			case '/':
				return cutQuery(rest[i:])
			case '?', '#':
				return rootPath
			}
		}
		return rootPath
	}
	return cutQuery(target)
}

var rootPath = []byte("/")

// schemeLen returns the length of a leading "http://" or "https://", in any
// case, and 0 when target has neither.
func schemeLen(t []byte) int {
	if len(t) < 7 || t[0]|0x20 != 'h' || t[1]|0x20 != 't' || t[2]|0x20 != 't' || t[3]|0x20 != 'p' {
		return 0
	}
	n := 4
	if t[n]|0x20 == 's' {
		n++
	}
	if len(t) < n+3 || t[n] != ':' || t[n+1] != '/' || t[n+2] != '/' {
		return 0
	}
	return n + 3
}

// cutQuery returns p up to its first '?' or '#'.
func cutQuery(p []byte) []byte {
	// Two scans with the vectorized bytes.IndexByte rather than one byte
	// loop: targets are often long (percent-encoded search filters).
	if i := bytes.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if i := bytes.IndexByte(p, '#'); i >= 0 {
		p = p[:i]
	}
	return p
}
