package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/accesslog"
	"github.com/vigil-ops/vigil/parsers/applog"
	"github.com/vigil-ops/vigil/parsers/awslb"
	"github.com/vigil-ops/vigil/parsers/haproxy"
	"github.com/vigil-ops/vigil/parsers/jsonlog"
	"github.com/vigil-ops/vigil/parsers/logfmt"
	"github.com/vigil-ops/vigil/parsers/metrics"
	"github.com/vigil-ops/vigil/parsers/w3c"
)

// lineParser is what the workers need of a format parser.
type lineParser interface {
	Parse(line []byte, r *parsers.Record) error
}

// format is a chosen input format: its name for the report and a factory
// of parsers (one per worker, since parsers are not safe for concurrent
// use).
type format struct {
	name      string
	newParser func() lineParser
	// evidence says how the format was chosen, for the report: "given
	// with --format", or "detected: 100 of 100 sample lines".
	evidence string
	// perSource is set for a format whose parser keeps state from line to
	// line of one input: W3C's "#Fields:" directive changes how the lines
	// after it read, even mid-file. The input's lines must go to one
	// parser, in order, for a change to apply; a parser from newParser
	// starts with the fields of the sample's first "#Fields:" line, so
	// batches parsed apart are right as long as the fields do not change.
	// Its Parse returns parsers.ErrDirective for directive lines: valid,
	// not records, not malformed.
	perSource bool
	// warning, when not empty, says what the format leaves unread that a
	// user may expect, or reads on an assumption: a trailing integer of
	// unknown unit (accesslog.Format.TailNote).
	warning string
	// unreadNote, when not nil, is the warning for n lines of an input
	// whose trailing number was left unread (parsers.Record.TailUnread),
	// "" when that needs none (accesslog.Format.UnreadNote).
	unreadNote func(n uint64) string
	// fallback, when not nil, makes the parser of a mixed file's other
	// lines (see mixedFallback), one per worker like newParser: the engine
	// tries it on a line that newParser's parser rejects (an error other
	// than parsers.ErrDirective). A line it reads is an application line
	// (Kind parsers.KindApp); parsers.ErrContinuation means the line
	// continues the record above (a stack trace): neither is malformed.
	// When both reject a line, the engine reports the reason of
	// newParser's parser. chooseFormat sets it; detection does not use it.
	fallback func() lineParser
	// durations, when not empty, says in what unit the format reads
	// durations written as bare numbers, decided for sure from the
	// sample (keyValueFormat); the report adds it to evidence.
	durations string
	// multiline is set for the formats whose entries may span lines,
	// those applications write (applog, json, logfmt): a blank line
	// belongs to the entry above, as a stack trace's lines do, and is
	// counted as a continuation. In the other formats every line is one
	// request, and a blank line is malformed ("empty line").
	multiline bool
	// metric, when not 0, makes this a metric format (metrics.go):
	// newParser is nil, the workers parse samples instead of records.
	metric metrics.Format
}

// Detection looks at up to sniffLines lines of the sample, skipping empty
// lines and lines of maxSniffLine bytes or more (a line cut where the
// sample ends looks like one). When two formats of different families
// parse as many of those lines, it reads on, up to tieLines lines, to tell
// them apart, and reports the input as ambiguous when it cannot.
const (
	sniffLines   = 100
	tieLines     = 1000
	maxSniffLine = 64 << 10
)

// chooseFormat returns the format o asks for, or the one that parses the
// most of sample's first lines. sample may be the whole first batch of an
// input: detection bounds its own work (at most tieLines lines, each
// under maxSniffLine bytes, are parsed).
func chooseFormat(o *Options, sample []byte) (*format, error) {
	if err := checkInput(o); err != nil {
		return nil, err
	}
	var (
		fm  *format
		err error
	)
	switch {
	case o.LogFormat != "":
		fm, err = compileLogFormat(o)
	case o.Format != "":
		fm, err = namedFormat(o, sample)
	default:
		fm, err = detectFormat(o, sample)
	}
	if err != nil {
		return nil, err
	}
	if len(o.Fields) > 0 && (o.LogFormat != "" || o.Format != "") && fm.name != "json" && fm.name != "logfmt" {
		return nil, fmt.Errorf("cannot use --field with format %s: it maps the keys of json and logfmt inputs", fm.name)
	}
	fm.fallback = mixedFallback(o, fm)
	if fm.durations != "" {
		fm.evidence += "; " + fm.durations
	}
	return fm, nil
}

