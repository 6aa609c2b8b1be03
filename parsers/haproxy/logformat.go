package haproxy

import (
	"fmt"
	"strings"
)

// Format is a compiled HAProxy log-format: literal text, separators and
// typed variables. Get one from [CompileLogFormat] and parse its lines
// with a [FormatParser]. A Format is immutable and safe for concurrent
// use; many FormatParsers may share one.
type Format struct {
	name  string
	items []item
}

// Name returns "haproxy log-format '<the format>'", for reports.
func (f *Format) Name() string { return f.name }

// item is one element of a Format.
type item struct {
	kind kind
	// lit is the text of a kLiteral.
	lit string
	// stop ends an unquoted value: the first byte of the literal after
	// it, ' ' before a separator or at the end.
	stop byte
	// store is false for a variable whose Record field an earlier one
	// already fills: it is checked, not stored.
	store bool
	// quoted is true for a variable HAProxy writes between double quotes:
	// a text one (not a number, a date or %ts) with the flag +Q.
	quoted bool
}

// kind says what an item is and which Record field it fills.
type kind uint8

const (
	kLiteral     kind = iota // text between variables
	kSep                     // a run of spaces in the format: one or more spaces
	kString                  // any other text variable
	kState                   // %ts %tsc: text HAProxy never quotes
	kNumber                  // any other numeric variable: [+]digits or -1
	kIP                      // %fi %bi %si: an address, '-' for none
	kClient                  // %ci
	kDateMS                  // %t %tr: dd/Mon/yyyy:hh:mm:ss.mmm, no zone (UTC)
	kDateZone                // %T %Tl %trg %trl: dd/Mon/yyyy:hh:mm:ss +zzzz
	kEpoch                   // %Ts: Unix seconds
	kMillis                  // %ms: the milliseconds of the accept date
	kRequest                 // %r: "METHOD target HTTP/x.y"
	kMethod                  // %HM
	kURI                     // %HU: the target, query included
	kPath                    // %HP %HPO: the target without its query
	kVersion                 // %HV
	kStatus                  // %ST: -1 when no response
	kBytes                   // %B: [+]digits
	kActive                  // %Ta: the duration
	kTotal                   // %Tt: the duration when there is no %Ta
	kResponse                // %Tr: the upstream time
	kCapture                 // %hr %hs: {a|b}, absent without captures
	kCaptureList             // %hrl %hsl: "a" "b", absent without captures
	kHost                    // %[req.hdr(host)]
	kUserAgent               // %[req.hdr(user-agent)]
	kReferer                 // %[req.hdr(referer)]
)

// aliases maps HAProxy's log-format variables (configuration manual,
// section 8.2.6 "Custom log format") to kinds: the ones that fill a
// Record field, and the type of the others, checked for shape only.
var aliases = map[string]kind{
	"ci": kClient, "t": kDateMS, "tr": kDateMS, "T": kDateZone, "Tl": kDateZone,
	"trg": kDateZone, "trl": kDateZone, "Ts": kEpoch, "ms": kMillis,
	"r": kRequest, "HM": kMethod, "HU": kURI, "HP": kPath, "HPO": kPath, "HV": kVersion,
	"ST": kStatus, "B": kBytes, "Ta": kActive, "Tt": kTotal, "Tr": kResponse,
	"hr": kCapture, "hs": kCapture, "hrl": kCaptureList, "hsl": kCaptureList,
	"fi": kIP, "bi": kIP, "si": kIP,
	"cp": kNumber, "fp": kNumber, "bp": kNumber, "sp": kNumber, "TR": kNumber, "Tw": kNumber,
	"Tc": kNumber, "Th": kNumber, "Ti": kNumber, "Tq": kNumber, "Tu": kNumber, "U": kNumber,
	"ac": kNumber, "fc": kNumber, "bc": kNumber, "sc": kNumber, "rc": kNumber, "sq": kNumber,
	"bq": kNumber, "lc": kNumber, "rt": kNumber, "pid": kNumber,
	"H": kString, "CC": kString, "CS": kString, "HQ": kString, "ID": kString, "b": kString,
	"f": kString, "ft": kString, "s": kString, "ts": kState, "tsc": kState,
	"sslc": kString, "sslv": kString,
}

// fetches maps the sample fetches %[...] that fill a Record field; any
// other is a string variable.
var fetches = map[string]kind{
	"req.hdr(host)": kHost, "hdr(host)": kHost, "req.fhdr(host)": kHost,
	"req.hdr(user-agent)": kUserAgent, "hdr(user-agent)": kUserAgent, "req.fhdr(user-agent)": kUserAgent,
	"req.hdr(referer)": kReferer, "hdr(referer)": kReferer, "req.fhdr(referer)": kReferer,
}

