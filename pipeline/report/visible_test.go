package report

import (
	"testing"
	"unicode/utf8"
)

func TestVisible(t *testing.T) {
	f := func(s, want string) {
		t.Helper()
		if got := Visible(s); got != want {
			t.Fatalf("unexpected text for %q; got %q; want %q", s, got, want)
		}
	}
	f("", "")
	f("GET /index.html", "GET /index.html")
	f(`quotes " ' and \ stay`, `quotes " ' and \ stay`)
	f("café ✓", "café ✓")
	f("a\xffb", `a\xffb`)
	f("tab\there\n", `tab\there\n`)
	f("\x1b[31mred", `\x1b[31mred`)
	f("\x1b]0;pwned\x07\x1b[2J", `\x1b]0;pwned\a\x1b[2J`)
	f("del\x7f", `del\x7f`)
	f("csi\u009b2J", `csi\u009b2J`)
	f("\xc2\x9b", `\u009b`)
	f("\xc2", `\xc2`)
	f("zero\u200bwidth", `zero\u200bwidth`)
	f("bidi\u202eevil", `bidi\u202eevil`)
	f("\uFFFD is valid", "\uFFFD is valid")
}

func TestClip(t *testing.T) {
	f := func(s string, n int, want string) {
		t.Helper()
		got := clip(s, n)
		if got != want {
			t.Fatalf("unexpected clip to %d for %q; got %q; want %q", n, s, got, want)
		}
		if c := utf8.RuneCountInString(got); c > n || !utf8.ValidString(got) {
			t.Fatalf("unexpected clip to %d for %q; got %d runes, valid UTF-8 %v; want at most %d, valid", n, s, c, utf8.ValidString(got), n)
		}
	}
	f("", 5, "")
	f("abcde", 5, "abcde")
	f("abcdef", 5, "abcd…")
	f("ééééé", 5, "ééééé")
	f("éééééé", 5, "éééé…")
	// The escape is spelled out first; its spelling is never cut.
	f("ab\x1b[2J", 9, `ab\x1b[2J`)
	f("ab\x1b[2J", 8, `ab\x1b[…`)
	f("abc\x1b[2J", 6, `abc…`)
	f("abcd\x1b", 8, `abcd\x1b`)
	f("abcde\x1b", 8, `abcde…`)
	f("ab\xff\xfe", 6, `ab…`)
	f("ab\xffcd", 7, `ab\xff…`)
}
