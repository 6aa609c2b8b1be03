package report

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Terminal injection (issue 12): strings from the logs must not reach a
// terminal as control characters.
const (
	retitleUA = "\x1b]0;pwned\x07\x1b[2J"
	// hostile holds every kind of character Visible spells out.
	hostile = retitleUA + "\x00\t\r\n\x7f\u0085\u009b2J\u202e\u200b\xff\xc2"
)

// poison appends hostile to every string field of v (a pointer), in
// structs, slices and map keys, so that a field added to the model later
// is covered too. Named string types (kinds, statuses) are left alone:
// they come from the program, not the input.
func poison(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		poison(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				poison(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			poison(v.Index(i))
		}
	case reflect.Map:
		if v.Type().Key() != reflect.TypeFor[string]() {
			return
		}
		for _, k := range v.MapKeys() {
			val := v.MapIndex(k)
			v.SetMapIndex(k, reflect.Value{})
			v.SetMapIndex(reflect.ValueOf(k.String()+hostile), val)
		}
	case reflect.String:
		if v.Type() == reflect.TypeFor[string]() {
			v.SetString(v.String() + hostile)
		}
	}
}

// hostileReport is the sample report with hostile text in every string,
// the user agent of issue 12, and an incident subject with an escape
// sequence starting esc runes in.
func hostileReport(esc int) *Report {
	r := sampleReport()
	poison(reflect.ValueOf(r))
	r.UserAgents[0].Key = retitleUA
	r.Incidents[1].Subject = strings.Repeat("s", esc) + "\x1b[2J\x1b]0;x\x07"
	return r
}

// checkTerminalSafe fails unless out is valid UTF-8 of printable
// characters and newlines: no C0 control but '\n', no DEL, no C1
// control, no invisible formatting character.
func checkTerminalSafe(t *testing.T, name, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("unexpected encoding for %q; got invalid UTF-8; want valid", name)
	}
	for i, r := range out {
		if r != '\n' && !unicode.IsPrint(r) {
			t.Fatalf("unexpected character %U at byte %d for %q; got it in %q; want it spelled out", r, i, name, out[max(0, i-40):min(len(out), i+40)])
		}
	}
	for i := range len(out) {
		if b := out[i]; (b < 0x20 && b != '\n') || b == 0x7f {
			t.Fatalf("unexpected byte %#x at %d for %q; want none below 0x20 but '\\n', and no 0x7f", b, i, name)
		}
	}
}

func TestWriteTextTerminalSafe(t *testing.T) {
	for esc := 30; esc <= 42; esc++ {
		out := writeText(t, hostileReport(esc))
		checkTerminalSafe(t, "text", out)
		if want := `\x1b]0;pwned\a\x1b[2J`; !strings.Contains(out, want) {
			t.Fatalf("unexpected user agent for %q; got a report without %q; want it", "text", want)
		}
	}
}

func TestWriteNotificationTerminalSafe(t *testing.T) {
	for esc := 30; esc <= 42; esc++ {
		var b strings.Builder
		if err := WriteNotification(&b, hostileReport(esc)); err != nil {
			t.Fatalf("cannot write notification: %v", err)
		}
		checkTerminalSafe(t, "notification", b.String())
		if want := `\x1b[2J\x1b]0;x\a`; !strings.Contains(b.String(), want) {
			t.Fatalf("unexpected subject for %q; got a notification without %q; want it", "notification", want)
		}
	}
}

// TestHTMLTerminalSafe checks the page too: it may be viewed with cat.
func TestWriteHTMLTerminalSafe(t *testing.T) {
	checkTerminalSafe(t, "html", writeHTML(t, hostileReport(38)))
}
