package accesslog

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// strftimeCase is an Apache %{format}t time and the Go layout that writes
// the same text: Go's time formatting is the reference the parser is
// compared with.
type strftimeCase struct {
	apache string // the time part of the LogFormat
	layout string // Go's layout; "unix" for %s
	// zoned: the time is written in a random zone; else in UTC.
	zoned bool
	// trunc is the precision the text keeps.
	trunc time.Duration
	// years bounds the years the format can write (%y: 1969-2068).
	minYear, maxYear int
}

var strftimeCases = []strftimeCase{
	{`%{%Y-%m-%d %H:%M:%S}t`, "2006-01-02 15:04:05", false, time.Second, 1700, 2261},
	{`[%{%d/%b/%Y:%H:%M:%S %z}t]`, "[02/Jan/2006:15:04:05 -0700]", true, time.Second, 1700, 2261},
	// Apache's own example: three fields make one time.
	{`[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]`, "[02/Jan/2006 15:04:05.000 -0700]", true, time.Millisecond, 1700, 2261},
	{`%{%F %T}t.%{usec_frac}t`, "2006-01-02 15:04:05.000000", false, time.Microsecond, 1700, 2261},
	{`%{%a, %d %b %Y %H:%M:%S %Z}t`, "Mon, 02 Jan 2006 15:04:05 MST", false, time.Second, 1700, 2261},
	{`%{%A %B %e %I:%M:%S %p %y}t`, "Monday January _2 03:04:05 PM 06", false, time.Second, 1969, 2068},
	{`%{%c}t`, time.ANSIC, false, time.Second, 1700, 2261},
	{`%{%D %R}t`, "01/02/06 15:04", false, time.Minute, 1969, 2068},
	{`%{%Y%m%d%H%M%S}t`, "20060102150405", false, time.Second, 1700, 2261},
	{`%{%Y %j %T}t`, "2006 002 15:04:05", false, time.Second, 1700, 2261},
	{`%{%-d/%-m/%Y %X}t`, "2/1/2006 15:04:05", false, time.Second, 1700, 2261},
	{`%{%s}t`, "unix", false, time.Second, 1970, 2261},
	{`%{end:%Y-%m-%dT%H:%M:%S%z}t`, "2006-01-02T15:04:05-0700", true, time.Second, 1700, 2261},
}

// strftimeLine writes tm in the time part of c between a client and a
// request, as the format "%h <time> \"%r\" %>s" does.
func strftimeLine(c strftimeCase, tm time.Time) string {
	s := tm.Format(c.layout)
	if c.layout == "unix" {
		s = strconv.FormatInt(tm.Unix(), 10)
	}
	return "10.0.0.1 " + s + ` "GET / HTTP/1.1" 200`
}

// checkStrftime parses the line of c for tm and compares the time with tm.
func checkStrftime(t testing.TB, p *Parser, c strftimeCase, tm time.Time) {
	t.Helper()
	line := strftimeLine(c, tm)
	var r parsers.Record
	if err := p.Parse([]byte(line), &r); err != nil {
		t.Fatalf("unexpected error for %q in %s; got %v; want nil", line, c.apache, err)
	}
	if want := tm.Truncate(c.trunc).UnixNano(); r.Time != want || r.Status != 200 {
		t.Fatalf("unexpected time for %q in %s; got %d, status %d; want %d (%s)", line, c.apache, r.Time, r.Status, want, tm.UTC())
	}
}

func strftimeParser(t testing.TB, c strftimeCase) *Parser {
	t.Helper()
	f, err := CompileApache(`%h ` + c.apache + ` \"%r\" %>s`)
	if err != nil {
		t.Fatalf("unexpected error for %s; got %v; want nil", c.apache, err)
	}
	return NewParser(f, Options{})
}