// checkInput reports the options of o that no format can use: an unknown
// duration unit, a --field mapping that does not parse.
func checkInput(o *Options) error {
	if _, ok := parsers.ParseUnit(o.DurationUnit); !ok {
		return fmt.Errorf("cannot parse duration unit %q; want one of %s", o.DurationUnit, parsers.UnitNames)
	}
	if _, err := parsers.ParseFieldSpecs(o.Fields); err != nil {
		return fmt.Errorf("--field: %w", err)
	}
	return nil
}

// fieldSpecs returns the --field mappings of o, which checkInput has
// checked.
func fieldSpecs(o *Options) []parsers.FieldSpec {
	fs, _ := parsers.ParseFieldSpecs(o.Fields)
	return fs
}

// compileLogFormat compiles o.LogFormat: a HAProxy log-format
// (haproxy.IsLogFormat), an nginx log_format (it has a '$') or an Apache
// LogFormat.
func compileLogFormat(o *Options) (*format, error) {
	if haproxy.IsLogFormat(o.LogFormat) {
		hf, err := haproxy.CompileLogFormat(o.LogFormat)
		if err != nil {
			return nil, err
		}
		return &format{name: hf.Name(), evidence: "given with --log-format", newParser: func() lineParser { return haproxy.NewFormatParser(hf) }}, nil
	}
	var (
		f   *accesslog.Format
		err error
	)
	if strings.Contains(o.LogFormat, "$") {
		f, err = accesslog.CompileNginx(o.LogFormat)
	} else {
		f, err = accesslog.CompileApache(o.LogFormat)
	}
	if err != nil {
		return nil, err
	}
	return accessFormat(f, o, "given with --log-format")
}

// namedFormat returns the format o.Format names, for an input that
// starts with sample.
func namedFormat(o *Options, sample []byte) (*format, error) {
	if fm := namedMetricFormat(o.Format); fm != nil {
		return fm, nil
	}
	for _, fam := range families {
		if fam.name == o.Format {
			var lines [][]byte
			if fam.given {
				lines = judgeLines(sample, sniffLines)
			}
			fm := fam.make(o, lines)
			fm.evidence = "given with --format"
			return fm, nil
		}
	}
	f, err := accesslog.Named(o.Format)
	if err != nil {
		return nil, fmt.Errorf("cannot find format %q; known formats: %s", o.Format, strings.Join(formatNames(), ", "))
	}
	return accessFormat(f, o, "given with --format")
}

func accessFormat(f *accesslog.Format, o *Options, evidence string) (*format, error) {
	opts := accesslog.Options{DurationUnit: o.DurationUnit}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	fm := &format{name: f.Name(), evidence: evidence, newParser: func() lineParser { return accesslog.NewParser(f, opts) }}
	if o.DurationUnit == "" {
		fm.warning, fm.unreadNote = f.TailNote(), f.UnreadNote
	}
	return fm, nil
}

// family is a format, or a group of formats detected together, other
// than the access-log formats of package accesslog. make builds it for
// options o and the sample's lines (nil when given with --format).
type family struct {
	name string
	make func(o *Options, sample [][]byte) *format
	// given: make reads the sample also when the format is given with
	// --format (json and logfmt judge their bare durations on it).
	given bool
}

