package parsers

import "errors"

// ErrDirective is returned by Parse for a line that is a directive or a
// header of the format, not a record: the "#Fields:" and "#Date:" lines
// of a W3C extended log. Such a line is valid: callers skip it and must
// not count it as malformed (test with errors.Is or ==; it is a plain
// sentinel, not a *SyntaxError). A parser that returns it may change how
// it reads the lines after it, so the lines of one input must reach one
// parser in order for the change to apply.
var ErrDirective = errors.New("directive line")
