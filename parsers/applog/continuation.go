package applog

import "bytes"

// continuationPrefixes start the lines of Java stack traces and Python
// tracebacks that are not indented.
var continuationPrefixes = [...]string{
	"at ",
	"Caused by:",
	"Suppressed:",
	"Exception in thread ",
	"Traceback (",
	"During handling of the above exception",
	"The above exception was the direct cause",
	"...",
}

// isContinuation reports whether line, which has no leading timestamp,
// continues the record above it: it starts with a space or a tab, with
// one of continuationPrefixes, or is an exception header, "Name: …" or
// "Name" alone where Name is a (dotted) identifier ending in Exception,
// Error or Throwable ("java.lang.IllegalStateException: boom",
// "ValueError: bad", "Error: boom").
func isContinuation(line []byte) bool {
	if len(line) == 0 {
		return false
	}
	if line[0] == ' ' || line[0] == '\t' {
		return true
	}
	for _, p := range continuationPrefixes {
		if len(line) >= len(p) && string(line[:len(p)]) == p {
			return true
		}
	}
	return exceptionHeader(line)
}

// exceptionHeader reports whether what precedes the first ':' of line (or
// all of it) is an identifier of [A-Za-z0-9_$.] not starting with a digit
// or '.', ending in Exception, Error or Throwable; or a class in a module
// of two levels or more (a.b.Name, the last in capitals first), as
// Python ends a traceback with exceptions of any name:
// "requests.exceptions.ConnectTimeout: ...",
// "shop.models.Order.DoesNotExist".
func exceptionHeader(line []byte) bool {
	name := line
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name = line[:i]
	}
	if len(name) == 0 || isDigit(name[0]) || name[0] == '.' {
		return false
	}
	for _, c := range name {
		if !isAlnum(c) && c != '_' && c != '$' && c != '.' {
			return false
		}
	}
	return bytes.HasSuffix(name, []byte("Exception")) || bytes.HasSuffix(name, []byte("Error")) || bytes.HasSuffix(name, []byte("Throwable")) ||
		moduleClass(name)
}

// moduleClass reports whether name, of [A-Za-z0-9_$.], is three dotted
// parts or more, none empty or starting with a digit, the last starting
// with a capital.
func moduleClass(name []byte) bool {
	parts := 0
	for len(name) > 0 {
		part, rest, _ := bytes.Cut(name, []byte("."))
		if len(part) == 0 || isDigit(part[0]) {
			return false
		}
		parts++
		if len(rest) == 0 {
			return parts >= 3 && part[0] >= 'A' && part[0] <= 'Z' && len(name) == len(part)
		}
		name = rest
	}
	return false
}
