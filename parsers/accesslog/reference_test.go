package accesslog

import (
	"bytes"
	"math"
	"regexp"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference is a slow, independent implementation of the named
// formats with regexp, time.Parse and math/big; the tests compare the
// parser with it line by line.

const (
	refQuoted = `"((?:[^"\\]|\\.)*)"`
	refHead   = `(?s)^([^ ]+) +(?:([^ \[][^ ]*) +)??(?:([^ \[][^ ]*) +)?\[(.{26}|-)\] +` + refQuoted + ` +([1-9][0-9][0-9]|-) +([0-9]{1,18}|-)`
	refTail   = `(?: +([^ "](?:[^ ]|, | : )*))? *$`
)

var (
	refCommon   = regexp.MustCompile(refHead + refTail)
	refCombined = regexp.MustCompile(refHead + ` +` + refQuoted + ` +` + refQuoted + `(?: +"(?:[^"\\]|\\.)*")*` + refTail)
	// A duration, or a list of them as in $upstream_response_time.
	refDurations = regexp.MustCompile(`^(?:-|[0-9]+(?:\.[0-9]+)?)(?:(?:,|, |:| : )(?:-|[0-9]+(?:\.[0-9]+)?))*$`)
	refSeparator = regexp.MustCompile(` ?[,:] ?`)
)

// refParse parses line as the named format "common" or "combined" with
// unit u for a trailing duration (unitAuto: seconds when it has a '.',
// else milliseconds). ok is false when the line does not parse.
func refParse(line []byte, combined bool, u unit) (r parsers.Record, ok bool) {
	r.Reset()
	line = bytes.TrimSuffix(line, []byte("\r"))
	re := refCommon
	if combined {
		re = refCombined
	}
	m := re.FindSubmatch(line)
	if m == nil {
		return r, false
	}
	r.Client = parsertest.Dash(m[1])
	r.User = parsertest.Dash(m[3])
	if m[3] == nil {
		r.User = parsertest.Dash(m[2])
	}
	if r.Time, ok = refTime(m[4]); !ok {
		return r, false
	}
	r.Method, r.Target, r.Proto = parsertest.Request(m[5])
	if !isDash(m[6]) {
		n, _ := parsertest.Decimal(string(m[6]), 0) // 3 digits
		r.Status = int(n)
	}
	if !isDash(m[7]) {
		r.Bytes, _ = parsertest.Decimal(string(m[7]), 0) // at most 18 digits
	}
	last := m[8]
	if combined {
		r.Referer, r.UserAgent, last = parsertest.Dash(m[8]), parsertest.Dash(m[9]), m[10]
	}
	if last != nil {
		if !refDurations.Match(last) {
			return r, false
		}
		if u == unitAuto {
			u = unitMS
			if bytes.IndexByte(last, '.') >= 0 {
				u = unitS
			}
		}
		exp := map[unit]int64{unitS: 6, unitMS: 3, unitUS: 0}[u]
		for _, d := range refSeparator.Split(string(last), -1) {
			if d == "-" {
				continue
			}
			n, ok := parsertest.Decimal(d, exp)
			if !ok || r.Duration > 0 && n > math.MaxInt64-r.Duration {
				return r, false
			}
			r.Duration = max(r.Duration, 0) + n
		}
	}
	return r, true
}

// refTimeShape is the documented rule for $time_local and %t: exactly
// "dd/Mon/yyyy:hh:mm:ss ±hhmm", two-digit day, hour, minute and second and
// one space, as nginx and Apache write it. time.Parse alone is laxer: it
// takes a one-digit hour and a run of spaces for the one space (issue 12).
var refTimeShape = regexp.MustCompile(`^[0-9]{2}/[A-Za-z]{3}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$`)

func refTime(b []byte) (int64, bool) {
	if string(b) == "-" {
		return 0, true
	}
	if !refTimeShape.Match(b) {
		return 0, false
	}
	t, err := time.Parse("02/Jan/2006:15:04:05 -0700", string(b))
	// time.Parse takes zone offsets up to +2400 and +2360; the parser
	// wants hours 00-23 and minutes 00-59.
	if err != nil || t.Year() < parsers.MinYear || t.Year() > parsers.MaxYear || b[22] > '2' || b[22] == '2' && b[23] > '3' || b[24] > '5' {
		return 0, false
	}
	return t.UnixNano(), true
}
