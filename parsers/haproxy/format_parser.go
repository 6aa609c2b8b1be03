package haproxy

import (
	"bytes"

	"github.com/vigil-ops/vigil/parsers"
)

// ReasonField and ReasonTrailing are the reasons, besides those of
// [Parser], why a [FormatParser] rejects a line.
const (
	ReasonField    = "cannot parse field"
	ReasonTrailing = "cannot parse end of line"
)

// FormatParser parses the lines of one [Format], with or without a
// syslog prefix (as [Parser]). It is not safe for concurrent use.
type FormatParser struct {
	f   *Format
	err parsers.SyntaxError
	// spare and spareTime take the values of variables that are checked,
	// not stored.
	spare     parsers.Record
	spareTime lineTime
}

// NewFormatParser returns a parser of f's lines.
func NewFormatParser(f *Format) *FormatParser { return &FormatParser{f: f} }

// lineTime is the time of a line as its variables give it.
type lineTime struct {
	// secs is true when the time has whole seconds only (%T, %Ts), which
	// %ms completes.
	secs bool
	ms   int64
}

// Parse fills r from line, after resetting it; a trailing '\r' and
// trailing spaces are ignored. Record fields alias line. On failure it
// returns a *[parsers.SyntaxError] owned by p, valid until the next Parse.
// It allocates nothing.
func (p *FormatParser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	line = bytes.TrimRight(parsers.TrimCR(line), " ")
	if len(line) == 0 {
		return p.fail(0, ReasonEmpty)
	}
	pos := prefixEnd(line)
	r.Kind = parsers.KindHTTP
	t := lineTime{ms: -1}
	// blank is true where HAProxy has just written a separator, or
	// nothing: a separator there matches no space (HAProxy writes none
	// after a variable that wrote nothing, nor at the start).
	blank := true
	for i := range p.f.items {
		it := &p.f.items[i]
		switch it.kind {
		case kLiteral:
			if len(line)-pos < len(it.lit) || line[pos] != it.lit[0] || string(line[pos:pos+len(it.lit)]) != it.lit {
				return p.fail(pos, ReasonField)
			}
			pos += len(it.lit)
			blank = false
		case kSep:
			n := pos
			for n < len(line) && line[n] == ' ' {
				n++
			}
			if n == pos && !blank && n < len(line) {
				return p.fail(pos, ReasonField)
			}
			pos, blank = n, true
		default:
			v, next, ok := value(line, pos, it)
			if !ok {
				return p.fail(pos, reason(it.kind))
			}
			if next == pos {
				continue // a capture without captures: nothing written
			}
			dst, dt := r, &t
			if !it.store {
				dst, dt = &p.spare, &p.spareTime
			}
			if !fill(it.kind, v, dst, dt) {
				return p.fail(pos, reason(it.kind))
			}
			pos, blank = next, false
		}
	}
	if pos != len(line) {
		return p.fail(pos, ReasonTrailing)
	}
	if t.secs && t.ms >= 0 && r.Time != parsers.NoTime {
		r.Time += t.ms * 1e6
	}
	return nil
}