// families lists them in the order detection prefers them on a tie: the
// strict formats first, the most permissive (logfmt) next to last. The
// access-log formats come between the strict ones and JSON. applog comes
// last: any line with a leading time and a level word is one, the Heroku
// router's ("... at=info ...") too, so it never wins a tie (see
// detectFormat).
var families = []family{
	{name: "w3c", make: func(o *Options, sample [][]byte) *format { return w3cFormat(o, sample, "w3c") }},
	{name: "cloudfront", make: func(o *Options, sample [][]byte) *format { return w3cFormat(o, sample, "cloudfront") }},
	{name: "aws_alb", make: func(*Options, [][]byte) *format {
		return &format{name: "aws_alb", newParser: func() lineParser { return awslb.NewParser(awslb.ALB) }}
	}},
	{name: "aws_elb", make: func(*Options, [][]byte) *format {
		return &format{name: "aws_elb", newParser: func() lineParser { return awslb.NewParser(awslb.ELB) }}
	}},
	{name: "haproxy", make: func(*Options, [][]byte) *format {
		return &format{name: "haproxy", newParser: func() lineParser { return haproxy.NewParser() }}
	}},
	{name: "json", given: true, make: func(o *Options, sample [][]byte) *format { return keyValueFormat(o, "json", sample) }},
	{name: "logfmt", given: true, make: func(o *Options, sample [][]byte) *format { return keyValueFormat(o, "logfmt", sample) }},
	{name: appLogName, make: func(*Options, [][]byte) *format {
		// One Now for every worker's parser: they infer the same year
		// for a syslog or klog date.
		opts := applog.Options{Now: time.Now()}
		return &format{name: appLogName, multiline: true, newParser: func() lineParser { return applog.NewParser(opts) }}
	}},
}

// bareReader is a parser of JSON or logfmt lines, which tells the
// durations it read as bare numbers (jsonlog.Parser.Bare).
type bareReader interface {
	lineParser
	Bare() ([]byte, parsers.Logger)
}

// keyValueFormat is the json or logfmt format (name) for options o. Given
// sample lines and no --duration-unit, it judges the unit of their bare
// durations (a number under a key that gives no unit), the lines of each
// logger apart (parsers.JudgeBareUnits), and reads them in it. What it is
// sure of (the logger writes it) goes into durations; what it assumes,
// or does not know (those numbers are then not read), into warning.
// Without a sample the parsers' default rule applies.
func keyValueFormat(o *Options, name string, sample [][]byte) *format {
	fm := &format{name: name, multiline: true}
	var units [parsers.NumLoggers]string
	if o.DurationUnit == "" && len(sample) > 0 {
		var sure, warn []string
		for l, v := range judgeBare(keyValueParser(o, name, units)(), sample) {
			units[l] = parsers.UnitName(v.Unit)
			switch {
			case v.Note == "":
			case v.Sure:
				sure = append(sure, v.Note)
			default:
				warn = append(warn, v.Note)
			}
		}
		fm.durations, fm.warning = joinNotes(sure...), joinNotes(warn...)
	}
	mk := keyValueParser(o, name, units)
	fm.newParser = func() lineParser { return mk() }
	return fm
}

// keyValueParser returns a factory of the json or logfmt parsers (name)
// for options o and bare durations in units, per parsers.Logger (logfmt
// lines name none: parsers.LoggerUnknown).
func keyValueParser(o *Options, name string, units [parsers.NumLoggers]string) func() bareReader {
	if name == "json" {
		opts := jsonlog.Options{DurationUnit: o.DurationUnit, BareUnits: units, Fields: fieldSpecs(o)}
		return func() bareReader { return jsonlog.NewParser(opts) }
	}
	opts := logfmt.Options{DurationUnit: o.DurationUnit, BareUnit: units[parsers.LoggerUnknown], Fields: fieldSpecs(o)}
	return func() bareReader { return logfmt.NewParser(opts) }
}

// judgeBare reads the bare durations of the sample's lines that p
// parses, and judges their unit per logger.
func judgeBare(p bareReader, sample [][]byte) [parsers.NumLoggers]parsers.BareVerdict {
	var r parsers.Record
	var samples []parsers.BareSample
	for _, line := range sample {
		if p.Parse(line, &r) != nil {
			continue
		}
		if text, l := p.Bare(); text != nil {
			if s, ok := parsers.NewBareSample(text, l); ok {
				samples = append(samples, s)
			}
		}
	}
	return parsers.JudgeBareUnits(samples)
}

