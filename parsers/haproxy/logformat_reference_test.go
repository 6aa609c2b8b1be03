package haproxy

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference of a log-format: one regexp built from the format string
// by this file alone, from HAProxy's documentation (configuration manual
// 8.2.6), with one group per variable, and the values read with strconv,
// time.Parse and parsertest. It shares no code with the compiler or the
// parser.

// refVar is a variable of the format as the reference sees it.
type refVar struct {
	name string // "ci", "ST", "[req.hdr(host)]"
	// group is the index of its first group; a value is quoted (group)
	// or not (group+1).
	group int
}

// refFormat is a compiled reference.
type refFormat struct {
	re   *regexp.Regexp
	vars []refVar
}

// refCompile builds the reference of a log-format; t fails on a format
// it cannot read.
func refCompile(t testing.TB, format string) *refFormat {
	t.Helper()
	format = strings.TrimPrefix(format, "haproxy:")
	// Tokens: literal text (spaces are separators) and variables.
	type token struct {
		lit    string
		name   string
		sep    bool
		quoted bool
	}
	var toks []token
	quote := false // %{+Q}o
	for i := 0; i < len(format); {
		switch c := format[i]; {
		case c == ' ':
			for i < len(format) && format[i] == ' ' {
				i++
			}
			toks = append(toks, token{sep: true})
		case c == '\\' && i+1 < len(format):
			toks = append(toks, token{lit: format[i+1 : i+2]})
			i += 2
		case c == '%' && strings.HasPrefix(format[i:], "%%"):
			toks = append(toks, token{lit: "%"})
			i += 2
		case c == '%':
			i++
			q := quote
			if format[i] == '{' {
				flags := format[i : i+strings.IndexByte(format[i:], '}')+1]
				i += len(flags)
				if strings.Contains(flags, "+Q") {
					q = true
				} else if strings.Contains(flags, "-Q") {
					q = false
				}
				if regexp.MustCompile(`^o\b`).MatchString(format[i:]) {
					quote = q
					i++
					continue
				}
			}
			var name string
			if format[i] == '[' {
				name = regexp.MustCompile(`^\[[^\]]*\]`).FindString(format[i:])
			} else {
				name = regexp.MustCompile(`^[A-Za-z]+`).FindString(format[i:])
			}
			if name == "" {
				t.Fatalf("reference cannot read %q at %d", format, i)
			}
			toks = append(toks, token{name: name, quoted: q && !refUnquoted[name]})
			i += len(name)
		default:
			toks = append(toks, token{lit: format[i : i+1]})
			i++
		}
	}
	capture := map[string]bool{"hr": true, "hs": true, "hrl": true, "hsl": true}
	var b strings.Builder
	b.WriteString(`^`)
	rf := &refFormat{}
	group := 1
	afterCapture := false
	for i, tk := range toks {
		switch {
		case tk.sep:
			if i+1 < len(toks) && capture[toks[i+1].name] {
				// The separator goes with the capture that follows it:
				// neither is written without captures.
				continue
			}
			if i == 0 {
				b.WriteString(` *`)
			} else {
				b.WriteString(` +`)
			}
		case tk.name == "":
			b.WriteString(regexp.QuoteMeta(tk.lit))
			afterCapture = false
		default:
			stop := " "
			if i+1 < len(toks) && toks[i+1].lit != "" {
				stop = toks[i+1].lit[:1]
			}
			pat := refPattern(tk.name, stop, tk.quoted, afterCapture, i+1 < len(toks) && toks[i+1].lit == ":")
			if capture[tk.name] {
				pre := ` +`
				if i == 0 || !toks[i-1].sep {
					pre = ``
				}
				pat = `(?:` + pre + pat + `)?`
			}
			b.WriteString(pat)
			rf.vars = append(rf.vars, refVar{name: tk.name, group: group})
			group += 2
			afterCapture = tk.name == "hr" || tk.name == "hs"
		}
	}
	b.WriteString(`$`)
	rf.re = regexp.MustCompile(b.String())
	return rf
}

// refUnquoted are the variables +Q leaves unquoted: numbers, dates and
// the termination state.
var refUnquoted = map[string]bool{}

func init() {
	for _, v := range strings.Fields("ST B Ta Tt Tr cp fp bp sp TR Tw Tc Th Ti Tq Tu U ac fc bc sc rc sq bq lc rt pid Ts ms t tr T Tl trg trl ts tsc") {
		refUnquoted[v] = true
	}
}

