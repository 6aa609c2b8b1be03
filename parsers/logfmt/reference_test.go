package logfmt

import (
	"bytes"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// The reference reads the grammar with regexp and the mapping with maps
// built from the lists of doc.go, time.Parse, time.ParseDuration and
// math/big; it shares no code with the parser.

var (
	// A pair: a plain key, alone or with =value, or a quoted key
	// (log/slog's `""=v`) with =value.
	refLine    = regexp.MustCompile(`(?s)^ *(?:(?:[^ ="]+(?:=(?:"(?:[^"\\]|\\.)*"|[^ "]*))?|"(?:[^"\\]|\\.)*"=(?:"(?:[^"\\]|\\.)*"|[^ "]*))(?: +|$))*$`)
	refPair    = regexp.MustCompile(`(?s)([^ ="]+|"(?:[^"\\]|\\.)*")(?:(=)("(?:[^"\\]|\\.)*"|[^ "]*))?`)
	refNum     = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?$`)
	refDigitsR = regexp.MustCompile(`^[0-9]*$`)
	// refHostPort is a client address with its port: [host]:port or
	// host:port, the host without ':' (a bare IPv6 address has no port).
	refHostPort = regexp.MustCompile(`(?s)^(?:\[([^\[\]]+)\]|([^:\[\]]+)):[0-9]{1,18}$`)
	refUnesc    = strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\n`, "\n", `\r`, "\r", `\t`, "\t")
)

type refName struct {
	field string
	rank  int
	unit  string
}

var refNames = func() map[string]refName {
	m := map[string]refName{}
	for field, names := range map[string]string{
		"time": "time ts t timestamp @timestamp", "level": "level lvl severity", "msg": "msg message",
		"status": "status status_code", "method": "method request_method", "target": "request_uri uri url path",
		"proto": "proto server_protocol", "client": "client_ip clientip remote_ip remote_addr ip fwd", "host": "host",
		"ua": "user_agent http_user_agent ua", "referer": "referer referrer http_referer",
		"user": "user_id user uid userId username", "bytes": "size body_bytes_sent bytes bytes_sent",
		"connect": "connect", "service": "service",
	} {
		for i, n := range strings.Fields(names) {
			m[n] = refName{field, i, ""}
		}
	}
	// slog.Group keys: req.method, res.status, ... after every plain name.
	grouped := map[string]refName{}
	for n, rn := range m {
		for _, g := range []struct{ prefixes, fields string }{
			{"request. req.", "method target proto client ua referer"},
			{"response. res.", "status bytes"},
		} {
			if strings.Contains(" "+g.fields+" ", " "+rn.field+" ") {
				for _, pre := range strings.Fields(g.prefixes) {
					grouped[pre+n] = refName{rn.field, 1000 + rn.rank, ""}
				}
			}
		}
	}
	maps.Copy(m, grouped)
	rank := 0
	for _, base := range strings.Fields("response_time duration latency elapsed request_time took") {
		for _, su := range []struct{ sfx, unit string }{{"", ""},
			{"_s", "s"}, {"_sec", "s"}, {"_secs", "s"}, {"_seconds", "s"},
			{"_ms", "ms"}, {"_msec", "ms"}, {"_millis", "ms"}, {"_milliseconds", "ms"},
			{"_us", "us"}, {"_usec", "us"}, {"_micros", "us"}, {"_microseconds", "us"},
			{"_ns", "ns"}, {"_nsec", "ns"}, {"_nanos", "ns"}, {"_nanoseconds", "ns"}} {
			m[base+su.sfx] = refName{"duration", rank, su.unit}
			rank++
		}
	}
	return m
}()

type refVal struct {
	v      string
	quoted bool
	rank   int
	unit   string
}

// refParse returns the record and "" or the reason of the rejection.
func refParse(line []byte, unit string) (parsers.Record, string) {
	return refParseFields(line, unit, nil)
}

// refRoles maps the role names of --field to the reference's fields.
var refRoles = map[string]string{"path": "target", "user_agent": "ua"}

// refSuffixUnits are the units of the duration suffixes.
var refSuffixUnits = map[string]string{
	"_s": "s", "_sec": "s", "_secs": "s", "_seconds": "s",
	"_ms": "ms", "_msec": "ms", "_millis": "ms", "_milliseconds": "ms",
	"_us": "us", "_usec": "us", "_micros": "us", "_microseconds": "us",
	"_ns": "ns", "_nsec": "ns", "_nanos": "ns", "_nanoseconds": "ns",
}