// appLogName is the name of the plain-text application-log format.
const appLogName = "applog"

// accessRank is where the access-log formats rank among families.
const accessRank = 5

// w3cFormat is the W3C extended format, seeded with the first "#Fields:"
// line of the sample. Detection offers it as "cloudfront" when those
// fields are CloudFront's, else as "w3c"; the other name parses nothing,
// and so do both without a "#Fields:" line (a Markdown file's "#
// headings" would read as directives).
func w3cFormat(o *Options, sample [][]byte, name string) *format {
	var fields string
	for _, l := range sample {
		if bytes.HasPrefix(l, []byte("#Fields:")) {
			fields = string(l)
			break
		}
	}
	if sample != nil && (fields == "" || strings.Contains(fields, "x-edge-location") != (name == "cloudfront")) {
		return &format{name: name, newParser: func() lineParser { return nothing{} }}
	}
	opts := w3c.Options{Fields: fields, DurationUnit: o.DurationUnit}
	return &format{name: name, perSource: true, newParser: func() lineParser { return w3c.NewParser(opts) }}
}

// nothing is a parser that parses no line.
type nothing struct{}

func (nothing) Parse([]byte, *parsers.Record) error { return errNothing }

var errNothing = errors.New("not this format")

// detectFormat tries every format on the sample's lines and keeps the one
// that reads the most; see the constants above for ties. A tie with
// applog is no tie: the other format wins (it ranks first) and reads
// applog's lines through its fallback.
func detectFormat(o *Options, sample []byte) (*format, error) {
	lines := judgeLines(sample, tieLines)
	judged := lines[:min(len(lines), sniffLines)]
	cands, err := candidates(o, judged)
	if err != nil {
		return nil, err
	}
	best, second := top2(cands, judged)
	if fm := detectMetric(judged, best.n); fm != nil {
		return fm, nil
	}
	if best.n == 0 {
		return nil, &FormatError{Tried: triedNames(), Sample: firstLines(sample, 3)}
	}
	var tie string
	if tied(best, second) && len(lines) > len(judged) {
		// A tie on the first lines: let the later ones decide.
		tie = fmt.Sprintf("; %s and %s tied on the first %d lines, decided by the later ones", best.f.name, second.f.name, len(judged))
		best, second = top2(cands, lines)
		judged = lines
	}
	if tied(best, second) {
		return nil, &FormatError{Tried: triedNames(), Sample: firstLines(sample, 3),
			Ambiguous: []string{best.f.name, second.f.name}}
	}
	best.f.evidence = evidence(best, second, len(judged)) + tie
	best.f.warnUnsure(best.n, len(judged))
	return best.f, nil
}

// warnUnsure adds a warning to f, chosen by detection because it reads n
// of total sample lines, when that is fewer than half of them: chosen,
// but on little, which the user should hear where they look.
func (f *format) warnUnsure(n, total int) {
	if n*2 < total {
		f.warning = joinNotes(fmt.Sprintf("detection is unsure: %s reads only %d of %d sample lines, the others are malformed; give --format or --log-format if the input is of another format", f.name, n, total), f.warning)
	}
}

// joinNotes joins the notes that are not empty with "; ".
func joinNotes(notes ...string) string {
	return strings.Join(slices.DeleteFunc(notes, func(s string) bool { return s == "" }), "; ")
}

// evidence says how sure detection is of best over n sample lines: the
// share it reads, and the runner-up when it reads any of them.
func evidence(best, second candidate, n int) string {
	s := fmt.Sprintf("detected: %d of %d sample lines", best.n, n)
	if best.app > 0 {
		s += fmt.Sprintf(", %d of them application lines", best.app)
	}
	if second.f != nil && second.n > 0 {
		s += fmt.Sprintf(" (next best: %s, %d lines)", second.f.name, second.n)
	}
	return s
}

func tied(best, second candidate) bool {
	return second.f != nil && second.n == best.n && second.f.name != appLogName
}

