package accesslog

import (
	"fmt"
	"strings"
)

// Format is a compiled log format: a sequence of literal separators and
// typed fields. Get one from [Named], [CompileNginx], [CompileApache] or
// [Detect]. A space in a separator matches a run of spaces in the line. A
// field between double quotes ends at the first quote that a backslash
// does not escape; any other field ends at the first byte of the separator
// after it, or at a space when it is the last.
//
// A Format is immutable and safe for concurrent use; many [Parser]s may
// share one.
type Format struct {
	name  string
	items []item
	// hasClient is true when a field other than X-Forwarded-For fills
	// Record.Client ahead of it: a kPeer does not (Envoy's own default
	// logs X-Forwarded-For as the client; its peer is the fallback).
	hasClient bool
	// timeGroup is true when stored kTimeFormat fields make the time;
	// the parser puts it together at the end of the line.
	timeGroup bool
	// tailNote is what Detect made of a trailing integer; see TailNote.
	tailNote string
	// tcp says that its "- - -" requests are TCP proxy connections
	// ([parsers.KindTCP]): a built-in marked so (builtin.tcp).
	tcp bool
	// unseen is, for a format Detect chose from sample lines none of
	// which ended in a number, how many of them it read; see UnreadNote.
	unseen int
}

// Name returns a human-readable name, e.g. "combined + request_time (s)",
// for reports.
func (f *Format) Name() string { return f.name }

// IgnoresTail reports whether f may end in a trailing number whose unit
// is unknown and which is therefore not read as a duration (a request
// counter or a byte count looks the same as milliseconds), unless
// [Options].DurationUnit gives it.
func (f *Format) IgnoresTail() bool {
	n := len(f.items)
	return n > 0 && f.items[n-1].kind == kTail && f.items[n-1].unit == unitIgnore
}

// TailNote is, for a format [Detect] chose for lines ending in an integer
// that no format string names, a sentence that says how it reads it and
// why: not as a duration (too few lines to tell, or its values are those
// of a request counter, a byte count, or too large for milliseconds), or
// as milliseconds, assumed. It is "" for every other format. A caller
// shows it unless the user gave the unit.
func (f *Format) TailNote() string { return f.tailNote }

// UnreadNote is, for a format [Detect] chose from sample lines none of
// which ended in a number, a warning for n later lines that did: their
// parser checked that number but did not read it as a duration, its unit
// being unknown (parsers.Record.TailUnread). It is "" when n is 0 and
// for every other format, whose TailNote already says so when they end
// in a number.
func (f *Format) UnreadNote(n uint64) string {
	if f.unseen == 0 || n == 0 {
		return ""
	}
	lines := fmt.Sprintf("%d lines end", n)
	if n == 1 {
		lines = "1 line ends"
	}
	return fmt.Sprintf("%s in a number not read as a duration: the %d sample lines detection read had none, so its unit is unknown; give --duration-unit if it is one", lines, f.unseen)
}

// unit is the unit of a number in the line.
type unit uint8

const (
	// unitAuto: a fractional number is seconds, an integer milliseconds.
	unitAuto unit = iota
	unitS
	unitMS
	unitUS
	unitNS
	// unitIgnore: a trailing integer whose unit is unknown (a request
	// counter, a byte count or a duration): checked, not stored, unless
	// Options.DurationUnit names the unit.
	unitIgnore
)

// durationScale is the power of ten that turns a number in the unit into
// microseconds; negative for nanoseconds, which parsers.ParseFixed divides.
var durationScale = [...]int{unitS: 6, unitMS: 3, unitUS: 0, unitNS: -3, unitIgnore: 3}

// kind says what an item of a Format is and which Record field it fills.
type kind uint8

const (
	kLiteral      kind = iota
	kOpaque            // any other variable: checked for shape only
	kClient            // $remote_addr, %h, %a
	kForwardedFor      // $http_x_forwarded_for, %{X-Forwarded-For}i
	kUser              // $remote_user, %u
	kIdentUser         // lenient "%l %u": 0 to 2 tokens before '['
	kTimeLocal         // $time_local, %t: dd/Mon/yyyy:hh:mm:ss ±hhmm
	kTimeISO           // $time_iso8601
	kEpoch             // $msec, %{sec}t, %{msec}t, %{usec}t
	kRequest           // $request, %r
	kMethod            // $request_method, %m
	kTarget            // $request_uri
	kPath              // $uri, %U
	kArgs              // $args: extends a path before it ("$uri?$args")
	kQuery             // %q: "?args" or "", extends a path right before it
	kProto             // $server_protocol, %H
	kStatus            // $status, %s, %>s
	kBytes             // $body_bytes_sent, $bytes_sent, %b, %B
	kDuration          // $request_time, %D, %T
	kUpstream          // $upstream_response_time: "0.010, 0.020 : 0.030"
	kReferer           // $http_referer, %{Referer}i
	kUserAgent         // $http_user_agent, %{User-Agent}i
	kTail              // lenient tail: extra quoted fields, optional duration
	kOpaqueList        // $upstream_addr, $upstream_status: "a, b : c", unchecked
	kStatus0           // a status that may be 0, no response sent (Envoy, Traefik)
	kHost              // $host, %v: the virtual host
	kRest              // the rest of the line, ignored (fields added later)
	kTimeFormat        // %{format}t with a strftime format: reads its own extent
	kTimeFrac          // %{msec_frac}t, %{usec_frac}t: the fraction of a kTimeFormat time
	kPeer              // Envoy's %DOWNSTREAM_REMOTE_ADDRESS%, host:port: the client when X-Forwarded-For names none
)