// refParseFields is refParse with the --field mappings over: a mapped key
// ranks before every own name, the mappings in their order, and loses its
// own role.
func refParseFields(line []byte, unit string, over []parsers.FieldSpec) (parsers.Record, string) {
	var r parsers.Record
	r.Reset()
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(bytes.Trim(line, " ")) == 0 {
		return r, ReasonEmpty
	}
	if !refLine.Match(line) {
		return r, ReasonSyntax
	}
	vals := map[string]refVal{}
	pairs, first := 0, ""
	for i, m := range refPair.FindAllSubmatch(line, -1) {
		if m[2] == nil {
			if i == 0 {
				first = string(m[1])
			}
			continue
		}
		pairs++
		if k := string(m[1]); strings.HasPrefix(k, `"`) {
			m[1] = []byte(refUnesc.Replace(k[1 : len(k)-1]))
		}
		var names []refName
		for i, s := range over {
			if s.Name != string(m[1]) {
				continue
			}
			field := s.Role.String()
			if f, ok := refRoles[field]; ok {
				field = f
			}
			u := ""
			for sfx, su := range refSuffixUnits {
				if strings.HasSuffix(s.Name, sfx) {
					u = su
				}
			}
			names = append(names, refName{field, i - len(over), u})
		}
		if n, ok := refNames[string(m[1])]; ok && len(names) == 0 {
			names = append(names, n)
		}
		for _, n := range names {
			v := refVal{v: string(m[3]), rank: n.rank, unit: n.unit}
			if strings.HasPrefix(v.v, `"`) {
				v.v, v.quoted = v.v[1:len(v.v)-1], true
			}
			if old, ok := vals[n.field]; ok && old.rank < n.rank {
				continue
			}
			vals[n.field] = v
		}
	}
	if pairs == 0 {
		return r, ReasonNoPairs
	}
	text := func(f string) []byte {
		v, ok := vals[f]
		if !ok || v.v == "" || v.v == "-" {
			return nil
		}
		if v.quoted {
			return []byte(refUnesc.Replace(v.v))
		}
		return []byte(v.v)
	}
	num := func(f string) (string, bool) {
		v, ok := vals[f]
		return v.v, ok && v.v != "" && v.v != "-"
	}
	r.Level, r.Message, r.Method, r.Target = text("level"), text("msg"), text("method"), text("target")
	r.Proto, r.Host, r.UserAgent, r.Referer, r.User = text("proto"), text("host"), text("ua"), text("referer"), text("user")
	if c := text("client"); c != nil {
		if i := bytes.IndexByte(c, ','); i >= 0 {
			c = c[:i]
		}
		if c = bytes.Trim(c, " "); len(c) == 0 || string(c) == "-" {
			c = nil
		}
		// Without the port of host:port or [host]:port; "-" is none.
		if m := refHostPort.FindSubmatch(c); m != nil {
			c = []byte(string(m[1]) + string(m[2]))
		}
		if string(c) == "-" {
			c = nil
		}
		r.Client = c
	}
	var ok bool
	if s, present := num("time"); present {
		if r.Time, ok = refTime(s); !ok {
			return r, ReasonTime
		}
	} else if t, ok := parsertest.ISO8601(first); first != "" && ok {
		r.Time = t
	}
	if s, present := num("status"); present && refDigitsR.MatchString(s) {
		switch {
		case s == "0":
			r.ZeroStatus = true
		case len(s) == 3 && s[0] != '0':
			r.Status = int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
		default:
			return r, ReasonStatus
		}
	}
	if s, present := num("bytes"); present {
		if !refDigitsR.MatchString(s) || len(s) > 18 {
			return r, ReasonBytes
		}
		r.Bytes, _ = parsertest.Decimal(s, 0) // at most 18 digits
	}
	if s, present := num("duration"); present {
		u := vals["duration"].unit
		if unit != "" {
			u = unit
		}
		if r.Duration, ok = refDuration(s, u); !ok {
			return r, ReasonDuration
		}
	} else if s, present := num("service"); present {
		if svc, ok := refGoDuration(s); ok {
			r.Upstream, r.Duration = svc, svc
			if c, present := num("connect"); present {
				if cd, ok := refGoDuration(c); ok && cd <= 1<<62 && svc <= 1<<62 {
					r.Duration += cd
				}
			}
		}
	}
	switch {
	case r.Method != nil || (r.Status != 0 || r.ZeroStatus) && r.Target != nil || r.Level == nil && r.Message == nil && (r.Status != 0 || r.Target != nil):
		r.Kind = parsers.KindHTTP
	case r.Level != nil || r.Message != nil:
		r.Kind = parsers.KindApp
	default:
		return r, ReasonNoFields
	}
	return r, ""
}

func refTime(s string) (int64, bool) {
	if refNum.MatchString(s) {
		return parsertest.Epoch(s)
	}
	return parsertest.ISO8601(s)
}

func refDuration(s, unit string) (int64, bool) {
	if !refNum.MatchString(s) {
		return refGoDuration(s)
	}
	if unit == "" {
		unit = "ms"
		if strings.Contains(s, ".") {
			unit = "s"
		}
	}
	return parsertest.Decimal(s, map[string]int64{"s": 6, "ms": 3, "us": 0, "µs": 0, "ns": -3}[unit])
}

// refGoDuration is time.ParseDuration in µs, without a sign. (It lets two
// components of 2^63 ns wrap to 0, which the parser rejects; the tests do
// not go there.)
func refGoDuration(s string) (int64, bool) {
	if strings.HasPrefix(s, "-") {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, false
	}
	return int64(d / time.Microsecond), true
}
