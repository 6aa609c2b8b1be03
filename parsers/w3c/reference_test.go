package w3c

import (
	"bytes"
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference reads a whole log (directives and lines) with regexp,
// strings, time.Parse and math/big, sharing no code with the parser, and
// returns per line a record, a reason or "directive".

type refResult struct {
	rec    parsers.Record
	reason string // "" ok, "directive", or a Reason
}

// refPercent matches a percent escape, or one escaped twice.
var refPercent = regexp.MustCompile(`%(?:25)?[0-9A-Fa-f]{2}`)

var (
	refTokSp  = regexp.MustCompile(`(?s)^ *(?:("(?:[^"\\]|\\.)*")|([^ "][^ ]*))( +|$)`)
	refTokTab = regexp.MustCompile(`(?s)^\t*(?:("(?:[^"\\]|\\.)*")|([^\t"][^\t]*))(\t+|$)`)
)

type refState struct {
	fields []string
	date   string
}

func (s *refState) parse(line []byte, unit string) refResult {
	var r parsers.Record
	r.Reset()
	line = bytes.TrimSuffix(line, []byte("\r"))
	if strings.TrimSpace(string(line)) == "" {
		return refResult{r, ReasonEmpty}
	}
	if line[0] == '#' {
		if f, ok := strings.CutPrefix(string(line), "#Fields:"); ok {
			// Names are split at spaces and tabs only and lower-cased
			// in ASCII only.
			s.fields = nil
			for _, n := range regexp.MustCompile(`[ \t]+`).Split(f, -1) {
				if n != "" {
					s.fields = append(s.fields, strings.Map(func(r rune) rune {
						if 'A' <= r && r <= 'Z' {
							return r + 'a' - 'A'
						}
						return r
					}, n))
				}
			}
		}
		if d, ok := strings.CutPrefix(string(line), "#Date:"); ok {
			d = strings.TrimSpace(d)
			if len(d) >= 10 {
				if _, err := time.Parse("2006-01-02", d[:10]); err == nil && d[:4] >= "1678" && d[:4] <= "2261" {
					s.date = d[:10]
				}
			}
		}
		return refResult{r, "directive"}
	}
	if s.fields == nil {
		return refResult{r, ReasonNoFields}
	}
	re := refTokSp
	if bytes.IndexByte(line, '\t') >= 0 {
		re = refTokTab
	} else {
		line = bytes.TrimLeft(line, " ")
	}
	var vals []string
	var quoted []bool
	for rest := line; len(rest) > 0; {
		m := re.FindSubmatch(rest)
		if m == nil {
			return refResult{r, ReasonQuote}
		}
		v := string(m[2])
		if m[1] != nil {
			v = string(m[1][1 : len(m[1])-1])
		}
		vals = append(vals, v)
		quoted = append(quoted, m[1] != nil)
		rest = rest[len(m[0]):]
	}
	if len(vals) != len(s.fields) {
		return refResult{r, ReasonFieldCount}
	}
	get := map[string]string{}
	for i, f := range s.fields {
		if _, seen := get[f]; !seen {
			get[f] = vals[i]
		}
	}
	first := func(names ...string) string {
		for _, n := range names {
			if v, ok := get[n]; ok {
				return v
			}
		}
		return ""
	}
	dash := func(v string) []byte {
		if v == "" || v == "-" {
			return nil
		}
		return []byte(v)
	}
	r.Kind = parsers.KindHTTP
	if tm := first("time", "time-local"); get["time"] != "" || get["time-local"] != "" || hasAny(get, "time", "time-local") {
		date := first("date", "date-local")
		dateGiven := hasAny(get, "date", "date-local")
		if !dateGiven {
			date = s.date
		}
		if !regexp.MustCompile(`^[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?$`).MatchString(tm) {
			return refResult{r, ReasonTime}
		}
		if dateGiven && !regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`).MatchString(date) {
			return refResult{r, ReasonTime}
		}
		tm = strings.Replace(tm, ",", ".", 1)
		if i := strings.IndexByte(tm, '.'); i >= 0 && len(tm)-i-1 > 9 {
			tm = tm[:i+10]
		}
		d := date
		if d == "" {
			d = "2000-01-01"
		}
		t, err := time.Parse("2006-01-02 15:04:05.999999999", d+" "+tm)
		if err != nil || d[:4] < "1678" || d[:4] > "2261" {
			return refResult{r, ReasonTime}
		}
		if date != "" {
			r.Time = t.UnixNano()
		}
	}
	r.Client = dash(first("c-ip"))
	r.User = dash(first("cs-username", "c-auth-id"))
	r.Method = dash(first("cs-method"))
	if stem := dash(first("cs-uri-stem")); stem != nil {
		r.Target = stem
		if q := dash(first("cs-uri-query")); q != nil {
			r.Target = []byte(string(stem) + "?" + string(q))
		}
	} else {
		r.Target = dash(first("cs-uri"))
	}
	r.UserAgent = dash(first("cs(user-agent)"))
	// IIS: '+' for a space, in an unquoted value of a line of spaces;
	// CloudFront: percent-encoded, perhaps twice, in a line of tabs.
	for i, f := range s.fields {
		if f == "cs(user-agent)" {
			switch {
			case quoted[i] || r.UserAgent == nil:
			case re == refTokSp:
				r.UserAgent = []byte(strings.ReplaceAll(string(r.UserAgent), "+", " "))
			default:
				r.UserAgent = refPercent.ReplaceAllFunc(r.UserAgent, func(m []byte) []byte {
					b, _ := strconv.ParseUint(string(m[len(m)-2:]), 16, 8)
					return []byte{byte(b)}
				})
			}
			break
		}
	}
	r.Referer = dash(first("cs(referer)", "cs(referrer)"))
	r.Host = dash(first("cs-host", "cs(host)", "x-host-header"))
	if st := dash(first("sc-status")); st != nil {
		if !regexp.MustCompile(`^[1-9][0-9]{2}$`).Match(st) {
			return refResult{r, ReasonStatus}
		}
		n, _ := parsertest.Decimal(string(st), 0) // 3 digits
		r.Status = int(n)
	}
	b := dash(first("sc-bytes"))
	if b == nil {
		b = dash(first("bytes"))
	}
	if b != nil {
		if !regexp.MustCompile(`^[0-9]{1,18}$`).Match(b) {
			return refResult{r, ReasonBytes}
		}
		r.Bytes, _ = parsertest.Decimal(string(b), 0) // at most 18 digits
	}
	exp := map[string]int64{"s": 6, "ms": 3, "us": 0, "ns": -3}
	if d := dash(first("timetakenms")); d != nil {
		u := "ms"
		if unit != "" {
			u = unit
		}
		if r.Duration = refDur(string(d), exp[u]); r.Duration < 0 {
			return refResult{r, ReasonDuration}
		}
	} else if d := dash(first("time-taken")); d != nil {
		u := "ms"
		if bytes.IndexByte(d, '.') >= 0 {
			u = "s"
		}
		if unit != "" {
			u = unit
		}
		if r.Duration = refDur(string(d), exp[u]); r.Duration < 0 {
			return refResult{r, ReasonDuration}
		}
	}
	return refResult{r, ""}
}

func hasAny(m map[string]string, names ...string) bool {
	for _, n := range names {
		if _, ok := m[n]; ok {
			return true
		}
	}
	return false
}

var refDec = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?$`)

// refDur is decimal s times 10^exp, truncated; -1 when s is not a plain
// decimal or the result is over int64.
func refDur(s string, exp int64) int64 {
	if !refDec.MatchString(s) {
		return -1
	}
	n, ok := parsertest.Decimal(s, exp)
	if !ok {
		return -1
	}
	return n
}

// compare runs the parser and the reference over lines, failing on the
// first disagreement; it returns the results.
func compare(t testing.TB, lines [][]byte, unit string) []refResult {
	t.Helper()
	p := NewParser(Options{DurationUnit: unit})
	var s refState
	var out []refResult
	for i, line := range lines {
		var r parsers.Record
		err := p.Parse(line, &r)
		ref := s.parse(line, unit)
		got := ""
		var se *parsers.SyntaxError
		switch {
		case errors.Is(err, parsers.ErrDirective):
			got = "directive"
		case errors.As(err, &se):
			got = se.Reason
			if se.Pos < 0 || se.Pos > len(line) {
				t.Fatalf("unexpected position for %q; got %d", line, se.Pos)
			}
		case err != nil:
			t.Fatalf("unexpected error type for %q; got %#v", line, err)
		}
		if got != ref.reason {
			t.Fatalf("unexpected result for line %d %q; got %q; reference %q", i+1, line, got, ref.reason)
		}
		if got == "" && !reflect.DeepEqual(ref.rec, r) {
			t.Fatalf("unexpected record for line %d %q (-reference +got):\n%s", i+1, line, cmp.Diff(ref.rec, r))
		}
		out = append(out, refResult{r, got})
	}
	return out
}