// randomTime returns a time in c's years, in a random whole-minute zone
// when c is zoned; seconds 0-59 (Go never writes a leap second).
func randomTime(rng *rand.Rand, c strftimeCase) time.Time {
	lo := time.Date(c.minYear, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(c.maxYear, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
	tm := time.Unix(lo+rng.Int64N(hi-lo), rng.Int64N(1e9)).UTC()
	if c.zoned {
		off := (rng.IntN(2*14*60+1) - 14*60) * 60
		tm = tm.In(time.FixedZone("", off))
	}
	return tm
}

// TestStrftimeReference compares the parser with Go's time formatting on
// random times, and on the edges of the calendar and the clock.
func TestStrftimeReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2))
	for _, c := range strftimeCases {
		p := strftimeParser(t, c)
		for range 2000 {
			checkStrftime(t, p, c, randomTime(rng, c))
		}
		for _, s := range []string{"2000-02-29T00:00:00Z", "1999-12-31T23:59:59Z", "2024-12-31T12:00:00Z", "2023-01-01T00:30:00Z", "2030-07-04T11:59:59Z", "2030-07-04T12:00:00Z"} {
			tm, _ := time.Parse(time.RFC3339, s)
			checkStrftime(t, p, c, tm)
		}
	}
}

// TestStrftimeSuccess holds cases Go cannot write: space-padded hours,
// '_' padding, unknown weekday names skipped, %Z with %z, several fields.
func TestStrftimeSuccess(t *testing.T) {
	f := func(format, line, want string) {
		t.Helper()
		r := parseWith(t, CompileApache, format, Options{}, line)
		tm, err := time.Parse(time.RFC3339Nano, want)
		if err != nil {
			t.Fatal(err)
		}
		if r.Time != tm.UnixNano() {
			t.Fatalf("unexpected time for %q in %s; got %s; want %s", line, format, time.Unix(0, r.Time).UTC(), want)
		}
	}
	f(`%{%Y-%m-%d %k:%M}t %>s`, `2024-03-01  7:05 200`, "2024-03-01T07:05:00Z")
	f(`%{%Y-%m-%d %_H:%M}t %>s`, `2024-03-01  7:05 200`, "2024-03-01T07:05:00Z")
	f(`%{%Y-%m-%d %l%p}t %>s`, `2024-03-01 12AM 200`, "2024-03-01T00:00:00Z")
	f(`%{%Y-%m-%d %l%p}t %>s`, `2024-03-01 12pm 200`, "2024-03-01T12:00:00Z")
	f(`%{%Y-%m-%d %H:%M:%S %z %Z}t %>s`, `2024-03-01 10:00:00 +0100 CET 200`, "2024-03-01T09:00:00Z")
	f(`%{%Y-%m-%d %H:%M:%S %Z}t %>s`, `2024-03-01 10:00:00 GMT 200`, "2024-03-01T10:00:00Z")
	f(`%{%d/%b/%Y}t %>s %{%H:%M:%S}t`, `01/mar/2024 200 10:11:12`, "2024-03-01T10:11:12Z")
	f(`%{%Y-%m-%d %H:%M:%S}t%{%%}t %>s`, `2024-03-01 10:11:12% 200`, "2024-03-01T10:11:12Z")
	f(`%{%Y-%m-%d%t%H:%M:%S}t %>s`, "2024-03-01\t10:11:12 200", "2024-03-01T10:11:12Z")
	f(`%{%s}t.%{msec_frac}t %>s`, `1709287872.250 200`, "2024-03-01T10:11:12.25Z")
	// begin: is the default; the first time field decides, its group's
	// fractions only count.
	f(`%{%s}t %{end:%s}t.%{end:msec_frac}t %>s`, `1709287872 1709287873.500 200`, "2024-03-01T10:11:12Z")
	f(`%{end:%s}t %{begin:%s}t %>s`, `1709287873 1709287872 200`, "2024-03-01T10:11:13Z")
	// Every conversion at once; the end: group is read, not stored.
	f(`%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] %{end:%c %p %j %-e %_H %Z %s %%}t \"%r\"`,
		`10.0.0.1 [01/Jan/2020 00:00:00.123 +0100] Wed Jan  1 00:00:00 2020 AM 001 1  0 UTC 1577836800 % "GET / HTTP/1.1"`,
		"2019-12-31T23:00:00.123Z")
	// %t first: the %{format}t fields are checked, not stored.
	f(`%t %{%s}t %>s`, `[01/Mar/2024:10:11:12 +0000] 1 200`, "2024-03-01T10:11:12Z")
}