// item is one element of a Format.
type item struct {
	kind kind
	// quoted is true when the value sits between double quotes: it ends at
	// the first quote not escaped by a backslash.
	quoted bool
	// store is false for a field whose Record field an earlier field
	// already fills: the value is still checked but not stored.
	store bool
	// stop ends an unquoted value: the first byte of the next literal.
	stop byte
	// stop2 also ends an unquoted value: '?' before Apache's %q, or stop
	// itself for short values, scanned by a plain loop; 0 = none.
	stop2 byte
	// unit of kDuration, kUpstream, kEpoch and kTail values.
	unit unit
	// tailQuoted allows quoted fields in a kTail.
	tailQuoted bool
	// lit is the text of a kLiteral; a space matches a run of spaces.
	lit string
	// layout is the strftime format of a kTimeFormat, expanded.
	layout string
	// timeEnd marks the time fields of %{end:...}t: the fields of one
	// of begin and end make the time together.
	timeEnd bool
	// reason is why a kLiteral did not match: the reason of the next field.
	reason string
}

// Named returns a predefined format:
//
//   - "common": NCSA common log format, %h %l %u %t "%r" %>s %b, with an
//     optional trailing duration;
//   - "combined": common plus "%{Referer}i" "%{User-agent}i", then any
//     number of extra quoted fields and an optional trailing duration;
//   - "combined_rt": combined whose trailing duration is nginx's
//     $request_time, in seconds;
//   - the built-in formats of [Formats]: "traefik_clf", "ingress_nginx"
//     and its older variants, "istio", "envoy", "aws_s3", "vcombined".
//     These are strict.
//
// All are lenient: runs of spaces separate fields, and 0 to 2 tokens may
// stand for ident and user between the client and the time. A token alone
// is taken as the user. A trailing duration with a decimal point is
// seconds, an integer is milliseconds, unless [Options].DurationUnit says
// otherwise. It may be "-", or a list like $upstream_response_time's
// "0.010, 0.020 : 0.005", which is summed.
func Named(name string) (*Format, error) {
	switch name {
	case "common":
		return commonFormat, nil
	case "combined":
		return combinedFormat, nil
	case "combined_rt":
		return combinedRTFormat, nil
	}
	for i, b := range builtins {
		if b.name == name {
			return builtinFormats[i], nil
		}
	}
	return nil, fmt.Errorf("cannot find log format %q; known formats: %s", name, knownNames())
}

var (
	commonFormat     = lenientFormat("common", false)
	combinedFormat   = lenientFormat("combined", true)
	combinedRTFormat = withTailUnit(combinedFormat, unitS, requestTimeSuffix)
)

// lenientFormat builds the named formats.
func lenientFormat(base string, combined bool) *Format {
	var b builder
	b.field(kClient, unitAuto, 0)
	b.literal(" ", 0)
	b.field(kIdentUser, unitAuto, 0)
	b.literal(`[`, 0)
	b.field(kTimeLocal, unitAuto, 0)
	b.literal(`] "`, 0)
	b.field(kRequest, unitAuto, 0)
	b.literal(`" `, 0)
	b.field(kStatus, unitAuto, 0)
	b.literal(" ", 0)
	b.field(kBytes, unitAuto, 0)
	if combined {
		b.literal(` "`, 0)
		b.field(kReferer, unitAuto, 0)
		b.literal(`" "`, 0)
		b.field(kUserAgent, unitAuto, 0)
		b.literal(`"`, 0)
	}
	b.field(kTail, unitAuto, 0)
	f, err := b.finish(base)
	if err != nil {
		panic("BUG: " + err.Error())
	}
	f.items[len(f.items)-1].tailQuoted = combined
	return f
}

// withTailUnit returns f with the unit of its trailing duration set to u
// and suffix added to its name; f itself is unchanged.
func withTailUnit(f *Format, u unit, suffix string) *Format {
	g := *f
	g.items = append([]item(nil), f.items...)
	last := &g.items[len(g.items)-1]
	if last.kind != kTail {
		panic("BUG: format " + f.name + " has no tail")
	}
	last.unit = u
	g.name += suffix
	return &g
}

// requestTimeSuffix names a trailing duration in seconds.
const requestTimeSuffix = " + request_time (s)"

// knownNames lists the names Named knows, for messages.
func knownNames() string {
	var b strings.Builder
	for i, info := range Formats() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(info.Name)
	}
	return b.String()
}
