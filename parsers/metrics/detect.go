package metrics

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// Parser is what the three format parsers share: Parse reads a line and
// fills s with its first sample, Next with each further one (line
// protocol only: the other formats hold one sample a line, and their Next
// reports false).
//
//	if err := p.Parse(line, &s); err != nil {
//		// ErrNoSample, parsers.ErrDirective: skip; else count the reason
//		continue
//	}
//	for ok := true; ok; ok = p.Next(&s) {
//		// use s before the next Next or Parse
//	}
type Parser interface {
	Parse(line []byte, s *Sample) error
	Next(s *Sample) bool
}

// Next reports false: a Prometheus line holds one sample.
func (p *PromParser) Next(*Sample) bool { return false }

// Next reports false: a JSON line holds one sample.
func (p *JSONParser) Next(*Sample) bool { return false }

// Format is a metric sample format.
type Format uint8

const (
	FormatInflux Format = iota + 1 // InfluxDB line protocol
	FormatProm                     // Prometheus text exposition
	FormatJSON                     // JSON lines
)

// formats lists the formats in the order Detect prefers them on a tie.
var formats = [...]struct {
	f    Format
	name string
}{{FormatJSON, "json"}, {FormatProm, "prometheus"}, {FormatInflux, "influx"}}

// String returns the format's name: "influx", "prometheus" or "json".
func (f Format) String() string {
	for _, e := range formats {
		if e.f == f {
			return e.name
		}
	}
	return "unknown"
}

// ParseFormat returns the format named name, as String spells it.
func ParseFormat(name string) (Format, bool) {
	for _, e := range formats {
		if e.name == name {
			return e.f, true
		}
	}
	return 0, false
}

// NewParser returns a parser of format f with options o.
func NewParser(f Format, o Options) (Parser, error) {
	switch f {
	case FormatInflux:
		return NewInfluxParser(o)
	case FormatProm:
		return NewPromParser(o)
	case FormatJSON:
		return NewJSONParser(o)
	}
	return nil, fmt.Errorf("cannot make a parser of unknown metric format %d", f)
}

// detectLines is how many non-blank lines of a sample Detect tries.
const detectLines = 100

// Detect returns the format that reads the most of the first 100
// non-blank lines of sample (a last line without '\n' counts only when it
// is the only one), and how many it read. A line counts when it yields a
// sample, or, for Prometheus, when it is a directive ("# TYPE"); comments
// count for no format. JSON, then Prometheus, wins a tie. It returns an
// error when no format reads any line.
func Detect(sample []byte) (Format, int, error) {
	lines := sampleLines(sample)
	best, bestN := Format(0), 0
	for _, e := range formats {
		p, err := NewParser(e.f, Options{})
		if err != nil {
			panic("BUG: " + err.Error())
		}
		if n := countRead(p, lines); n > bestN {
			best, bestN = e.f, n
		}
	}
	if best == 0 {
		return 0, 0, fmt.Errorf("cannot detect metric format: no line of %d reads as influx, prometheus or json", len(lines))
	}
	return best, bestN, nil
}

// countRead returns how many of lines p reads.
func countRead(p Parser, lines [][]byte) int {
	var s Sample
	n := 0
	for _, line := range lines {
		if err := p.Parse(line, &s); err == nil || errors.Is(err, parsers.ErrDirective) {
			n++
		}
	}
	return n
}

// sampleLines returns the lines Detect tries.
func sampleLines(sample []byte) [][]byte {
	var lines [][]byte
	for len(sample) > 0 && len(lines) < detectLines {
		line, rest, complete := bytes.Cut(sample, []byte("\n"))
		if !complete && len(lines) > 0 {
			break
		}
		if len(bytes.TrimSpace(line)) > 0 {
			lines = append(lines, line)
		}
		sample = rest
	}
	return lines
}