// candidate is a format tried on the sample and how many lines it reads.
type candidate struct {
	f *format
	// n is the lines it reads: own, plus app for a format that reads
	// HTTP requests (a mixed file).
	n, own, app int
	// http is the lines it reads as HTTP requests.
	http int
	// reads marks the lines it reads itself.
	reads []bool
}

// candidates builds one format per family, the access-log one from
// accesslog.Detect (which also fixes a trailing number's unit), in
// family order.
func candidates(o *Options, judged [][]byte) ([]candidate, error) {
	var cands []candidate
	for i, fam := range families {
		if i == accessRank {
			if af, _, err := accesslog.Detect(joinLines(judged)); err == nil {
				f, err := accessFormat(af, o, "")
				if err != nil {
					return nil, err
				}
				cands = append(cands, candidate{f: f})
			}
		}
		cands = append(cands, candidate{f: fam.make(o, judged)})
	}
	return cands, nil
}

// top2 counts the lines each candidate reads and returns the best two,
// the earlier candidate winning a tie for first place.
//
// Mixed files: a format that reads HTTP requests is also credited with
// the lines applog reads among those it rejects, the application lines
// its fallback will read (ingress-nginx's klog lines between its access
// lines, the app lines of `heroku logs` between the router's). So such a
// file goes to the access format, whose fallback reads the rest, rather
// than to applog, which would reject the access lines.
func top2(cands []candidate, lines [][]byte) (best, second candidate) {
	app := -1
	for i := range cands {
		cands[i].count(lines)
		if cands[i].f.name == appLogName {
			app = i
		}
	}
	for i := range cands {
		c := &cands[i]
		c.n, c.app = c.own, 0
		if app >= 0 && i != app && c.http > 0 {
			for j, ok := range c.reads {
				if !ok && cands[app].reads[j] {
					c.app++
				}
			}
			c.n += c.app
		}
		switch {
		case best.f == nil || c.n > best.n:
			best, second = *c, best
		case second.f == nil || c.n > second.n:
			second = *c
		}
	}
	return best, second
}

// count sets c.own, c.http and c.reads from the lines c's parser reads:
// records and directives (W3C), and, once it has read a record,
// continuation lines (applog's stack traces).
func (c *candidate) count(lines [][]byte) {
	p := c.f.newParser()
	c.reads = append(c.reads[:0], make([]bool, len(lines))...)
	c.own, c.http = 0, 0
	var r parsers.Record
	records, conts := 0, 0
	for i, line := range lines {
		switch err := p.Parse(line, &r); {
		case err == nil:
			records++
			if r.Kind == parsers.KindHTTP {
				c.http++
			}
			c.reads[i] = true
		case err == parsers.ErrDirective:
			// A directive is a valid line of its format (W3C).
			records++
			c.reads[i] = true
		case err == parsers.ErrContinuation:
			conts++
			c.reads[i] = true
		}
	}
	c.own = records + conts
	if records == 0 {
		c.own = 0
		clear(c.reads)
	}
}

// mixedFallback returns the fallback of fm (see format.fallback): a
// parser of the application lines a file of fm's format may interleave
// with its own. It tries applog (plain text, stack traces as
// parsers.ErrContinuation), then JSON and logfmt, keeping only their
// application lines (a JSON or logfmt request line in an access log is
// not taken); fm's own family is left out. Controller stdout
// (ingress-nginx: access lines and klog), `heroku logs` (router logfmt
// and app lines) and services that log both plain text and JSON are
// such files.
func mixedFallback(o *Options, fm *format) func() lineParser {
	name := fm.name
	aopts := applog.Options{Now: time.Now()}
	jopts := jsonlog.Options{DurationUnit: o.DurationUnit, Fields: fieldSpecs(o)}
	lopts := logfmt.Options{DurationUnit: o.DurationUnit, Fields: fieldSpecs(o)}
	return func() lineParser {
		m := &mixed{}
		if name != appLogName {
			m.app = applog.NewParser(aopts)
		}
		if name != "json" {
			m.json = jsonlog.NewParser(jopts)
		}
		if name != "logfmt" {
			m.logfmt = logfmt.NewParser(lopts)
		}
		return m
	}
}

