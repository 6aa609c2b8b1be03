package jsonlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// This file holds a slow reference implementation of the mapping that
// doc.go describes, built on encoding/json, time, math/big and regexp, and
// sharing no code or tables with the parser, to compare with it field by
// field.

// result is a parse result in a comparable form: "" stands for an absent
// text field, and Reason is set instead of the fields for a rejected line.
type result struct {
	Reason    string
	Kind      parsers.Kind
	Time      int64
	Level     string
	Message   string
	Status    int
	Method    string
	Target    string
	Proto     string
	Client    string
	UserAgent string
	Referer   string
	User      string
	Host      string
	Bytes     int64
	Duration  int64
	Upstream  int64
	// ZeroStatus: the line logs status 0 (no response sent).
	ZeroStatus bool
}

// String lists the fields that are present, for readable comparisons.
func (r result) String() string {
	if r.Reason != "" {
		return "error " + r.Reason
	}
	var b strings.Builder
	b.WriteString([...]string{parsers.KindHTTP: "http", parsers.KindApp: "app", parsers.KindTCP: "tcp"}[r.Kind])
	num := func(name string, v, absent int64) {
		if v != absent {
			fmt.Fprintf(&b, " %s=%d", name, v)
		}
	}
	text := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, " %s=%q", name, v)
		}
	}
	num("time", r.Time, parsers.NoTime)
	text("level", r.Level)
	text("msg", r.Message)
	num("status", int64(r.Status), 0)
	text("method", r.Method)
	text("target", r.Target)
	text("proto", r.Proto)
	text("client", r.Client)
	text("ua", r.UserAgent)
	text("referer", r.Referer)
	text("user", r.User)
	text("host", r.Host)
	num("bytes", r.Bytes, -1)
	num("duration", r.Duration, -1)
	num("upstream", r.Upstream, -1)
	if r.ZeroStatus {
		b.WriteString(" status=0")
	}
	return b.String()
}

// resultOf converts what Parse returned. Text fields have each byte of
// invalid UTF-8 replaced by U+FFFD, as encoding/json does when it decodes.
func resultOf(r *parsers.Record, err error) result {
	if err != nil {
		var se *parsers.SyntaxError
		if !errors.As(err, &se) {
			return result{Reason: "unexpected error type: " + err.Error()}
		}
		return result{Reason: se.Reason}
	}
	s := func(b []byte) string { return string([]rune(string(b))) }
	return result{
		Kind: r.Kind, Time: r.Time, Level: s(r.Level), Message: s(r.Message),
		Status: r.Status, Method: s(r.Method), Target: s(r.Target), Proto: s(r.Proto),
		Client: s(r.Client), UserAgent: s(r.UserAgent), Referer: s(r.Referer),
		User: s(r.User), Host: s(r.Host), Bytes: r.Bytes, Duration: r.Duration, Upstream: r.Upstream, ZeroStatus: r.ZeroStatus,
	}
}

// parseRef parses line with the reference implementation.
func parseRef(line []byte, durationUnit string) result {
	return parseRefFields(line, durationUnit, nil)
}

// parseRefFields parses line with the reference implementation and the
// --field mappings over.
func parseRefFields(line []byte, durationUnit string, over []parsers.FieldSpec) result {
	start := bytes.IndexByte(line, '{')
	if start < 0 {
		return result{Reason: ReasonNotJSON}
	}
	js := line[start:]
	if reason := refCheck(js); reason != "" {
		return result{Reason: reason}
	}
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	var top map[string]any
	if err := d.Decode(&top); err != nil {
		return result{Reason: "reference: " + err.Error()}
	}
	return refMap(top, durationUnit, over)
}

