package pipeline

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/accesslog"
	"github.com/vigil-ops/vigil/parsers/jsonlog"
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
}

// sniffLines is how many complete lines format detection looks at.
const sniffLines = 100

// chooseFormat returns the format o asks for, or the one that parses the
// most of sample's first lines.
func chooseFormat(o *Options, sample []byte) (*format, error) {
	switch {
	case o.LogFormat != "":
		return compileLogFormat(o)
	case o.Format == "json":
		return jsonFormat(o)
	case o.Format != "":
		f, err := accesslog.Named(o.Format)
		if err != nil {
			return nil, fmt.Errorf("%w (or json)", err)
		}
		return accessFormat(f, o)
	}
	return detectFormat(o, sample)
}

func compileLogFormat(o *Options) (*format, error) {
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
	return accessFormat(f, o)
}

func accessFormat(f *accesslog.Format, o *Options) (*format, error) {
	opts := accesslog.Options{DurationUnit: o.DurationUnit}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &format{name: f.Name(), newParser: func() lineParser { return accesslog.NewParser(f, opts) }}, nil
}

func jsonFormat(o *Options) (*format, error) {
	opts := jsonlog.Options{DurationUnit: o.DurationUnit}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &format{name: "json", newParser: func() lineParser { return jsonlog.NewParser(opts) }}, nil
}

// detectFormat tries the access-log formats and JSON on the first lines of
// sample and keeps whichever parses more of them.
func detectFormat(o *Options, sample []byte) (*format, error) {
	af, accessOK, accessErr := accesslog.Detect(sample)
	jf, err := jsonFormat(o)
	if err != nil {
		return nil, err
	}
	jsonOK := countParsed(jf.newParser(), sample)
	switch {
	case accessErr == nil && accessOK >= jsonOK:
		return accessFormat(af, o)
	case jsonOK > 0:
		return jf, nil
	}
	return nil, &FormatError{Tried: "access-log formats (common, combined and variants) and JSON lines", Sample: firstLines(sample, 3)}
}

// FormatError says that no known format parses the start of an input.
type FormatError struct {
	Tried  string
	Sample []string
}

func (e *FormatError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot detect the log format: tried %s (give --format or --log-format); the first lines are:", e.Tried)
	for _, line := range e.Sample {
		fmt.Fprintf(&b, "\n  %.200q", line)
	}
	return b.String()
}

func countParsed(p lineParser, sample []byte) int {
	var r parsers.Record
	ok := 0
	for _, line := range firstLines(sample, sniffLines) {
		if p.Parse([]byte(line), &r) == nil {
			ok++
		}
	}
	return ok
}

// firstLines returns up to n complete, non-empty lines of sample.
func firstLines(sample []byte, n int) []string {
	var lines []string
	for len(lines) < n {
		i := bytes.IndexByte(sample, '\n')
		if i < 0 {
			break
		}
		if line := bytes.TrimRight(sample[:i], "\r"); len(line) > 0 {
			lines = append(lines, string(line))
		}
		sample = sample[i+1:]
	}
	return lines
}
