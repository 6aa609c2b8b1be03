package useragent

import "strconv"

// Class is the kind of client a user agent belongs to.
type Class uint8

const (
	// Unknown is a missing user agent or one no rule recognizes.
	Unknown Class = iota
	// Browser is a web browser driven by a person.
	Browser
	// Bot is a crawler, feed fetcher, link previewer or scanner.
	Bot
	// Tool is an HTTP library, command-line tool, headless browser or app
	// HTTP stack.
	Tool
	// Monitor is an uptime monitor or health checker.
	Monitor
)

var classNames = [...]string{"unknown", "browser", "bot", "tool", "monitor"}

// String returns the lower-case name of c: "unknown", "browser", "bot",
// "tool" or "monitor"; "Class(N)" for values out of range.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}
