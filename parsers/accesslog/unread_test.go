package accesslog

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// unreadLines returns n combined lines, the last withTail of them ending
// in an integer, and those integers.
func unreadLines(n, withTail int, seed uint64) ([]string, []int64) {
	rng := rand.New(rand.NewPCG(seed, 5))
	paths := []string{"/", "/api/items", "/api/items/42", "/login", "/static/app.js"}
	var lines []string
	var tails []int64
	for i := range n {
		line := fmt.Sprintf(`10.0.%d.%d - - [10/Oct/2024:13:%02d:%02d +0000] "GET %s HTTP/1.1" %d %d "-" "curl/8.%d"`,
			i/250, i%250, i/60%60, i%60, paths[rng.IntN(len(paths))], 200+100*rng.IntN(4), rng.IntN(50000), rng.IntN(9))
		if i >= n-withTail {
			v := int64(rng.IntN(900) + 1)
			tails = append(tails, v)
			line += " " + strconv.FormatInt(v, 10)
		}
		lines = append(lines, line)
	}
	return lines, tails
}

// trailingInt is the reference: a line that ends in an integer after the
// user agent's closing quote.
var trailingInt = regexp.MustCompile(`" ([0-9]+)$`)

// TestDetectUnseenTail: when no sample line ends in a number, a number
// ending a later line has no unit the sample shows: it is checked, not
// read as a duration, and marked; DurationUnit reads it.
func TestDetectUnseenTail(t *testing.T) {
	lines, tails := unreadLines(150, 50, 1)
	fm, n, err := Detect([]byte(strings.Join(lines, "\n") + "\n"))
	if err != nil || fm.Name() != "combined" || n != detectLines || fm.TailNote() != "" {
		t.Fatalf("unexpected detection; got %v, %d lines, %v, note %q; want combined, %d lines, no note", fm, n, err, fm.TailNote(), detectLines)
	}
	f := func(o Options, scale int64) {
		t.Helper()
		p := NewParser(fm, o)
		var r parsers.Record
		unread, k := 0, 0
		for _, line := range lines {
			if err := p.Parse([]byte(line), &r); err != nil {
				t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
			}
			want := int64(-1)
			if m := trailingInt.FindStringSubmatch(line); m != nil {
				if v, _ := strconv.ParseInt(m[1], 10, 64); v != tails[k] {
					t.Fatalf("BUG: reference reads %d; the generator wrote %d", v, tails[k])
				}
				if scale > 0 {
					want = tails[k] * scale
				}
				k++
			}
			if r.Duration != want {
				t.Fatalf("unexpected duration for %q with %+v; got %d; want %d", line, o, r.Duration, want)
			}
			if r.TailUnread {
				unread++
			}
		}
		wantUnread := len(tails)
		if scale > 0 {
			wantUnread = 0
		}
		if unread != wantUnread {
			t.Fatalf("unexpected unread lines with %+v; got %d; want %d", o, unread, wantUnread)
		}
	}
	f(Options{}, 0)
	f(Options{DurationUnit: "ms"}, 1000)
	f(Options{DurationUnit: "s"}, 1000000)

	// The warning for the lines counted, and none without them.
	want := "50 lines end in a number not read as a duration: the 100 sample lines detection read had none, so its unit is unknown; give --duration-unit if it is one"
	if got := fm.UnreadNote(50); got != want {
		t.Fatalf("unexpected note for 50 lines; got %q; want %q", got, want)
	}
	if got := fm.UnreadNote(1); !strings.HasPrefix(got, "1 line ends in a number") {
		t.Fatalf("unexpected note for 1 line; got %q", got)
	}
	if got := fm.UnreadNote(0); got != "" {
		t.Fatalf("unexpected note for 0 lines; got %q; want none", got)
	}
	// A named combined reads integers as ms (the user named it), and a
	// detected one that saw integers explains them in its TailNote.
	for _, other := range []*Format{mustNamed(t, "combined"), mustDetect(t, lines[100:])} {
		if got := other.UnreadNote(50); got != "" {
			t.Fatalf("unexpected note of %s; got %q; want none", other.Name(), got)
		}
	}
}

// TestUnreadAllocs: marking an unread trailing number allocates nothing.
func TestUnreadAllocs(t *testing.T) {
	lines, _ := unreadLines(101, 1, 2)
	fm := mustDetect(t, lines[:100])
	p := NewParser(fm, Options{})
	var r parsers.Record
	b := []byte(lines[100])
	if n := testing.AllocsPerRun(100, func() { _ = p.Parse(b, &r) }); n != 0 || !r.TailUnread {
		t.Fatalf("unexpected allocations for %q; got %v, unread %v; want 0, true", b, n, r.TailUnread)
	}
}

func mustDetect(t *testing.T, lines []string) *Format {
	t.Helper()
	fm, _, err := Detect([]byte(strings.Join(lines, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return fm
}