// mixed is the parser mixedFallback makes; a nil parser is not tried. It
// is not safe for concurrent use and allocates nothing per line.
type mixed struct {
	app    *applog.Parser
	json   *jsonlog.Parser
	logfmt *logfmt.Parser
}

// Parse fills r from an application line: applog's record or
// continuation, else a JSON or logfmt record of kind parsers.KindApp. On
// failure it returns applog's error (valid until the next Parse), or
// errNothing without applog.
func (m *mixed) Parse(line []byte, r *parsers.Record) error {
	err := errNothing
	if m.app != nil {
		if err = m.app.Parse(line, r); err == nil || err == parsers.ErrContinuation {
			return err
		}
	}
	if m.json != nil && m.json.Parse(line, r) == nil && r.Kind == parsers.KindApp {
		return nil
	}
	if m.logfmt != nil && m.logfmt.Parse(line, r) == nil && r.Kind == parsers.KindApp {
		return nil
	}
	return err
}

// judgeLines returns up to n lines of sample to judge: complete lines (a last
// line without '\n' counts only when it is the only line), neither empty
// nor of maxSniffLine bytes or more, without their "\r".
func judgeLines(sample []byte, n int) [][]byte {
	var lines [][]byte
	complete := 0
	for len(sample) > 0 && len(lines) < n {
		line, rest, ok := bytes.Cut(sample, []byte("\n"))
		if !ok && complete > 0 {
			break
		}
		complete++
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) > 0 && len(line) < maxSniffLine {
			lines = append(lines, line)
		}
		sample = rest
	}
	return lines
}

func joinLines(lines [][]byte) []byte {
	var b []byte
	for _, l := range lines {
		b = append(append(b, l...), '\n')
	}
	return b
}

// FormatError says that no known format parses the start of an input, or
// that two parse it equally well.
type FormatError struct {
	Tried  string
	Sample []string
	// Ambiguous names the two formats that parse as many lines, when
	// that is why none was chosen.
	Ambiguous []string
}

func (e *FormatError) Error() string {
	var b strings.Builder
	if len(e.Ambiguous) == 2 {
		fmt.Fprintf(&b, "cannot detect the log format: %s and %s parse as many of the first lines (give --format); the first lines are:", e.Ambiguous[0], e.Ambiguous[1])
	} else {
		fmt.Fprintf(&b, "cannot detect the log format: tried %s (give --format or --log-format); the first lines are:", e.Tried)
	}
	for _, line := range e.Sample {
		fmt.Fprintf(&b, "\n  %.200q", line)
	}
	return b.String()
}

func triedNames() string {
	return strings.Join(formatNames(), ", ")
}

// firstLines returns up to n non-empty lines of sample, over-long ones
// included, each cut to 256 bytes: what a message shows.
func firstLines(sample []byte, n int) []string {
	var lines []string
	for len(sample) > 0 && len(lines) < n {
		line, rest, _ := bytes.Cut(sample, []byte("\n"))
		if line = bytes.TrimRight(line, "\r"); len(bytes.TrimSpace(line)) > 0 {
			lines = append(lines, string(line[:min(len(line), 256)]))
		}
		sample = rest
	}
	return lines
}

// FormatInfo describes a built-in format for --list-formats.
type FormatInfo struct {
	// Name is what --format takes and what detection reports (the
	// access-log formats may add a suffix, e.g. "combined + request_time
	// (s)").
	Name string
	// Description is one sentence: what writes it and what it maps.
	Description string
	// Example is a line of the format; for a format that needs a
	// directive first (W3C), the directive, a newline and a line.
	Example string
}

// Formats lists every built-in format, in the order detection prefers
// them on a tie, then the metric formats (which win a tie with any log
// format: see detectMetric).
func Formats() []FormatInfo {
	var infos []FormatInfo
	for i, fam := range families {
		if i == accessRank {
			for _, a := range accesslog.Formats() {
				infos = append(infos, FormatInfo{a.Name, a.Description, a.Example})
			}
		}
		infos = append(infos, familyInfo[fam.name])
	}
	for _, m := range metricFormats {
		infos = append(infos, m.info)
	}
	return infos
}

