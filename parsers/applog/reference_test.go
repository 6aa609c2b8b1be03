package applog

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference reads the grammar of doc.go with regexp and the values
// with time.Parse, time.Date and parsertest.ISO8601; it shares no code
// with the parser.

const (
	refClock = `([0-9]{2}:[0-9]{2}:[0-9]{2})(?:[.,]([0-9]+))?`
)

var (
	refKlog   = regexp.MustCompile(`^([IWEF])([0-9]{8}|[0-9]{4}) ` + refClock + `(?:$|[^A-Za-z0-9])`)
	refPrefix = regexp.MustCompile(`^(?:[A-Z], \[|\[)?`)
	// The timestamps, matched where one may start.
	refISO    = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]` + refClock + `(?:([Zz]|[+-][0-9]{2}(?::[0-9]{2}|[0-9]{2})?)(?:$|[^A-Za-z0-9])|$|[^A-Za-z0-9+-])`)
	refSlash  = regexp.MustCompile(`^([0-9]{4})/([0-9]{2})/([0-9]{2}) ` + refClock + `(?:$|[^A-Za-z0-9])`)
	refSyslog = regexp.MustCompile(`^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?: ([0-9])|([0-9]{1,2})) ` + refClock + `(?:$|[^A-Za-z0-9])`)
	refShort  = regexp.MustCompile(`^([0-9]{2})/([0-9]{2})/([0-9]{2}) ` + refClock + `(?:$|[^A-Za-z0-9])`)
	// A level word in capitals first.
	refLevelFirst = regexp.MustCompile(`^\[?([A-Z]+)(?:$|[^A-Za-z0-9_.$-])`)

	refToken   = regexp.MustCompile(`[A-Za-z0-9_.$-]+`)
	refLead    = regexp.MustCompile(`(?s)^[ \t:|\-\]>)]*(.*)$`)
	refSpring  = regexp.MustCompile(`(?s)^[0-9]+ +--- `)
	refSpringM = regexp.MustCompile(`(?s)^[0-9]+ +---.*? : (.*)$`)
	refKlogMsg = regexp.MustCompile(`(?s)^[^\]]*\]`)

	refCont      = regexp.MustCompile(`^(?:[ \t]|at |Caused by:|Suppressed:|Exception in thread |Traceback \(|During handling of the above exception|The above exception was the direct cause|\.\.\.)`)
	refException = regexp.MustCompile(`^(?:(?:[A-Za-z_$][A-Za-z0-9_$.]*)?(?:Exception|Error|Throwable)|[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+\.[A-Z][A-Za-z0-9_$]*)(?::|$)`)

	refLevels = map[string]bool{"trace": true, "debug": true, "info": true, "notice": true, "warn": true, "warning": true,
		"error": true, "fatal": true, "critical": true, "panic": true, "severe": true}
	refKlogLevels = map[byte]string{'I': "info", 'W': "warn", 'E': "error", 'F': "fatal"}
	refMonths     = map[string]time.Month{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}
)

// refResult is the reference's verdict: a record, a continuation, or the
// reason of a rejection.
type refResult struct {
	rec    parsers.Record
	cont   bool
	reason string
}

func refParse(line []byte, now time.Time) refResult {
	var res refResult
	res.rec.Reset()
	line = bytes.TrimSuffix(line, []byte("\r"))
	s := string(line)
	switch {
	case s == "":
		res.reason = ReasonEmpty
	case refKlog.MatchString(s):
		res = refKlogLine(s, now, res)
	default:
		res = refGeneric(s, now, res)
	}
	return res
}

func refKlogLine(s string, now time.Time, res refResult) refResult {
	m := refKlog.FindStringSubmatchIndex(s)
	date, clock, frac := s[m[4]:m[5]], s[m[6]:m[7]], group(s, m, 8)
	var t int64
	var ok bool
	if len(date) == 8 {
		t, ok = parsertest.ISO8601(date[:4] + "-" + date[4:6] + "-" + date[6:] + "T" + clock + dotFrac(frac) + "Z")
	} else {
		mo, _ := strconv.Atoi(date[:2])
		d, _ := strconv.Atoi(date[2:])
		t, ok = refYearless(time.Month(mo), d, clock, frac, now)
	}
	if !ok {
		res.reason = ReasonTime
		return res
	}
	rest := s[max(m[7], m[9]):]
	rest = refKlogMsg.ReplaceAllString(rest, "")
	res.rec.Kind, res.rec.Time, res.rec.Level = parsers.KindApp, t, []byte(refKlogLevels[s[0]])
	res.rec.Message = refBytes(strings.TrimLeft(rest, " \t"))
	return res
}

func refGeneric(s string, now time.Time, res refResult) refResult {
	t, ok, end, found := refStamp(s, len(refPrefix.FindString(s)), now)
	if !found {
		if m := refLevelFirst.FindStringSubmatchIndex(s); m != nil && refIsLevel(s[m[2]:m[3]]) {
			return refLevelFirstLine(s, m[2], m[3], now, res)
		}
		res.cont = refCont.MatchString(s) || refException.MatchString(s)
		if !res.cont {
			res.reason = ReasonNoTime
		}
		return res
	}
	if !ok {
		res.reason = ReasonTime
		return res
	}
	rest := s[end:]
	lvl, lvlEnd := "", 0
	words := 0
	for _, tk := range refToken.FindAllStringIndex(rest, -1) {
		w := rest[tk[0]:tk[1]]
		if tk[0] >= 128 || words == 6 {
			break
		}
		if c := w[0]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			continue
		}
		words++
		if refIsLevel(w) {
			lvl, lvlEnd = w, tk[1]
			break
		}
	}
	if lvl == "" {
		res.reason = ReasonNoLevel
		return res
	}
	res.rec.Kind, res.rec.Time, res.rec.Level, res.rec.Message = parsers.KindApp, t, refLevel(lvl), refMessage(rest[lvlEnd:])
	return res
}

// refLevelFirstLine reads a line whose level word is s[ls:le]: the time
// is the first of the timestamps starting at one of the 6 tokens after
// it that start within 128 bytes, else none.
func refLevelFirstLine(s string, ls, le int, now time.Time, res refResult) refResult {
	res.rec.Kind, res.rec.Level = parsers.KindApp, refLevel(s[ls:le])
	rest := s[le:]
	for i, tk := range refToken.FindAllStringIndex(rest, -1) {
		if i == 6 || tk[0] >= 128 {
			break
		}
		t, ok, end, found := refStamp(s, le+tk[0], now)
		if !found {
			continue
		}
		if !ok {
			res.rec = parsers.Record{}
			res.reason = ReasonTime
			return res
		}
		res.rec.Time, rest = t, s[end:]
		break
	}
	res.rec.Message = refMessage(rest)
	return res
}

// refStamp reads the timestamp at s[pos:], if one starts there: its time,
// whether its values are valid, and where it ends.
func refStamp(s string, pos int, now time.Time) (t int64, ok bool, end int, found bool) {
	r := s[pos:]
	if m := refISO.FindStringSubmatchIndex(r); m != nil {
		frac, zone := group(r, m, 6), group(r, m, 8)
		if zone == "" {
			zone = "Z"
		}
		t, ok = parsertest.ISO8601(r[m[2]:m[3]] + "T" + r[m[4]:m[5]] + dotFrac(frac) + zone)
		return t, ok, pos + max(m[5], m[7], m[9]), true
	}
	if m := refSlash.FindStringSubmatchIndex(r); m != nil {
		t, ok = parsertest.ISO8601(r[m[2]:m[3]] + "-" + r[m[4]:m[5]] + "-" + r[m[6]:m[7]] + "T" + r[m[8]:m[9]] + dotFrac(group(r, m, 10)) + "Z")
		return t, ok, pos + max(m[9], m[11]), true
	}
	if m := refShort.FindStringSubmatchIndex(r); m != nil {
		t, ok = parsertest.ISO8601("20" + r[m[2]:m[3]] + "-" + r[m[4]:m[5]] + "-" + r[m[6]:m[7]] + "T" + r[m[8]:m[9]] + dotFrac(group(r, m, 10)) + "Z")
		return t, ok, pos + max(m[9], m[11]), true
	}
	if m := refSyslog.FindStringSubmatchIndex(r); m != nil {
		d, _ := strconv.Atoi(group(r, m, 4) + group(r, m, 6))
		t, ok = refYearless(refMonths[r[m[2]:m[3]]], d, r[m[8]:m[9]], group(r, m, 10), now)
		return t, ok, pos + max(m[9], m[11]), true
	}
	return 0, false, 0, false
}

// refLevel is the level a level word gives: SEVERE is error.
func refLevel(w string) []byte {
	if l, ok := refLogrus[w]; ok {
		return []byte(l)
	}
	if strings.ToLower(w) == "severe" {
		return []byte("error")
	}
	return []byte(w)
}

// refLogrus maps logrus's four-letter levels, in capitals only.
var refLogrus = map[string]string{"TRAC": "trace", "DEBU": "debug", "ERRO": "error", "FATA": "fatal", "PANI": "panic"}

// refIsLevel reports whether w is a level word.
func refIsLevel(w string) bool {
	_, ok := refLogrus[w]
	return ok || refLevels[strings.ToLower(w)]
}

// refMessage is the message after a level word or timestamp: without the
// separators before it, and for Spring Boot what follows " : ".
func refMessage(rest string) []byte {
	msg := refLead.FindStringSubmatch(rest)[1]
	if refSpring.MatchString(msg) {
		if sm := refSpringM.FindStringSubmatch(msg); sm != nil {
			msg = sm[1]
		}
	}
	return refBytes(msg)
}

// refYearless is the time of a date without a year: in now's year unless
// that is more than a day after now or does not exist, else the year
// before.
func refYearless(mo time.Month, d int, clock, frac string, now time.Time) (int64, bool) {
	c, err := time.Parse("15:04:05", clock)
	if err != nil {
		return 0, false
	}
	ns := 0
	if frac != "" {
		ns, _ = strconv.Atoi((frac + "000000000")[:9])
	}
	now = now.UTC()
	for i, y := range []int{now.Year(), now.Year() - 1} {
		t := time.Date(y, mo, d, c.Hour(), c.Minute(), c.Second(), ns, time.UTC)
		if t.Month() != mo || t.Day() != d || t.Year() != y {
			continue
		}
		if i == 0 && t.Unix() > now.Unix()+86400 {
			continue
		}
		return t.UnixNano(), true
	}
	return 0, false
}

func group(s string, m []int, i int) string {
	if m[i] < 0 {
		return ""
	}
	return s[m[i]:m[i+1]]
}

func dotFrac(frac string) string {
	if frac == "" {
		return ""
	}
	return "." + frac
}

func refBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}
