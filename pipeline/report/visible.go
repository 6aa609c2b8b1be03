package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Visible spells out what a terminal or a page must not be handed raw:
// invalid UTF-8 as \xNN, and every non-printable character as its Go
// escape, among them the C0 controls with tab and newline (\x1b, \a,
// \t), DEL (\x7f), the C1 controls (\u009b), bidirectional overrides
// and zero-width characters (\u202e, \u200b). Printable text, quotes and
// backslashes stay as they are. Every string of a report that came from
// the input goes through Visible in the text, notification and HTML
// renderings, so that a log line cannot retitle a terminal, clear it or
// hide text (issue 12); anything else that prints log data to a terminal
// should use it too.
func Visible(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r == utf8.RuneError || !unicode.IsPrint(r) })
	if i < 0 {
		return s // Fast path: nothing to spell out.
	}
	b := []byte(s[:i])
	for i < len(s) {
		var n int
		b, n = appendVisible(b, s[i:])
		i += n
	}
	return string(b)
}

// appendVisible appends the visible form of the first rune of s, or of
// its first byte when that is not valid UTF-8, and returns the number of
// bytes of s it consumed (0 when s is empty).
func appendVisible(dst []byte, s string) ([]byte, int) {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case n == 0:
		return dst, 0
	case r == utf8.RuneError && n == 1:
		return append(dst, `\x`+hex2(s[0])...), 1
	case !unicode.IsPrint(r):
		q := strconv.QuoteRune(r)
		return append(dst, q[1:len(q)-1]...), n
	}
	return append(dst, s[:n]...), n
}

func hex2(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}

// clip is Visible(s) cut to at most n runes, the last one "…" when it
// was cut. It escapes before it cuts and never cuts an escape or a rune
// in half: a clipped field can neither leave an escape sequence open nor
// end in a broken character.
func clip(s string, n int) string {
	v := Visible(s)
	if utf8.RuneCountInString(v) <= n {
		return v
	}
	var b []byte
	runes := 0
	for i := 0; i < len(s); {
		next, size := appendVisible(b, s[i:])
		w := utf8.RuneCount(next[len(b):])
		if runes+w > n-1 {
			break
		}
		b, runes, i = next, runes+w, i+size
	}
	return string(b) + "…"
}
