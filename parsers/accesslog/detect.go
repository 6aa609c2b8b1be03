package accesslog

import (
	"bytes"
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// detectLines is how many non-empty lines of a sample Detect tries.
const detectLines = 100

// Detect picks the named format ("combined" or "common") that parses the
// most of the first non-empty lines of sample, up to 100 complete lines;
// a last line without '\n' counts only when it is the only one. It returns
// that format and how many of the lines it parsed, or an error when no
// format parses any line.
//
// When the lines end in a duration, the format's duration unit is fixed
// from the sample and shown in its name: seconds when a duration has a
// decimal point ("combined + request_time (s)"), else milliseconds
// ("combined + duration (ms, assumed)"); [Options].DurationUnit overrides
// it.
func Detect(sample []byte) (*Format, int, error) {
	lines := sampleLines(sample)
	var best *Format
	bestN, fractional, integer := 0, false, false
	for _, f := range []*Format{combinedFormat, commonFormat} {
		n, frac, integ := tryFormat(f, lines)
		if n > bestN {
			best, bestN, fractional, integer = f, n, frac, integ
		}
	}
	switch {
	case best == nil:
		return nil, 0, fmt.Errorf("cannot detect log format: no line of %d parses as combined or common", len(lines))
	case fractional:
		best = withTailUnit(best, unitS)
	case integer:
		best = withTailUnit(best, unitMS)
	}
	return best, bestN, nil
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
		if r.Duration < 0 {
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
