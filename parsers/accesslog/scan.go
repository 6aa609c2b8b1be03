package accesslog

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// matchLiteral matches lit at line[pos:] and returns the position after it,
// or where it stopped matching and false. A space in lit matches a run of
// one or more spaces.
func matchLiteral(line []byte, pos int, lit string) (int, bool) {
	for i := 0; i < len(lit); i++ {
		if pos >= len(line) || line[pos] != lit[i] {
			return pos, false
		}
		pos++
		if lit[i] == ' ' {
			pos = skipSpaces(line, pos)
		}
	}
	return pos, true
}

func skipSpaces(line []byte, pos int) int {
	for pos < len(line) && line[pos] == ' ' {
		pos++
	}
	return pos
}

// valueEnd returns where the value of field it that starts at pos ends, or
// -1 for an unterminated quote.
func valueEnd(line []byte, pos int, it *item) int {
	switch {
	case it.kind == kRest:
		return len(line)
	case it.quoted:
		return parsers.QuotedEnd(line, pos)
	case it.kind == kTimeLocal:
		return timeLocalEnd(line, pos, it.stop)
	case it.stop2 != 0:
		return loopEnd(line, pos, it.stop, it.stop2)
	case it.kind == kUpstream || it.kind == kForwardedFor || it.kind == kOpaqueList:
		return listEnd(line, pos, it.stop)
	}
	return tokenEnd(line, pos, it.stop)
}

// loopEnd returns the position of the first stop or stop2 at or after pos,
// or len(line). For short tokens (status, user, ...) its plain loop avoids
// the call and setup of bytes.IndexByte.
func loopEnd(line []byte, pos int, stop, stop2 byte) int {
	for pos < len(line) && line[pos] != stop && line[pos] != stop2 {
		pos++
	}
	return pos
}

// tokenEnd returns the position of the first stop at or after pos, or
// len(line).
func tokenEnd(line []byte, pos int, stop byte) int {
	if i := bytes.IndexByte(line[pos:], stop); i >= 0 {
		return pos + i
	}
	return len(line)
}

// listEnd is tokenEnd for a value that is a list whose separators contain
// spaces: "a, b" (X-Forwarded-For, upstream times) and "a : b" (upstream
// times across internal redirects).
func listEnd(line []byte, pos int, stop byte) int {
	for {
		end := tokenEnd(line, pos, stop)
		switch {
		case stop != ' ' || end == len(line):
			return end
		case end > pos && line[end-1] == ',':
			pos = end + 1
		case bytes.HasPrefix(line[end:], []byte(" : ")):
			pos = end + 3
		default:
			return end
		}
	}
}

// timeLocalEnd returns the end of a $time_local value: "-", or the 26
// bytes that Parser.timeLocal checks.
func timeLocalEnd(line []byte, pos int, stop byte) int {
	if pos < len(line) && line[pos] == '-' && (pos+1 == len(line) || line[pos+1] == stop) {
		return pos + 1
	}
	return min(pos+timeLocalLen, len(line))
}

// identUser reads the 0 to 2 tokens that stand for "%l %u" before the '['
// of the time; the last one is the user. It returns where the time starts,
// or where parsing stopped and a reason.
func identUser(line []byte, pos int, r *parsers.Record) (int, string) {
	var user []byte
	for n := 0; pos < len(line) && line[pos] != '['; n++ {
		if n == 2 {
			return pos, ReasonIdentUser
		}
		end := loopEnd(line, pos, ' ', ' ') // mostly "-"
		user = line[pos:end]
		pos = skipSpaces(line, end)
	}
	r.User = parsers.Dash(user)
	return pos, ""
}

// tail reads what may follow the last fixed field of a named format: extra
// quoted fields (when it.tailQuoted) and then an optional duration, or list
// of durations; one whose unit is unknown (unitIgnore) is checked and
// marked in r.TailUnread, not stored. It returns the end of the line, or
// where parsing stopped and a reason.
func (p *Parser) tail(line []byte, pos int, it *item, r *parsers.Record) (int, string) {
	for pos < len(line) {
		if line[pos] != ' ' {
			return pos, ReasonTrailing
		}
		if pos = skipSpaces(line, pos); pos == len(line) {
			break
		}
		if line[pos] == '"' {
			if !it.tailQuoted {
				return pos, ReasonTrailing
			}
			end := parsers.QuotedEnd(line, pos+1)
			if end < 0 {
				return pos, ReasonQuote
			}
			pos = end + 1
			continue
		}
		end := listEnd(line, pos, ' ')
		if skipSpaces(line, end) != len(line) {
			return pos, ReasonTrailing
		}
		d, ok := p.duration(it, line[pos:end])
		if !ok {
			return pos, ReasonDuration
		}
		switch {
		case it.unit != unitIgnore || p.unit != unitAuto:
			r.Duration = d
		case d >= 0:
			r.TailUnread = true
		}
		pos = end
	}
	return pos, ""
}
