package accesslog

import (
	"bytes"
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// detectLines is how many non-empty lines of a sample Detect tries.
const detectLines = 100

// Detect picks the named format that parses the most of the first
// non-empty lines of sample, up to 100 complete lines; a last line without
// '\n' counts only when it is the only one. The built-in formats of
// [Formats] are tried first and win ties, then "combined" and "common". It
// returns that format and how many of the lines it parsed, or an error
// when no format parses any line.
//
// When the lines of combined or common end in a bare number, its meaning
// is fixed from the sample and shown in the format's name: seconds when a
// number has a decimal point ("combined + request_time (s)"); when all are
// integers they may be a request counter (Traefik), a byte count
// ($request_length) or a duration in any unit, so they are ignored
// ("combined + trailing integer ignored (...)"): no duration is better
// than a wrong one. [Options].DurationUnit, when set, overrides both.
func Detect(sample []byte) (*Format, int, error) {
	lines := sampleLines(sample)
	var best *Format
	bestN, fractional, integer := 0, false, false
	for _, f := range detectOrder {
		n, frac, integ := tryFormat(f, lines)
		if n > bestN {
			best, bestN, fractional, integer = f, n, frac, integ
		}
	}
	switch {
	case best == nil:
		return nil, 0, fmt.Errorf("cannot detect log format: no line of %d parses as an access-log format (%s)", len(lines), knownNames())
	case fractional:
		best = withTailUnit(best, unitS)
	case integer:
		best = withTailUnit(best, unitIgnore)
	}
	return best, bestN, nil
}

// detectOrder is the order in which Detect tries the formats.
var detectOrder = append(append([]*Format(nil), builtinFormats...), combinedFormat, commonFormat)

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

// tryFormat returns how many lines f parses, and whether any of them ends
// in a fractional or an integer duration.
func tryFormat(f *Format, lines [][]byte) (n int, fractional, integer bool) {
	p := NewParser(f, Options{})
	var r parsers.Record
	for _, line := range lines {
		if p.Parse(line, &r) != nil {
			continue
		}
		n++
		if r.Duration < 0 || f != combinedFormat && f != commonFormat {
			continue
		}
		line = bytes.TrimRight(line, " \r")
		if bytes.IndexByte(line[bytes.LastIndexByte(line, ' ')+1:], '.') >= 0 {
			fractional = true
		} else {
			integer = true
		}
	}
	return n, fractional, integer
}
