package accesslog

import "strings"

// CompileApache compiles the format of an Apache LogFormat directive, e.g.
//
//	%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D
//
// \" and \\ stand for a quote and a backslash, as in httpd.conf; \t is a
// tab. Directives may carry the modifiers < and > and status conditions
// (%400,501{User-agent}i). Mapped to Record fields: %h %a (client), %u,
// %t and %{sec,msec,usec}t (time), %r, %m, %U, %q, %H, %s, %b %B (bytes),
// %D (µs), %T (s), %{ms}T, %{us}T, %{s}T, %{Referer}i, %{User-Agent}i and
// %{X-Forwarded-For}i. %t stands for the time between brackets, as Apache
// writes it. Other directives are opaque fields.
//
// %{format}t reads a strftime(3) format of the C locale: %Y %y %m %d %e
// %j %H %k %I %l %M %S %p %z %Z %s %a %A %b %h %B %u %w %%, the composites
// %T %R %D %F %r %c %x %X, %t and %n, and the flags '-' and '_' of
// numeric conversions. Its value ends where the format does, so it may
// hold spaces. The fields of one of begin: (the default) and end: make
// the time together, the first of them deciding which: date and clock,
// the fraction of %{msec_frac}t or %{usec_frac}t, the offset of %z, as in
// [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]. Without %z the time is UTC; a
// %Z other than UTC or GMT without %z makes the time unreadable, and the
// line is rejected.
func CompileApache(logFormat string) (*Format, error) {
	var b builder
	for i := 0; i < len(logFormat); {
		switch logFormat[i] {
		case '\\':
			lit, err := apacheEscape(logFormat, i)
			if err != nil {
				return nil, err
			}
			b.literal(lit, i)
			i += 2
		case '%':
			next, err := apacheDirective(&b, logFormat, i)
			if err != nil {
				return nil, err
			}
			i = next
		default:
			b.literal(logFormat[i:i+1], i)
			i++
		}
	}
	return b.finish(`apache LogFormat "` + logFormat + `"`)
}

func apacheEscape(s string, i int) (string, error) {
	if i+1 < len(s) {
		switch s[i+1] {
		case '"':
			return `"`, nil
		case '\\':
			return `\`, nil
		case 't':
			return "\t", nil
		}
	}
	return "", compileError(`unsupported escape; want \", \\ or \t`, i)
}

// apacheDirective compiles the directive at s[i] == '%' into b and returns
// the position after it.
func apacheDirective(b *builder, s string, i int) (int, error) {
	j := i + 1
	if j < len(s) && s[j] == '%' {
		b.literal("%", i)
		return j + 1, nil
	}
	for j < len(s) && strings.IndexByte("<>!,0123456789", s[j]) >= 0 {
		j++
	}
	var param string
	if j < len(s) && s[j] == '{' {
		k := strings.IndexByte(s[j:], '}')
		if k < 0 {
			return 0, compileError("expected '}' after '{'", j)
		}
		param, j = s[j+1:j+k], j+k+1
	}
	if j < len(s) && s[j] == '^' && j+2 < len(s) {
		j += 2 // %^ti, %^to: trailers, opaque.
	}
	if j == len(s) {
		return 0, compileError("expected a directive letter after '%'", i)
	}
	if s[j] == 't' {
		return j + 1, apacheTime(b, param, i)
	}
	k, u, msg := apacheKind(s[j], param)
	if msg != "" {
		return 0, compileError(msg, i)
	}
	b.field(k, u, i)
	return j + 1, nil
}

// apacheOpaque holds the directives that fill no Record field.
const apacheOpaque = "ACefIkLlnoOpPRSvVX"

// apacheKind returns the kind and unit of directive letter c with
// parameter param, or why it is not supported.
func apacheKind(c byte, param string) (kind, unit, string) {
	switch c {
	case 'h', 'a':
		return kClient, unitAuto, ""
	case 'u':
		return kUser, unitAuto, ""
	case 'r':
		return kRequest, unitAuto, ""
	case 'm':
		return kMethod, unitAuto, ""
	case 'U':
		return kPath, unitAuto, ""
	case 'q':
		return kQuery, unitAuto, ""
	case 'H':
		return kProto, unitAuto, ""
	case 's':
		return kStatus, unitAuto, ""
	case 'b', 'B':
		return kBytes, unitAuto, ""
	case 'D':
		return kDuration, unitUS, ""
	case 'T':
		return apacheDuration(param)
	case 'i':
		return apacheHeader(param), unitAuto, ""
	}
	if strings.IndexByte(apacheOpaque, c) >= 0 {
		return kOpaque, unitAuto, ""
	}
	return 0, 0, "unknown directive %" + string(c)
}

// apacheDuration returns the kind of %T with parameter param.
func apacheDuration(param string) (kind, unit, string) {
	switch param {
	case "", "s":
		return kDuration, unitS, ""
	case "ms":
		return kDuration, unitMS, ""
	case "us":
		return kDuration, unitUS, ""
	}
	return 0, 0, "unsupported unit %{" + param + "}T"
}

// apacheTime compiles %t with parameter param, at position at, into b.
func apacheTime(b *builder, param string, at int) error {
	end := strings.HasPrefix(param, "end:")
	format := strings.TrimPrefix(strings.TrimPrefix(param, "begin:"), "end:")
	switch format {
	case "":
		// Apache writes %t between brackets.
		b.literal("[", at)
		b.field(kTimeLocal, unitAuto, at)
		b.literal("]", at)
	case "sec":
		b.field(kEpoch, unitS, at)
	case "msec":
		b.field(kEpoch, unitMS, at)
	case "usec":
		b.field(kEpoch, unitUS, at)
	case "msec_frac":
		b.timeField(kTimeFrac, unitMS, "", end, at)
	case "usec_frac":
		b.timeField(kTimeFrac, unitUS, "", end, at)
	default:
		layout, msg := expandStrftime(format)
		if msg != "" {
			return compileError(msg+" %{"+param+"}t", at)
		}
		b.timeField(kTimeFormat, unitAuto, layout, end, at)
	}
	return nil
}

// apacheHeader returns the kind of request header %{name}i.
func apacheHeader(name string) kind {
	switch strings.ToLower(name) {
	case "referer":
		return kReferer
	case "user-agent":
		return kUserAgent
	case "x-forwarded-for":
		return kForwardedFor
	}
	return kOpaque
}