// LogFormatPrefix marks a --log-format value as HAProxy's syntax, for a
// format that [IsLogFormat] would not recognise by its variables.
const LogFormatPrefix = "haproxy:"

// IsLogFormat reports whether s is a HAProxy log-format rather than an
// Apache LogFormat (both write variables with '%'): it starts with
// [LogFormatPrefix], or uses a variable or syntax only HAProxy has (%ci,
// %ST, %tr, %ft, %TR, %Ta, %Tw, %Tc, %[sample], %{+Q}).
func IsLogFormat(s string) bool {
	if strings.HasPrefix(s, LogFormatPrefix) {
		return true
	}
	for _, v := range []string{"%ci", "%ST", "%tr", "%ft", "%TR", "%Ta", "%Tw", "%Tc", "%[", "%{+Q}", "%{-Q}"} {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// CompileLogFormat compiles the value of a HAProxy log-format directive,
// with or without [LogFormatPrefix], e.g. the default of "option
// httplog":
//
//	%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r
//
// Variables are written %name, %{flags}name or %[sample fetch]; %% is a
// '%' and a backslash makes the next byte literal ("\ " as written in a
// configuration file is a space). A run of spaces is one separator,
// which matches one or more spaces in the line: HAProxy writes one, and
// none after a variable that wrote nothing (%hr without captures). The
// flag +Q (%{+Q}name, or %{+Q}o for every later variable) is followed as
// HAProxy does: a text variable (not a number, a date or %ts) is then
// written "...", and read up to its closing quote; +E, the escaping of
// quotes, is read too. Other flags (+X, +json, …) are refused.
//
// These fill Record fields: %ci (client), %t or %tr (time, as UTC: it has
// no zone), %T, %Tl, %trg, %trl (time with zone), %Ts (Unix seconds, with
// %ms for the milliseconds), %r or %HM, %HU (or %HP) and %HV (request),
// %ST (status; -1 is none), %B (bytes), %Ta (duration; %Tt when there is
// no %Ta), %Tr (upstream time), %[req.hdr(host)], user-agent and referer.
// The other variables of HAProxy's table are checked for their shape:
// numbers are -1 or digits with an optional '+', captures ({...}) may be
// absent. An unknown variable is an error, as are two variables without
// text between them. A format needs %ST, %r, %HM, %HU or %HP: without
// one, its lines are not HTTP requests (a tcplog format).
func CompileLogFormat(s string) (*Format, error) {
	spec := strings.TrimPrefix(s, LogFormatPrefix)
	c := compiler{f: &Format{name: "haproxy log-format '" + spec + "'"}, spec: spec}
	if err := c.run(); err != nil {
		return nil, fmt.Errorf("cannot compile haproxy log-format %q: %w", spec, err)
	}
	return c.f, nil
}

// compiler holds the state of one CompileLogFormat.
type compiler struct {
	f    *Format
	spec string
	// quote is the +Q flag of every later variable, set by %{+Q}o.
	quote bool
	// filled marks the kinds already stored: the first one wins.
	filled [kReferer + 1]bool
	http   bool
}

func (c *compiler) run() error {
	s := c.spec
	for i := 0; i < len(s); {
		switch ch := s[i]; {
		case ch == ' ':
			for i < len(s) && s[i] == ' ' {
				i++
			}
			c.add(item{kind: kSep})
		case ch == '\\' && i+1 < len(s):
			c.literal(s[i+1 : i+2])
			i += 2
		case ch == '%' && i+1 < len(s) && s[i+1] == '%':
			c.literal("%")
			i += 2
		case ch == '%':
			next, err := c.variable(i)
			if err != nil {
				return err
			}
			i = next
		default:
			c.literal(s[i : i+1])
			i++
		}
	}
	if !c.http {
		return fmt.Errorf("it has none of %%ST, %%r, %%HM, %%HU, %%HP: its lines are not HTTP requests")
	}
	c.setStops()
	return nil
}

// variable compiles the variable at s[i] == '%' and returns the position
// after it.
func (c *compiler) variable(i int) (int, error) {
	s, start := c.spec, i
	i++
	quote := c.quote
	if i < len(s) && s[i] == '{' {
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return 0, fmt.Errorf("unclosed '{' at byte %d", i)
		}
		q, err := quoteFlag(s[i+1 : i+end])
		if err != nil {
			return 0, fmt.Errorf("%w at byte %d", err, i)
		}
		if q != 0 {
			quote = q > 0
		}
		i += end + 1
		if i < len(s) && s[i] == 'o' && (i+1 == len(s) || !isLetter(s[i+1])) {
			// %{+Q}o sets the flags of every later variable; it
			// writes nothing.
			c.quote = quote
			return i + 1, nil
		}
	}
	var k kind
	if i < len(s) && s[i] == '[' {
		end := fetchEnd(s, i)
		if end < 0 {
			return 0, fmt.Errorf("unclosed '[' at byte %d", i)
		}
		k = kString
		if fk, ok := fetches[strings.ToLower(strings.ReplaceAll(s[i+1:end], " ", ""))]; ok {
			k = fk
		}
		i = end + 1
	} else {
		j := i
		for j < len(s) && isLetter(s[j]) {
			j++
		}
		var ok bool
		if k, ok = aliases[s[i:j]]; !ok {
			return 0, fmt.Errorf("unknown variable %q at byte %d", s[start:j], start)
		}
		i = j
	}
	if n := len(c.f.items); n > 0 && c.f.items[n-1].kind > kSep {
		return 0, fmt.Errorf("no text between two variables at byte %d", start)
	}
	switch k {
	case kStatus, kRequest, kMethod, kURI, kPath:
		c.http = true
	}
	c.add(item{kind: k, store: !c.stored(k), quoted: quote && quotable(k)})
	return i, nil
}

// stored reports whether a variable of kind k would fill a Record field
// an earlier one fills, and marks k's field filled.
func (c *compiler) stored(k kind) bool {
	field := k
	switch k {
	case kDateZone, kEpoch:
		field = kDateMS
	case kPath:
		field = kURI
	case kString, kState, kNumber, kIP, kCapture, kCaptureList, kMillis:
		return false
	}
	was := c.filled[field]
	c.filled[field] = true
	return was
}

func (c *compiler) add(it item) { c.f.items = append(c.f.items, it) }

// literal appends text to the literal item at the end, or starts one.
func (c *compiler) literal(text string) {
	if n := len(c.f.items); n > 0 && c.f.items[n-1].kind == kLiteral {
		c.f.items[n-1].lit += text
		return
	}
	c.add(item{kind: kLiteral, lit: text})
}

// setStops gives each variable the byte that ends its unquoted value,
// and lets %Tt fill the duration only when there is no %Ta.
func (c *compiler) setStops() {
	items := c.f.items
	active := false
	for _, it := range items {
		active = active || it.kind == kActive
	}
	for i := range items {
		it := &items[i]
		if it.kind <= kSep {
			continue
		}
		if it.kind == kTotal && active {
			it.store = false
		}
		it.stop = ' '
		if i+1 < len(items) && items[i+1].kind == kLiteral {
			it.stop = items[i+1].lit[0]
		}
	}
}

// quoteFlag reads the flags between "%{" and "}": +Q or -Q, returned as 1
// or -1 (0 without), and +E (quotes inside escaped with a backslash,
// which the parser skips); any other is an error.
func quoteFlag(s string) (int, error) {
	q := 0
	for _, f := range strings.Split(s, ",") {
		for f != "" {
			if f[0] != '+' && f[0] != '-' {
				return 0, fmt.Errorf("cannot read flags {%s}", s)
			}
			j := 1
			for j < len(f) && f[j] != '+' && f[j] != '-' {
				j++
			}
			switch f[1:j] {
			case "Q":
				q = 1
				if f[0] == '-' {
					q = -1
				}
			case "E":
			default:
				return 0, fmt.Errorf("unsupported flag %s", f[:j])
			}
			f = f[j:]
		}
	}
	return q, nil
}

// quotable reports whether HAProxy quotes a variable of kind k under +Q:
// text and addresses, not numbers, dates or the termination state (its
// log.c: lf_text and lf_ip quote, the others write bytes as they are).
func quotable(k kind) bool {
	switch k {
	case kNumber, kState, kDateMS, kDateZone, kEpoch, kMillis, kStatus, kBytes, kActive, kTotal, kResponse:
		return false
	}
	return true
}

// fetchEnd returns the position of the ']' that closes the '[' at s[i],
// past nested brackets and parentheses; -1 when there is none.
func fetchEnd(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '[', '(':
			depth++
		case ')':
			depth--
		case ']':
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
