package applog

import (
	"time"

	"github.com/vigil-ops/vigil/parsers"
)

// Reasons a line is rejected: the Reason of the [parsers.SyntaxError] that
// [Parser.Parse] returns, fit for a counter label.
const (
	ReasonEmpty   = "empty line"
	ReasonNoTime  = "no leading timestamp"
	ReasonTime    = "cannot parse time"
	ReasonNoLevel = "no level word"
)

// Options configures a [Parser]. The zero value means the defaults.
type Options struct {
	// Now is the time from which the year of a date written without one
	// (syslog's "Jan _2", klog's "E0102") is inferred: such a date is
	// taken in Now's year (UTC), or in the year before when that would put
	// it more than a day after Now or the date does not exist in Now's
	// year (29 February). A log read after New Year then keeps December
	// in the old year.
	// Default: the zero value = time.Now() when NewParser is called.
	Now time.Time
}

// Parser parses plain-text application log lines; see the package
// documentation. It is not safe for concurrent use.
type Parser struct {
	now     int64 // Unix seconds
	nowYear int
	err     parsers.SyntaxError
}

// NewParser returns a parser with options o.
func NewParser(o Options) *Parser {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	return &Parser{now: now.Unix(), nowYear: now.Year()}
}

// Parse fills r from line, after resetting it; a trailing '\r' is ignored.
// On success r.Kind is [parsers.KindApp] and its Level and Message alias
// line, or, for a mapped level (klog's letters, SEVERE), a static slice
// the caller must not modify; they are valid until the next Parse. A line
// that continues the one above (a stack trace) returns
// [parsers.ErrContinuation]. Any other failure returns a
// *[parsers.SyntaxError] owned by p, valid until the next Parse; r must
// then be ignored. It allocates nothing.
func (p *Parser) Parse(line []byte, r *parsers.Record) error {
	r.Reset()
	line = parsers.TrimCR(line)
	if len(line) == 0 {
		return p.fail(0, ReasonEmpty)
	}
	if end, ok := klogShape(line); ok {
		return p.klog(line, end, r)
	}
	st, ok := scanStamp(line)
	if !ok {
		if lvl, end, ok := leadingLevel(line); ok {
			return p.levelFirst(line, lvl, end, r)
		}
		if isContinuation(line) {
			return parsers.ErrContinuation
		}
		return p.fail(0, ReasonNoTime)
	}
	t, ok := p.stampTime(line, &st)
	if !ok {
		return p.fail(st.start, ReasonTime)
	}
	rest := line[st.end:]
	lvl, lvlEnd, ok := findLevel(rest)
	if !ok {
		return p.fail(st.end, ReasonNoLevel)
	}
	r.Kind, r.Time, r.Level = parsers.KindApp, t, lvl
	r.Message = message(rest[lvlEnd:])
	return nil
}

// klog fills r from a klog/glog line whose timestamp ends at end.
func (p *Parser) klog(line []byte, end int, r *parsers.Record) error {
	t, ok := p.klogTime(line, end)
	if !ok {
		return p.fail(1, ReasonTime)
	}
	r.Kind, r.Time, r.Level = parsers.KindApp, t, klogLevel(line[0])
	r.Message = klogMessage(line[end:])
	return nil
}

func (p *Parser) fail(pos int, reason string) error {
	p.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &p.err
}

// yearless returns the Unix seconds of month/day at secs past midnight in
// the year [Options].Now implies, false when the date exists in neither
// candidate year.
func (p *Parser) yearless(month, day int, secs int64) (int64, bool) {
	y := p.nowYear
	if day <= parsers.DaysIn(y, month) {
		if t := parsers.DaysFromCivil(y, month, day)*86400 + secs; t <= p.now+86400 {
			return t, true
		}
	}
	y--
	if day > parsers.DaysIn(y, month) {
		return 0, false
	}
	return parsers.DaysFromCivil(y, month, day)*86400 + secs, true
}
