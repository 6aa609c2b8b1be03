package applog

import "bytes"

// The level is looked for among the first maxLevelWords words that start
// within maxLevelOffset bytes after the timestamp: far enough for
// "- some.logger.name - ERROR" and "[thread-name] logger WARN", near
// enough that a level word inside a message is rarely taken.
const (
	maxLevelWords  = 6
	maxLevelOffset = 128
)

// Mapped levels: static, never modified.
var (
	levelTrace = []byte("trace")
	levelDebug = []byte("debug")
	levelInfo  = []byte("info")
	levelWarn  = []byte("warn")
	levelError = []byte("error")
	levelFatal = []byte("fatal")
	levelPanic = []byte("panic")
)

// tokenByte marks the bytes of a token: letters, digits and "_.$-", so
// that "error_handler", "app.errors" and "Thread-ERROR" are one token
// each, not a level.
var tokenByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = isAlnum(byte(c)) || c == '_' || c == '.' || c == '$' || c == '-'
	}
	return t
}()

// findLevel returns the level of the words after the timestamp and where
// the level word ends in rest. A word is a token (see tokenByte) that
// starts with a letter; the level is the first of the first maxLevelWords
// words starting before maxLevelOffset that is a level name.
func findLevel(rest []byte) (lvl []byte, end int, ok bool) {
	words, i := 0, 0
	for i < len(rest) && i < maxLevelOffset && words < maxLevelWords {
		if !tokenByte[rest[i]] {
			i++
			continue
		}
		start := i
		for i < len(rest) && tokenByte[rest[i]] {
			i++
		}
		if !isLetter(rest[start]) {
			continue
		}
		words++
		if l, ok := levelOf(rest[start:i]); ok {
			return l, i, true
		}
	}
	return nil, 0, false
}

// levelOf returns the level a word names, ignoring case: the word itself,
// or "error" for SEVERE (java.util.logging's highest level, which the
// engine's error levels do not name); logrus's four-letter levels of its
// terminal layout (TRAC, DEBU, ERRO, FATA, PANI), in capitals only, as
// the full name.
func levelOf(w []byte) ([]byte, bool) {
	if l := logrusLevel(w); l != nil {
		return l, true
	}
	if len(w) < 4 || len(w) > 8 {
		return nil, false
	}
	var low [8]byte
	for i, c := range w {
		// ASCII lower case; no other token byte (digit, "_.$-") becomes
		// a letter.
		low[i] = c | 0x20
	}
	switch string(low[:len(w)]) {
	case "trace", "debug", "info", "notice", "warn", "warning", "error", "fatal", "critical", "panic":
		return w, true
	case "severe":
		return levelError, true
	}
	return nil, false
}

// logrusLevel returns the level of one of logrus's four-letter names in
// capitals ("ERRO"), nil for any other word. (INFO and WARN are level
// words of their own.)
func logrusLevel(w []byte) []byte {
	switch string(w) {
	case "TRAC":
		return levelTrace
	case "DEBU":
		return levelDebug
	case "ERRO":
		return levelError
	case "FATA":
		return levelFatal
	case "PANI":
		return levelPanic
	}
	return nil
}

// klogLevel maps klog's severity letter.
func klogLevel(c byte) []byte {
	switch c {
	case 'E':
		return levelError
	case 'W':
		return levelWarn
	case 'F':
		return levelFatal
	}
	return levelInfo
}

// leadByte marks what is trimmed before a message: the separators after a
// level ("ERROR - ", "INFO -- : ", "[WARN] ", "|  INFO | ").
var leadByte = func() (t [256]bool) {
	for _, c := range []byte(" \t:|-]>)") {
		t[c] = true
	}
	return t
}()

// message returns the message after the level word: m without its leading
// separators; for Spring Boot ("1234 --- [main] c.e.App : msg"), what
// follows the first " : ". nil when empty.
func message(m []byte) []byte {
	i := 0
	for i < len(m) && leadByte[m[i]] {
		i++
	}
	m = m[i:]
	if springBoot(m) {
		if j := bytes.Index(m, []byte(" : ")); j >= 0 {
			m = m[j+3:]
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// springBoot reports whether m starts with a pid and Spring Boot's " --- ".
func springBoot(m []byte) bool {
	i := 0
	for i < len(m) && isDigit(m[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	j := i
	for j < len(m) && m[j] == ' ' {
		j++
	}
	return j > i && bytes.HasPrefix(m[j:], []byte("--- "))
}

// klogMessage returns the message of a klog line: what follows the first
// ']' ("1234 file.go:12] msg") or, without one, the rest; leading spaces
// and tabs trimmed, nil when empty.
func klogMessage(rest []byte) []byte {
	if i := bytes.IndexByte(rest, ']'); i >= 0 {
		rest = rest[i+1:]
	}
	i := 0
	for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t') {
		i++
	}
	if i == len(rest) {
		return nil
	}
	return rest[i:]
}