func (p *FormatParser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// value returns the value of variable it at line[pos:] and the position
// after it; next == pos for an absent capture. A quoted variable's value
// ends at the closing quote; any other at it.stop, except: an address
// before ':' ends at the last ':' of its token (IPv6), a date with a
// zone is 26 bytes long (it holds a space), an unquoted request is two
// or three tokens, a capture is {...} and a capture list "a" "b".
func value(line []byte, pos int, it *item) (v []byte, next int, ok bool) {
	rest := line[pos:]
	switch {
	case it.kind == kCapture && !bytes.HasPrefix(rest, captureStart[b2i(it.quoted)]):
		return nil, pos, true
	case it.kind == kCaptureList:
		return captureList(line, pos)
	case it.quoted:
		if len(rest) == 0 || rest[0] != '"' {
			return nil, pos, false
		}
		q := parsers.QuotedEnd(line, pos+1)
		if q < 0 {
			return nil, pos, false
		}
		return line[pos+1 : q], q + 1, true
	case it.kind == kCapture:
		end := bytes.IndexByte(rest, '}')
		if end < 0 {
			return nil, pos, false
		}
		return rest[:end+1], pos + end + 1, true
	case it.kind == kDateZone:
		const n = len("10/Oct/2000:13:55:36 -0700")
		if len(rest) < n {
			return nil, pos, false
		}
		return rest[:n], pos + n, true
	case it.kind == kRequest && it.stop == ' ':
		n := requestLen(rest)
		return rest[:n], pos + n, n > 0
	}
	end := bytes.IndexByte(rest, it.stop)
	if (it.kind == kClient || it.kind == kIP) && it.stop == ':' {
		tok := rest
		if sp := bytes.IndexByte(rest, ' '); sp >= 0 {
			tok = rest[:sp]
		}
		end = bytes.LastIndexByte(tok, ':')
	}
	if end < 0 {
		if it.stop != ' ' {
			return nil, pos, false
		}
		end = len(rest)
	}
	return rest[:end], pos + end, end > 0
}

// captureStart is how a capture starts, unquoted and quoted.
var captureStart = [2][]byte{[]byte("{"), []byte(`"{`)}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// requestLen is the length of the unquoted request at the start of v:
// "<BADREQ>", or a method and a target, and a protocol "HTTP/…" if one
// follows; 0 when v holds no such request.
func requestLen(v []byte) int {
	n := bytes.IndexByte(v, ' ')
	switch {
	case n < 0 && string(v) == "<BADREQ>":
		return len(v)
	case n <= 0:
		return 0
	case string(v[:n]) == "<BADREQ>":
		return n
	}
	t := bytes.IndexByte(v[n+1:], ' ')
	if t < 0 {
		return len(v)
	}
	end := n + 1 + t
	if p := v[end+1:]; bytes.HasPrefix(p, []byte("HTTP/")) {
		if sp := bytes.IndexByte(p, ' '); sp >= 0 {
			return end + 1 + sp
		}
		return len(v)
	}
	return end
}

// captureList reads %hrl's "a" "b": quoted strings one space apart, as
// many as there are; none is an absent capture.
func captureList(line []byte, pos int) ([]byte, int, bool) {
	start, end := pos, pos
	for end < len(line) && line[end] == '"' {
		q := parsers.QuotedEnd(line, end+1)
		if q < 0 {
			return nil, pos, false
		}
		end = q + 1
		if end+1 < len(line) && line[end] == ' ' && line[end+1] == '"' {
			end++
			continue
		}
		break
	}
	return line[start:end], end, true
}

// fill stores value v of a variable of kind k in r and t; false when v
// is not a value of k.
func fill(k kind, v []byte, r *parsers.Record, t *lineTime) bool {
	var ok bool
	switch k {
	case kString, kState, kIP, kCapture, kCaptureList:
		return true
	case kNumber:
		_, ok = timer(v, true)
	case kClient:
		r.Client, ok = parsers.Dash(v), true
	case kDateMS:
		r.Time, ok = acceptDate(v)
	case kDateZone:
		r.Time, ok = parsers.ParseCLFTime(v)
		t.secs = true
	case kEpoch:
		var n int64
		n, ok = parsers.ParseCount(v)
		ok = ok && n <= maxEpoch
		r.Time, t.secs = n*1e9, true
	case kMillis:
		t.ms, ok = parsers.ParseCount(v)
		ok = ok && t.ms < 1000
	case kRequest:
		if ok = true; string(v) != "<BADREQ>" {
			r.Method, r.Target, r.Proto = parsers.SplitRequest(v)
		}
	case kMethod:
		r.Method, ok = parsers.Dash(v), true
	case kURI, kPath:
		r.Target, ok = parsers.Dash(v), true
	case kVersion:
		r.Proto, ok = parsers.Dash(v), true
	case kStatus:
		if ok = string(v) == "-1"; !ok {
			r.Status, ok = parsers.ParseStatus(v)
		}
	case kBytes:
		r.Bytes, ok = parsers.ParseCount(bytes.TrimPrefix(v, []byte("+")))
	case kActive, kTotal:
		r.Duration, ok = timer(v, true)
	case kResponse:
		r.Upstream, ok = timer(v, true)
	case kHost:
		r.Host, ok = parsers.Dash(v), true
	case kUserAgent:
		r.UserAgent, ok = parsers.Dash(v), true
	case kReferer:
		r.Referer, ok = parsers.Dash(v), true
	}
	return ok
}

// maxEpoch is the last second of parsers.MaxYear.
var maxEpoch = parsers.DaysFromCivil(parsers.MaxYear+1, 1, 1)*86400 - 1

// reason is the reason a line is rejected at a variable of kind k.
func reason(k kind) string {
	switch k {
	case kClient:
		return ReasonClient
	case kDateMS, kDateZone, kEpoch, kMillis:
		return ReasonTime
	case kStatus:
		return ReasonStatus
	case kBytes:
		return ReasonBytes
	case kActive, kTotal, kResponse:
		return ReasonTimers
	case kRequest, kMethod, kURI, kPath, kVersion:
		return ReasonRequest
	}
	return ReasonField
}