func TestStrftimeFailure(t *testing.T) {
	f := func(format, line string, pos int) {
		t.Helper()
		fm, err := CompileApache(format)
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", format, err)
		}
		var r parsers.Record
		err = NewParser(fm, Options{}).Parse([]byte(line), &r)
		var se *parsers.SyntaxError
		if !errors.As(err, &se) || se.Reason != ReasonTime || se.Pos != pos {
			t.Fatalf("unexpected error for %q in %s; got %v; want %q at %d", line, format, err, ReasonTime, pos)
		}
	}
	const iso = `%h %{%Y-%m-%d %H:%M:%S}t %>s`
	f(iso, `h 2024-02-30 10:00:00 200`, 2)
	f(iso, `h 2024-02-01 24:00:00 200`, 2)
	f(iso, `h 2024-02-01 10:00:60 200`, 2)
	f(iso, `h 2024-2-01 10:00:00 200`, 8)
	f(iso, `h 2024-02-01T10:00:00 200`, 12)
	f(iso, `h 2024-02-01 10:00 200`, 18)
	f(iso, `h 1600-02-01 10:00:00 200`, 2)
	f(`%h %{%d/%b/%Y}t %>s`, `h 01/Foo/2024 200`, 5)
	// A zone name without an offset, other than UTC or GMT: unknown.
	f(`%h %{%Y-%m-%d %H:%M:%S %Z}t %>s`, `h 2024-02-01 10:00:00 CET 200`, 2)
	f(`%h %{%Y-%m-%d %H:%M:%S %z}t %>s`, `h 2024-02-01 10:00:00 +2400 200`, 22)
	f(`%h %{%Y-%m-%d %I:%M %p}t %>s`, `h 2024-02-01 13:00 PM 200`, 13)
	f(`%h %{%s}t.%{msec_frac}t %>s`, `h 1709287872.25 200`, 13)
	f(`%h %{%s}t %>s`, `h 99999999999 200`, 2)
	f(`%h %{%Y %j}t %>s`, `h 2023 366 200`, 2)
}

func TestStrftimeCompileFailure(t *testing.T) {
	f := func(format, want string) {
		t.Helper()
		_, err := CompileApache(format)
		if err == nil || err.Error() != "cannot compile log format: "+want {
			t.Fatalf("unexpected error for %q; got %v; want %s", format, err, want)
		}
	}
	f(`%h %{%U}t`, "unsupported conversion %U in the time format %{%U}t at position 3")
	f(`%h %{%Ec}t`, "unsupported conversion %E in the time format %{%Ec}t at position 3")
	f(`%h %{%-T}t`, "unsupported conversion %-T in the time format %{%-T}t at position 3")
	f(`%h %{end:%Y %}t`, "a lone '%' ends the time format %{end:%Y %}t at position 3")
	f(`%h %{%H:%M:%S}t`, "the %{format}t fields give no date: want %Y or %y with %m, %b or %B and %d or %e, or with %j; or %s at position 3")
	f(`%h %{%Y-%m}t`, "the %{format}t fields give no date: want %Y or %y with %m, %b or %B and %d or %e, or with %j; or %s at position 3")
	f(`%h%{%s}t`, "two fields need a separator between them at position 2")
}

func TestStrftimeAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range strftimeCases {
		var lines [][]byte
		for range 10 {
			lines = append(lines, []byte(strftimeLine(c, randomTime(rng, c))))
		}
		lines = append(lines, []byte(strings.Replace(string(lines[0]), "1", "x", 2)))
		parsertest.NoAllocs(t, strftimeParser(t, c), lines, "lines of "+c.apache)
	}
}

// FuzzStrftime compares the parser with Go's time formatting on any time
// in any zone, for each case; and parses the fuzzed bytes after the time
// too, which must not panic.
func FuzzStrftime(f *testing.F) {
	f.Add(int64(0), int32(0), []byte(" x"))
	f.Add(int64(951782400), int32(3600), []byte(""))
	ps := make([]*Parser, len(strftimeCases))
	for i, c := range strftimeCases {
		ps[i] = strftimeParser(f, c)
	}
	f.Fuzz(func(t *testing.T, sec int64, off int32, tail []byte) {
		for i, c := range strftimeCases {
			lo := time.Date(c.minYear, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
			hi := time.Date(c.maxYear, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
			if sec < lo || sec >= hi {
				continue
			}
			tm := time.Unix(sec, int64(off&0x3fffffff)%1e9).UTC()
			if c.zoned {
				tm = tm.In(time.FixedZone("", int(off)%(14*3600)/60*60))
			}
			checkStrftime(t, ps[i], c, tm)
			var r parsers.Record
			line := strftimeLine(c, tm)
			_ = ps[i].Parse(append([]byte(line[:len(line)/2]), tail...), &r)
		}
	})
}