// refCheck walks the tokens of js and returns the reason to reject it.
func refCheck(js []byte) string {
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	type frame struct{ object, key bool }
	var stack []frame
	values := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return ReasonSyntax
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].key {
			if tok != json.Delim('}') {
				stack[n-1].key = false // tok is a key
				continue
			}
		}
		switch tok {
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		case json.Delim('{'), json.Delim('['):
			if values++; values > MaxValues {
				return ReasonTooLarge
			}
			if len(stack) == MaxDepth {
				return ReasonTooDeep
			}
			stack = append(stack, frame{object: tok == json.Delim('{')})
		default:
			if values++; values > MaxValues {
				return ReasonTooLarge
			}
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].key = true
		}
		if len(stack) == 0 {
			if rest := js[d.InputOffset():]; len(bytes.Trim(rest, " \t\r\n")) > 0 {
				return ReasonSyntax
			}
			return ""
		}
	}
}

var (
	refDurationBases = []string{"response_time", "duration", "latency", "elapsed", "request_time", "took"}
	refDurationUnits = []struct{ suffixes, unit string }{
		{"_s _sec _secs _seconds", "s"},
		{"_ms _msec _millis _milliseconds", "ms"},
		{"_us _usec _micros _microseconds", "us"},
		{"_ns _nsec _nanos _nanoseconds", "ns"},
	}
	refNumber       = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	refDigits       = regexp.MustCompile(`^[0-9]+$`)
	refRFC3339      = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2})(?::?([0-9]{2}))?)$`)
	refStatusReason = regexp.MustCompile(`^([1-9][0-9]{2}) .`)
	refHostPort     = regexp.MustCompile(`(?s)^(?:\[([^\[\]]+)\]|([^:\[\]]+)):[0-9]{1,18}$`)
)

// refMap maps a decoded line onto a result; the values of the mappings
// over come before those of the names of doc.go.
func refMap(top map[string]any, durationUnit string, over []parsers.FieldSpec) result {
	// The own names do not see a key of top that a mapping names whole.
	all := top
	top = map[string]any{}
	for k, v := range all {
		top[k] = v
	}
	for _, s := range over {
		delete(top, s.Name)
	}
	// mapped returns the values the mappings of role find, in order.
	mapped := func(role parsers.Role) []any {
		var vs []any
		for _, s := range over {
			if s.Role == role {
				vs = append(vs, refNamed(all, s.Name)...)
			}
		}
		return vs
	}
	// The first of the names that holds an object.
	object := func(names ...string) map[string]any {
		for _, n := range names {
			if o, ok := top[n].(map[string]any); ok {
				return o
			}
		}
		return nil
	}
	req, resp := object("request", "req"), object("response", "res")
	var hdr map[string]any
	if req != nil {
		hdr, _ = req["headers"].(map[string]any)
	}
	// values returns the values present under names in each object.
	values := func(names string, objs ...map[string]any) []any {
		var vs []any
		for _, o := range objs {
			for _, n := range strings.Fields(names) {
				if v, ok := o[n]; ok {
					vs = append(vs, v)
				}
			}
		}
		return vs
	}
	text := func(numbers bool, vs ...[]any) string {
		for _, list := range vs {
			for _, v := range list {
				if s, ok := refText(v, numbers); ok {
					return s
				}
			}
		}
		return ""
	}
	r := result{Time: parsers.NoTime}
	r.Level = text(true, mapped(parsers.RoleLevel), values("level lvl severity", top))
	if n, err := strconv.Atoi(r.Level); err == nil && len(r.Level) == 2 && n%10 == 0 && n >= 10 && n <= 60 {
		r.Level = [...]string{"trace", "debug", "info", "warn", "error", "fatal"}[n/10-1]
	}
	r.Message = text(false, mapped(parsers.RoleMsg), values("msg message", top))
	r.Method = text(false, mapped(parsers.RoleMethod), values("method request_method RequestMethod httpMethod", top, req))
	r.Target = text(false, mapped(parsers.RolePath), values("request_uri uri url path rawPath RequestPath resourcePath x-envoy-origin-path", top, req))
	r.Proto = text(false, mapped(parsers.RoleProto), values("proto server_protocol RequestProtocol protocol", top, req))
	r.Client = text(false, mapped(parsers.RoleClient), values("client_ip clientip remote_ip remote_addr ip ClientHost remoteAddress sourceIp x_forwarded_for x-forwarded-for downstream_remote_address", top, req))
	// The first address of a list (X-Forwarded-For), without its port.
	r.Client, _, _ = strings.Cut(r.Client, ",")
	if r.Client = strings.Trim(r.Client, " "); r.Client == "-" {
		r.Client = ""
	}
	if m := refHostPort.FindStringSubmatch(r.Client); m != nil {
		r.Client = m[1] + m[2]
	}
	if r.Client == "-" { // "-:80": none once the port is gone
		r.Client = ""
	}
	r.UserAgent = text(false, mapped(parsers.RoleUserAgent), values("user_agent http_user_agent ua request_User-Agent user-agent", top, req), values("User-Agent user-agent", hdr))
	r.Referer = text(false, mapped(parsers.RoleReferer), values("referer referrer http_referer request_Referer", top, req), values("Referer referer", hdr))
	r.User = text(true, mapped(parsers.RoleUser), values("user_id user uid userId username", top))
	r.Host = text(false, mapped(parsers.RoleHost), values("authority :authority", top))
	if line := text(false, values("request req", top)); line != "" {
		refRequestLine(&r, line)
	}
	if _, path, ok := strings.Cut(text(false, values("routeKey", top)), " "); ok && r.Target == "" && strings.HasPrefix(path, "/") {
		r.Target = path // API Gateway HTTP APIs: the route's template
	}

	var bad bool
	if s, num, ok := refNumeric(append(mapped(parsers.RoleTime), values("time ts timestamp @timestamp start_time requestTimeEpoch requestTime", top)...)); ok {
		if r.Time, bad = refTime(s, num); bad {
			return result{Reason: ReasonTime}
		}
	}
	zero := false
	if s, num, ok := refNumeric(append(mapped(parsers.RoleStatus), refStatuses(values("status status_code statusCode DownstreamStatus response_code", top, resp))...)); ok {
		// bunyan's "200 OK": a status and its reason phrase.
		if m := refStatusReason.FindStringSubmatch(s); m != nil && !num {
			s = m[1]
		}
		n, err := strconv.Atoi(s)
		if !refDigits.MatchString(s) || err != nil || n != 0 && (n < 100 || n > 999) {
			return result{Reason: ReasonStatus}
		}
		r.Status, zero = n, n == 0
	}
	r.Bytes = -1
	if s, _, ok := refNumeric(append(mapped(parsers.RoleBytes), values("size body_bytes_sent bytes bytes_sent DownstreamContentSize responseLength", top, resp)...)); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if !refDigits.MatchString(s) || err != nil {
			return result{Reason: ReasonBytes}
		}
		r.Bytes = n
	}
	r.Upstream = -1
	if s, num, ok := refNumeric(values("upstream_service_time x-envoy-upstream-service-time", top)); ok {
		unit := "ms"
		if durationUnit != "" {
			unit = durationUnit
		}
		if d, bad := refDuration(s, num, unit); !bad {
			r.Upstream = d // one that does not convert is absent
		}
	}
	r.Duration = -1
	if s, num, unit, ok := refMappedDuration(all, over, durationUnit); ok {
		if r.Duration, bad = refDuration(s, num, unit); bad {
			return result{Reason: ReasonDuration}
		}
	} else if s, num, unit, ok := refDurationValue(top, durationUnit); ok {
		if r.Duration, bad = refDuration(s, num, unit); bad {
			return result{Reason: ReasonDuration}
		}
	}

	app, status := r.Level != "" || r.Message != "", r.Status != 0 || zero
	switch {
	case r.Method != "" || status && r.Target != "" || !app && (r.Status != 0 || r.Target != ""):
		r.Kind = parsers.KindHTTP
		r.ZeroStatus = zero
	case app:
		r.Kind = parsers.KindApp
	case r.Method == "" && r.Target == "" && r.Proto == "" && r.Status == 0 && refEnvoy(top):
		r.Kind = parsers.KindTCP // Envoy's TCP proxy connection
	default:
		return result{Reason: ReasonNoFields}
	}
	return r
}

// refEnvoy reports whether top is a line of Envoy's access log: no
// "level" key, and two or more of Envoy's operator keys, of any value.
func refEnvoy(top map[string]any) bool {
	if _, ok := top["level"]; ok {
		return false
	}
	n := 0
	for _, k := range strings.Fields("response_flags upstream_cluster upstream_host upstream_local_address downstream_local_address response_code_details downstream_remote_address upstream_service_time") {
		if _, ok := top[k]; ok {
			n++
		}
	}
	return n >= 2
}

// refText returns the text of a text field's value.
func refText(v any, numbers bool) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []any:
		if len(x) > 0 {
			s, _ = x[0].(string)
		}
	case json.Number:
		if numbers {
			s = string(x)
		}
	}
	return s, s != "" && s != "-"
}

// refNumeric returns the first value of vs that a numeric field takes.
func refNumeric(vs []any) (s string, num, ok bool) {
	for _, v := range vs {
		switch x := v.(type) {
		case json.Number:
			return string(x), true, true
		case string:
			if x != "" && x != "-" {
				return x, false, true
			}
		}
	}
	return "", false, false
}

func refRequestLine(r *result, line string) {
	i := strings.Index(line, " ")
	if i < 0 {
		return
	}
	method, target, proto := line[:i], line[i+1:], ""
	if j := strings.LastIndex(line, " "); j > i {
		target, proto = line[i+1:j], line[j+1:]
	}
	if r.Method == "" {
		r.Method = method
	}
	if r.Target == "" {
		r.Target = target
	}
	if r.Proto == "" {
		r.Proto = proto
	}
}

// refTime converts a time value to Unix ns; bad is set when it cannot.
func refTime(s string, num bool) (ns int64, bad bool) {
	if num || refNumber.MatchString(s) {
		v, ok := refRat(s)
		if !ok {
			return 0, true
		}
		return refScale(v, parsertest.EpochExp(v))
	}
	m := refRFC3339.FindStringSubmatch(s)
	if m == nil {
		t, ok := parsertest.CLFTime(s)
		return t, !ok
	}
	n := func(i int) int { x, _ := strconv.Atoi(m[i]); return x }
	year, month, day, hour, minute, sec := n(1), n(2), n(3), n(4), n(5), n(6)
	if year < 1678 || year > 2261 || month < 1 || month > 12 || hour > 23 || minute > 59 || sec > 59 {
		return 0, true
	}
	if day < 1 || day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, true
	}
	nsec := 0
	if frac := m[7]; frac != "" {
		frac = (frac[1:] + "000000000")[:9]
		nsec, _ = strconv.Atoi(frac)
	}
	zone := time.UTC
	if m[9] != "" {
		if n(10) > 23 || n(11) > 59 {
			return 0, true
		}
		off := n(10)*3600 + n(11)*60
		if m[9] == "-" {
			off = -off
		}
		zone = time.FixedZone("", off)
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone).UnixNano(), false
}

// refMappedDuration returns the first duration value of the mappings of
// over and the unit of its name's suffix ("" for none), or override.
func refMappedDuration(top map[string]any, over []parsers.FieldSpec, override string) (s string, num bool, unit string, ok bool) {
	for _, spec := range over {
		if spec.Role != parsers.RoleDuration {
			continue
		}
		for _, v := range refNamed(top, spec.Name) {
			if s, num, ok := refNumeric([]any{v}); ok {
				if override != "" {
					return s, num, override, true
				}
				return s, num, refSuffixUnit(spec.Name), true
			}
		}
	}
	return "", false, "", false
}

// refNamed returns the values a mapping's name finds in top: a dotted
// name as a path into nested objects, then as one key.
func refNamed(top map[string]any, name string) []any {
	var vs []any
	var v any = top
	for _, k := range strings.Split(name, ".") {
		o, _ := v.(map[string]any)
		if v = o[k]; v == nil {
			break
		}
	}
	if v != nil {
		vs = append(vs, v)
	}
	if v, ok := top[name]; ok && strings.Contains(name, ".") {
		vs = append(vs, v)
	}
	return vs
}

// refSuffixUnit returns the unit a name's suffix implies, "" for none.
func refSuffixUnit(name string) string {
	for _, u := range refDurationUnits {
		for _, sfx := range strings.Fields(u.suffixes) {
			if strings.HasSuffix(name, sfx) {
				return u.unit
			}
		}
	}
	return ""
}

// refDurationValue returns the first duration value and the unit its
// name implies ("" for none).
func refDurationValue(top map[string]any, override string) (s string, num bool, unit string, ok bool) {
	for _, base := range refDurationBases {
		names := []string{base}
		units := []string{""}
		for _, u := range refDurationUnits {
			for _, sfx := range strings.Fields(u.suffixes) {
				names = append(names, base+sfx)
				units = append(units, u.unit)
			}
		}
		for i, name := range names {
			v, present := top[name]
			if !present {
				continue
			}
			if s, num, ok := refNumeric([]any{v}); ok {
				if override != "" {
					return s, num, override, true
				}
				return s, num, units[i], true
			}
		}
	}
	for _, fixed := range [][2]string{{"responseTime", "ms"}, {"responseLatency", "ms"}, {"Duration", "ns"}} {
		if v, present := top[fixed[0]]; present {
			if s, num, ok := refNumeric([]any{v}); ok {
				if override != "" {
					return s, num, override, true
				}
				return s, num, fixed[1], true
			}
		}
	}
	return "", false, "", false
}

// refDuration converts a duration value to µs; bad is set when it cannot.
func refDuration(s string, num bool, unit string) (us int64, bad bool) {
	if strings.HasPrefix(s, "-") {
		return 0, true
	}
	if !num && !refNumber.MatchString(s) {
		// Go syntax. (time.ParseDuration lets two components of 2^63 ns
		// wrap to 0, which Parse rejects; the tests do not go there.)
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, true
		}
		return int64(d / time.Microsecond), false
	}
	if unit == "" {
		unit = "ms"
		if strings.ContainsAny(s, ".eE") {
			unit = "s"
		}
	}
	v, ok := refRat(s)
	if !ok {
		return 0, true
	}
	exp := map[string]int64{"s": 6, "ms": 3, "us": 0, "µs": 0, "ns": -3}[unit]
	return refScale(v, exp)
}

// refRat reads a non-negative JSON number exactly. Exponents far beyond
// what any result can use are clamped first so that math/big stays fast.
func refRat(s string) (*big.Rat, bool) {
	if strings.HasPrefix(s, "-") {
		return nil, false
	}
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	e := int64(0)
	if exp != "" {
		var err error
		if e, err = strconv.ParseInt(exp, 10, 64); err != nil {
			e = math.MaxInt64 // too long: only the sign matters
			if exp[0] == '-' {
				e = math.MinInt64
			}
		}
	}
	limit := int64(len(mant)) + 40
	e = max(min(e, limit), -limit)
	v, ok := new(big.Rat).SetString(mant + "e" + strconv.FormatInt(e, 10))
	return v, ok
}

// refScale returns v × 10^exp truncated; bad is set when it does not fit
// an int64.
func refScale(v *big.Rat, exp int64) (int64, bool) {
	n, ok := parsertest.Scale(v, exp)
	return n, !ok
}

// short returns line, or its start and length when it is long, for test
// failure messages.
func short(line []byte) string {
	if len(line) <= 200 {
		return strconv.Quote(string(line))
	}
	return fmt.Sprintf("%q... (%d bytes)", line[:200], len(line))
}

// refLines returns the non-empty lines of b.
func refLines(b []byte) [][]byte {
	var lines [][]byte
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if len(line) > 0 {
			lines = append(lines, line)
		}
	}
	return lines
}

// refStatuses drops from vs the strings without a digit ("ok"): no
// status, skipped as absent.
func refStatuses(vs []any) []any {
	var out []any
	for _, v := range vs {
		if s, ok := v.(string); !ok || strings.ContainsAny(s, "0123456789") {
			out = append(out, v)
		}
	}
	return out
}
