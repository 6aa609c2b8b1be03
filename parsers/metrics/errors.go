package metrics

import (
	"errors"

	"github.com/vigil-ops/vigil/parsers"
)

// ErrNoSample is returned by Parse for a valid line that holds no sample:
// a blank line, a comment, or a line-protocol line whose fields are all
// strings. Callers skip it and must not count it as malformed (test with
// errors.Is or ==; it is a plain sentinel, not a *[parsers.SyntaxError]).
// Prometheus's "# HELP", "# TYPE", "# UNIT" and "# EOF" lines return
// [parsers.ErrDirective] instead, which callers treat the same way.
var ErrNoSample = errors.New("no sample in line")

// Reasons a line is rejected: the Reason of the *[parsers.SyntaxError]
// that Parse returns, constants fit for a counter label. They are shared
// by the three formats; each format's documentation says which it uses.
const (
	ReasonSyntax  = "cannot parse line"
	ReasonName    = "cannot parse name"
	ReasonLabel   = "cannot parse label"
	ReasonField   = "cannot parse field"
	ReasonValue   = "cannot parse value"
	ReasonTime    = "cannot parse time"
	ReasonType    = "cannot parse type"
	ReasonJSON    = "cannot parse json"
	ReasonTooMany = "too many labels or fields"
	ReasonTooLong = "line too long"
)

// Bounds on hostile input. A line beyond them is rejected with
// [ReasonTooMany] or [ReasonTooLong].
const (
	// MaxLabels is the most labels (tags) a sample may carry.
	MaxLabels = 64
	// MaxFields is the most fields a line-protocol line may hold, numeric
	// or not (Telegraf's mysql input writes a few hundred).
	MaxFields = 1024
	// MaxLineBytes is the longest line a parser reads: beyond it the
	// parser's buffers would grow without bound.
	MaxLineBytes = 1 << 20
)

// syntaxError is the error a parser owns and returns, valid until its
// next Parse.
type syntaxError struct {
	err parsers.SyntaxError
}

func (e *syntaxError) fail(pos int, reason string) error {
	e.err = parsers.SyntaxError{Pos: pos, Reason: reason}
	return &e.err
}