// refPattern is the regexp of variable name: two groups, the value when
// quoted and when not. stop ends an unquoted value; afterCapture forbids
// a value that starts as a capture does ("{"), which a capture there
// would have taken; beforeColon marks an address before ":port", which
// ends at the token's last ':'.
func refPattern(name, stop string, quoted, afterCapture, beforeColon bool) string {
	if quoted {
		switch {
		case name == "hr" || name == "hs":
			return `"(\{(?:[^"\\]|\\.)*)"()`
		case name == "hrl" || name == "hsl":
			return `()("(?:[^"\\]|\\.)*"(?: "(?:[^"\\]|\\.)*")*)`
		case afterCapture:
			return `"((?:[^"\\{]|\\.)(?:[^"\\]|\\.)*|)"()`
		}
		return `"((?:[^"\\]|\\.)*)"()`
	}
	s := regexp.QuoteMeta(stop)
	first := `[^` + s + `]`
	if afterCapture {
		first = `[^{` + s + `]`
	}
	unq := `()(` + first + `[^` + s + `]*)`
	switch name {
	case "ci", "fi", "bi", "si":
		if beforeColon {
			unq = `()(` + strings.Replace(first, s, " ", 1) + `[^ ]*)`
		}
	case "ST":
		return `()(-1|[1-9][0-9][0-9])`
	case "B":
		return `()\+?([0-9]{1,18})`
	case "Ta", "Tt", "Tr", "cp", "fp", "bp", "sp", "TR", "Tw", "Tc", "Th", "Ti", "Tq", "Tu", "U",
		"ac", "fc", "bc", "sc", "rc", "sq", "bq", "lc", "rt", "pid":
		return `()(-1|\+?[0-9]{1,15})`
	case "Ts", "ms":
		return `()([0-9]{1,18})`
	case "T", "Tl", "trg", "trl":
		return `()(.{26})`
	case "hr", "hs":
		return `()(\{[^}]*\})`
	case "hrl", "hsl":
		return `()("(?:[^"\\]|\\.)*"(?: "(?:[^"\\]|\\.)*")*)`
	case "r":
		if stop == " " {
			unq = `()(<BADREQ>|[^ ]+ [^ ]+(?: HTTP/[^ ]*)?)`
		}
	}
	return unq
}

// parse reads line as the reference does: the record, false when the
// line does not match or a value does not read.
func (rf *refFormat) parse(line []byte) (parsers.Record, bool) {
	var r parsers.Record
	r.Reset()
	line = bytes.TrimRight(bytes.TrimSuffix(line, []byte("\r")), " ")
	if m := refPrefix.Find(line); m != nil {
		line = line[len(m):]
	}
	m := rf.re.FindSubmatch(line)
	if m == nil || len(line) == 0 {
		return r, false
	}
	r.Kind = parsers.KindHTTP
	seen := map[string]bool{}
	first := func(field string) bool {
		was := seen[field]
		seen[field] = true
		return !was
	}
	hasTa := false
	for _, v := range rf.vars {
		hasTa = hasTa || v.name == "Ta"
	}
	secs, ms := false, int64(-1)
	for _, v := range rf.vars {
		val := m[v.group]
		if len(val) == 0 {
			val = m[v.group+1]
		}
		s := string(val)
		switch v.name {
		case "ci":
			if first("client") {
				r.Client = parsertest.Dash(val)
			}
		case "t", "tr", "T", "Tl", "trg", "trl", "Ts":
			var ns int64
			ok := true
			switch v.name {
			case "t", "tr":
				ns, ok = refAcceptDate(s)
			case "Ts":
				n, err := strconv.ParseInt(s, 10, 64)
				ok = err == nil && n < 9214646400 // 2262-01-01
				ns = n * 1e9
			default:
				ns, ok = parsertest.CLFTime(s)
			}
			if !ok {
				return r, false
			}
			if first("time") {
				r.Time, secs = ns, v.name != "t" && v.name != "tr"
			}
		case "ms":
			n, _ := strconv.ParseInt(s, 10, 64)
			if n >= 1000 {
				return r, false
			}
			ms = n
		case "r":
			if first("request") && s != "<BADREQ>" {
				r.Method, r.Target, r.Proto = parsertest.Request(val)
			}
		case "HM":
			if first("method") {
				r.Method = parsertest.Dash(val)
			}
		case "HU", "HP", "HPO":
			if first("target") {
				r.Target = parsertest.Dash(val)
			}
		case "HV":
			if first("proto") {
				r.Proto = parsertest.Dash(val)
			}
		case "ST":
			if first("status") && s != "-1" {
				r.Status, _ = strconv.Atoi(s)
			}
		case "B":
			if first("bytes") {
				r.Bytes, _ = strconv.ParseInt(s, 10, 64)
			}
		case "Ta":
			if first("Ta") {
				r.Duration = refMillis(s)
			}
		case "Tt":
			if !hasTa && first("Tt") {
				r.Duration = refMillis(s)
			}
		case "Tr":
			if first("Tr") {
				r.Upstream = refMillis(s)
			}
		default:
			switch strings.ToLower(v.name) {
			case "[req.hdr(host)]", "[hdr(host)]", "[req.fhdr(host)]":
				if first("host") {
					r.Host = parsertest.Dash(val)
				}
			case "[req.hdr(user-agent)]", "[hdr(user-agent)]", "[req.fhdr(user-agent)]":
				if first("ua") {
					r.UserAgent = parsertest.Dash(val)
				}
			case "[req.hdr(referer)]", "[hdr(referer)]", "[req.fhdr(referer)]":
				if first("referer") {
					r.Referer = parsertest.Dash(val)
				}
			}
		}
	}
	if secs && ms >= 0 && r.Time != parsers.NoTime {
		r.Time += ms * 1e6
	}
	return r, true
}
