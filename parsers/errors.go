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

// ErrContinuation is returned by Parse for a line that continues the
// record above it rather than starting one: a line of a stack trace or a
// traceback ("\tat com.example.App.run(App.java:12)", "Caused by: …",
// "Traceback (most recent call last):", "java.lang.IllegalStateException:
// …"), as the plain-text application-log parser recognises them. Such a
// line is valid: the engine must count it as part of the line above (the
// record it continues), not as malformed and not as a record of its own
// (test with errors.Is or ==; it is a plain sentinel, not a
// *SyntaxError). The Record passed to Parse must then be ignored.
var ErrContinuation = errors.New("continuation line")