func formatNames() []string {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return names
}

// familyInfo describes the families.
var familyInfo = map[string]FormatInfo{
	"w3c": {"w3c", `W3C extended log as IIS writes it: reads "#Fields:", also when it changes mid-file; time-taken in ms (a decimal: seconds)`,
		"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken\n" +
			`2015-01-13 00:32:17 100.79.192.81 GET /robots.txt - 80 - 157.55.39.146 Mozilla/5.0+(compatible;+bingbot/2.0) - 404 0 2 1405 242 283`},
	"cloudfront": {"cloudfront", `Amazon CloudFront standard log (W3C, tab-separated, time-taken in seconds)`,
		"#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n" +
			"2026-03-01\t10:00:00\tFRA56-P1\t5120\t203.0.113.10\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tcurl/8.5.0\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\tshop.example.com\thttps\t412\t0.001\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t51544\t0.001\tHit\ttext/html\t5120\t-\t-"},
	"aws_alb": {"aws_alb", "AWS Application Load Balancer access log (http, https, h2, grpcs, ws, wss); duration = request + target + response processing time, target time as upstream",
		`h2 2026-03-01T10:00:00.123456Z app/prod-web/50dc6c495c0c9188 203.0.113.10:51544 10.0.1.17:8080 0.001 0.043 0.000 200 200 812 5120 "GET https://shop.example.com:443/api/orders/12345 HTTP/2.0" "curl/8.5.0" TLS_AES_128_GCM_SHA256 TLSv1.3 arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/73e2d6bc24d8a067 "Root=1-65e1a7a0-1a2b3c4d5e6f708192a3b4c5" "shop.example.com" "-" 1 2026-03-01T10:00:00.079000Z "forward" "-" "-" "10.0.1.17:8080" "200" "-" "-" TID_1a2b3c4d5e6f7081`},
	"aws_elb": {"aws_elb", "AWS Classic Load Balancer access log; duration = request + backend + response processing time",
		`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`},
	"haproxy": {"haproxy", "HAProxy HTTP log (option httplog), with or without a syslog prefix; Tq/Tw/Tc/Tr/Tt or TR/Tw/Tc/Tr/Ta timers: duration = the last, upstream = Tr",
		`Feb 25 16:19:49 192.168.4.2 haproxy[7]: 141.35.244.171:53332 [25/Feb/2019:16:19:48.143] prod_http_in~ bk_admin/nginx_sonst 0/0/7/1457/1487 200 11394 - - ---- 2/1/0/0/0 0/0 {Mozilla/5.0} {} "GET /admin HTTP/1.1"`},
	"json": {"json", "JSON lines: Caddy, zap, logrus, slog, pino(-http), bunyan, Traefik JSON, nginx JSON log_format; application lines count as such",
		`{"level":"info","ts":1716723772.6,"msg":"handled request","request":{"remote_ip":"10.5.1.1","method":"GET","uri":"/"},"duration":0.0175,"size":3768,"status":200}`},
	"logfmt": {"logfmt", "key=value lines: Go log/slog text, logrus text, Heroku router (connect + service); the JSON field names",
		`2026-03-01T10:00:00.012345+00:00 heroku[router]: at=info method=GET path="/" host=app.herokuapp.com fwd="203.0.113.10" dyno=web.1 connect=1ms service=23ms status=200 bytes=7773 protocol=https`},
	appLogName: {appLogName, "plain-text application log: a leading time (ISO 8601, log4j/Python '2006-01-02 15:04:05,000', Go log, syslog, Spark '06/01/02 15:04:05', klog 'E0102 15:04:05.000') and a level word (log4j, logback, Spring Boot, Python logging, Rails), or a level word in capitals first ('ERROR 2006-01-02 …', '[WARN] …', Python's 'WARNING:root:msg'; without a time: counted, not in the timeline); stack-trace lines count with the line above",
		`2026-03-01 10:00:00.123 ERROR 1234 --- [nio-8080-exec-1] c.e.shop.PaymentController : payment 7 failed: gateway timeout`},
}
