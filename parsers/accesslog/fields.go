package accesslog

// isDash reports whether v is "-", the mark of an absent value.
func isDash(v []byte) bool { return len(v) == 1 && v[0] == '-' }

// isTCPRequest reports whether v, a request line, is Envoy's "- - -"
// (method, path and protocol all absent): a TCP proxy connection.
func isTCPRequest(v []byte) bool { return string(v) == "- - -" }

// hasArgs reports whether $args or %q has a query string to add to the
// path: not "" (Apache, no query) or "-" (nginx, no query). Apache's "?"
// for an empty query is kept, as in the request line.
func hasArgs(v []byte) bool {
	return len(v) > 0 && !isDash(v)
}
