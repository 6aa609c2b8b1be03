package accesslog

import (
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// Reasons a line is rejected: the Reason of the [parsers.SyntaxError] that
// [Parser.Parse] returns. They are constants, fit for a counter label.
const (
	ReasonEmpty        = "empty line"
	ReasonMissing      = "missing fields"
	ReasonTrailing     = "unexpected data after the last field"
	ReasonQuote        = "unterminated quote"
	ReasonClient       = "cannot parse client"
	ReasonIdentUser    = "cannot parse ident and user"
	ReasonUser         = "cannot parse user"
	ReasonTime         = "cannot parse time"
	ReasonRequest      = "cannot parse request"
	ReasonStatus       = "cannot parse status"
	ReasonBytes        = "cannot parse bytes"
	ReasonDuration     = "cannot parse duration"
	ReasonReferer      = "cannot parse referer"
	ReasonUserAgent    = "cannot parse user agent"
	ReasonForwardedFor = "cannot parse x-forwarded-for"
	ReasonField        = "cannot parse field"
)

// fieldReasons is the reason a field of each kind fails, or the literal
// that opens it.
var fieldReasons = [...]string{
	kLiteral:      ReasonField,
	kOpaque:       ReasonField,
	kClient:       ReasonClient,
	kForwardedFor: ReasonForwardedFor,
	kUser:         ReasonUser,
	kIdentUser:    ReasonIdentUser,
	kTimeLocal:    ReasonTime,
	kTimeISO:      ReasonTime,
	kEpoch:        ReasonTime,
	kRequest:      ReasonRequest,
	kMethod:       ReasonRequest,
	kTarget:       ReasonRequest,
	kPath:         ReasonRequest,
	kArgs:         ReasonRequest,
	kQuery:        ReasonRequest,
	kProto:        ReasonRequest,
	kStatus:       ReasonStatus,
	kBytes:        ReasonBytes,
	kDuration:     ReasonDuration,
	kUpstream:     ReasonDuration,
	kReferer:      ReasonReferer,
	kUserAgent:    ReasonUserAgent,
	kTail:         ReasonDuration,
	kOpaqueList:   ReasonField,
	kStatus0:      ReasonStatus,
	kHost:         ReasonField,
	kRest:         ReasonField,
	kTimeFormat:   ReasonTime,
	kTimeFrac:     ReasonTime,
	kPeer:         ReasonClient,
}

// Options configures a [Parser]. The zero value means the defaults.
type Options struct {
	// DurationUnit is the unit of every duration field in the line: "s",
	// "ms", "us" (also "µs") or "ns", as [parsers.ParseUnit] reads it. It
	// overrides the format's own units.
	// Default: "" = the format's units (%D is µs, $request_time is s, ...);
	// for a trailing duration in a named or detected format, a number with
	// a decimal point is seconds and an integer is milliseconds.
	DurationUnit string
	// ClientFromForwardedFor makes the first address of the
	// X-Forwarded-For field the client, when the format has that field and
	// the line has an address there ([parsers.FirstAddress]), without the
	// port of "host:port" or "[v6]:port" ([parsers.ClientHost]).
	// Default: false: the client is the connecting address ($remote_addr,
	// %h, %a); X-Forwarded-For is the client only in a format without those
	// (envoy; istio, whose downstream peer is the client only when
	// X-Forwarded-For names none).
	ClientFromForwardedFor bool
}

// Validate reports whether o is valid. [NewParser] treats an invalid
// DurationUnit as the default, so callers should validate user input first.
func (o Options) Validate() error {
	if _, ok := parseUnit(o.DurationUnit); !ok {
		return fmt.Errorf("cannot parse duration unit %q; want one of %s", o.DurationUnit, parsers.UnitNames)
	}
	return nil
}

// parseUnit reads a unit name with [parsers.ParseUnit], the one table of
// unit names, and returns this package's unit.
func parseUnit(s string) (unit, bool) {
	u, ok := parsers.ParseUnit(s)
	switch u {
	case parsers.UnitS:
		return unitS, ok
	case parsers.UnitMS:
		return unitMS, ok
	case parsers.UnitUS:
		return unitUS, ok
	case parsers.UnitNS:
		return unitNS, ok
	}
	return unitAuto, ok
}

// Parser parses lines of one [Format] into [parsers.Record]s.
//
// A Parser is not safe for concurrent use: use one per goroutine. It
// allocates nothing per line.
type Parser struct {
	f *Format
	// unit overrides the units of duration fields; unitAuto = no override.
	unit      unit
	xffClient bool
	err       parsers.SyntaxError
	// pathStart is where the last stored path began, for $args and %q.
	pathStart int
	// tp holds what the %{format}t fields of the line read, from timeAt.
	tp     timeParts
	timeAt int
	// The last day parsed, to skip the calendar arithmetic on the next
	// line, which is nearly always on the same day.
	dayKey  int
	dayUnix int64
}

// NewParser returns a parser for lines in format f.
func NewParser(f *Format, o Options) *Parser {
	u, _ := parseUnit(o.DurationUnit)
	return &Parser{
		f:         f,
		unit:      u,
		xffClient: o.ClientFromForwardedFor || !f.hasClient,
	}
}

// Parse fills r from line, after resetting it. A trailing '\r' is ignored.
//
// The byte-slice fields of r alias line and are valid until line is reused.
// On failure Parse returns a *[parsers.SyntaxError] owned by p, valid until
// the next Parse call, with one of the Reason constants; r is then partly
// filled and must be ignored. Parse allocates nothing.
func (p *Parser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	line = parsers.TrimCR(line)
	if len(line) == 0 {
		return p.fail(0, ReasonEmpty)
	}
	p.pathStart = -1
	if p.f.timeGroup {
		p.tp, p.timeAt = timeParts{}, -1
	}
	pos := 0
	items := p.f.items
	for i := range items {
		it := &items[i]
		var end int
		var reason string
		switch it.kind {
		case kLiteral:
			var ok bool
			if end, ok = matchLiteral(line, pos, it.lit); !ok {
				return p.fail(end, literalFailure(line, end, it))
			}
		case kIdentUser:
			// On failure, end is where parsing stopped.
			if end, reason = identUser(line, pos, r); reason != "" {
				return p.fail(end, reason)
			}
		case kTail:
			if end, reason = p.tail(line, pos, it, r); reason != "" {
				return p.fail(end, reason)
			}
		case kTimeFormat:
			if end, reason = p.timeFormat(line, pos, it); reason != "" {
				return p.fail(end, reason)
			}
		default:
			if end = valueEnd(line, pos, it); end < 0 {
				return p.fail(pos, ReasonQuote)
			}
			if reason = p.set(it, line, pos, end, r); reason != "" {
				return p.fail(pos, reason)
			}
		}
		pos = end
	}
	if pos = skipSpaces(line, pos); pos < len(line) {
		return p.fail(pos, ReasonTrailing)
	}
	if p.f.timeGroup {
		t, ok := p.unix(&p.tp)
		if !ok {
			return p.fail(p.timeAt, ReasonTime)
		}
		r.Time = t
	}
	return nil
}

// timeFormat reads the %{format}t field it at line[pos:] into p.tp, or
// into scratch parts when it is not stored, and returns its end, or where
// it stopped and a reason.
func (p *Parser) timeFormat(line []byte, pos int, it *item) (int, string) {
	var scratch timeParts
	tp := &scratch
	if it.store {
		tp = &p.tp
		if p.timeAt < 0 {
			p.timeAt = pos
		}
	}
	end, ok := scanStrftime(line, pos, it.layout, tp)
	if !ok {
		return end, ReasonTime
	}
	return end, ""
}

func (p *Parser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// literalFailure is the reason literal it does not match at pos.
func literalFailure(line []byte, pos int, it *item) string {
	if pos >= len(line) {
		return ReasonMissing
	}
	return it.reason
}

// set checks the value line[start:end] of field it and stores it in r. It
// returns a reason when the value is invalid.
func (p *Parser) set(it *item, line []byte, start, end int, r *parsers.Record) string {
	v := line[start:end]
	switch it.kind {
	case kClient:
		if len(v) == 0 {
			return ReasonClient
		}
		// X-Forwarded-For, when it is the client, may come first.
		if it.store && r.Client == nil {
			r.Client = parsers.Dash(v)
		}
	case kPeer:
		if len(v) == 0 {
			return ReasonClient
		}
		if it.store && r.Client == nil {
			r.Client = parsers.Dash(parsers.ClientHost(v))
		}
	case kForwardedFor:
		if !it.store || !p.xffClient {
			break
		}
		// A port some proxies append ("203.0.113.7:51234") is dropped,
		// as in jsonlog and logfmt: one client, one key. "-:80" names
		// none.
		if a := parsers.Client(v); a != nil {
			r.Client = a
		}
	case kUser:
		if it.store {
			r.User = parsers.Dash(v)
		}
	case kTimeFrac:
		// Apache writes 3 digits of milliseconds or 6 of microseconds.
		width, scale := 3, int64(1e6)
		if it.unit == unitUS {
			width, scale = 6, 1e3
		}
		n := digits(v)
		if n < 0 || len(v) != width {
			return ReasonTime
		}
		if it.store {
			p.tp.nanos = int64(n) * scale
		}
	case kTimeLocal, kTimeISO, kEpoch:
		t, ok := p.time(it, v)
		if !ok {
			return ReasonTime
		}
		if it.store {
			r.Time = t
		}
	case kRequest:
		if !it.store {
			break
		}
		r.Method, r.Target, r.Proto = parsers.SplitRequest(v)
		if p.f.tcp && isTCPRequest(v) {
			r.Kind, r.Target = parsers.KindTCP, nil
		}
	case kMethod:
		if it.store {
			r.Method = parsers.Dash(v)
		}
	case kTarget:
		if it.store {
			r.Target = parsers.Dash(v)
		}
	case kPath:
		if it.store {
			r.Target = parsers.Dash(v)
			p.pathStart = start
		}
	case kArgs, kQuery:
		if it.store && r.Target != nil && hasArgs(v) {
			r.Target = line[p.pathStart:end]
		}
	case kProto:
		if it.store {
			r.Proto = parsers.Dash(v)
		}
	case kStatus, kStatus0:
		if it.kind == kStatus0 && len(v) == 1 && v[0] == '0' {
			// A TCP connection has no response: its 0 is no status.
			r.ZeroStatus = it.store && r.Kind != parsers.KindTCP
			break
		}
		s, ok := parseStatus(v)
		if !ok {
			return ReasonStatus
		}
		if it.store {
			r.Status = s
		}
	case kHost:
		if it.store {
			r.Host = parsers.Dash(v)
		}
	case kBytes:
		n, ok := parseBytes(v)
		if !ok {
			return ReasonBytes
		}
		if it.store {
			r.Bytes = n
		}
	case kDuration, kUpstream:
		d, ok := p.duration(it, v)
		if !ok {
			return ReasonDuration
		}
		if it.kind == kUpstream && r.Upstream < 0 {
			r.Upstream = d
		}
		if it.store {
			r.Duration = d
		}
	case kReferer:
		if it.store {
			r.Referer = parsers.Dash(v)
		}
	case kUserAgent:
		if it.store {
			r.UserAgent = parsers.Dash(v)
		}
	}
	return ""
}
