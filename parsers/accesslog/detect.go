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
// is fixed from the sample and shown in the format's name: seconds when
// every one is written as nginx's $request_time writes it, with exactly
// three decimals ("0.012"; "combined + request_time (s)"). A number with
// a decimal point written otherwise ("0.5", "12.3456"), or decimals mixed
// with integers, has no unit the line tells: the numbers are ignored
// ("combined + trailing number ignored (...)"). When all are integers they may be a request counter (Traefik), a byte count
// ($request_length, $bytes_sent) or a duration in any unit: they are
// taken as milliseconds ("combined + duration (ms, assumed)") only when
// at least 20 of them neither grow from line to line like a counter, nor
// stay at least as large as the request's head or the response's bytes
// like a byte count, nor have a median above 10 s; else they are ignored
// ("combined + trailing integer ignored (...)", which says why): no
// duration is better than a wrong one. [Format.TailNote] says which and
// why. When no line ends in a number, the format keeps its name
// ("combined") and a number that ends a later line is checked but not
// read as a duration either: nothing tells its unit ([Format.UnreadNote]
// is the warning for such lines). [Options].DurationUnit, when set,
// overrides all of these.
func Detect(sample []byte) (*Format, int, error) {
	lines := sampleLines(sample)
	var best *Format
	var bestTry try
	for _, f := range detectOrder {
		if t := tryFormat(f, lines); t.n > bestTry.n {
			best, bestTry = f, t
		}
	}
	switch {
	case best == nil:
		return nil, 0, fmt.Errorf("cannot detect log format: no line of %d parses as an access-log format (%s)", len(lines), knownNames())
	case bestTry.requestTimes > 0 && bestTry.fractions == 0 && len(bestTry.integers) == 0:
		best = withTailUnit(best, unitS, requestTimeSuffix)
	case bestTry.fractions > 0 || bestTry.requestTimes > 0:
		best = withTailUnit(best, unitIgnore, tailNames[tailFraction])
		best.tailNote = tailNote(tailFraction, bestTry.requestTimes+bestTry.fractions+len(bestTry.integers))
	case len(bestTry.integers) > 0:
		v := judgeTail(bestTry.integers)
		u := unitIgnore
		if v == tailMS {
			u = unitMS
		}
		best = withTailUnit(best, u, tailNames[v])
		best.tailNote = tailNote(v, len(bestTry.integers))
	case best == combinedFormat || best == commonFormat:
		// No line ends in a number: one on a later line has no unit the
		// sample shows.
		best = withTailUnit(best, unitIgnore, "")
		best.unseen = bestTry.n
	}
	return best, bestTry.n, nil
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

// try is what tryFormat found: how many lines a format parses and, for
// combined and common, how many end in a number written as nginx's
// $request_time (three decimals) or another decimal, and the lines that
// end in an integer.
type try struct {
	n                       int
	requestTimes, fractions int
	integers                []tailLine
}

func tryFormat(f *Format, lines [][]byte) try {
	var t try
	p := NewParser(f, Options{})
	var r parsers.Record
	for _, line := range lines {
		if p.Parse(line, &r) != nil {
			continue
		}
		t.n++
		if r.Duration < 0 || f != combinedFormat && f != commonFormat {
			continue
		}
		line = bytes.TrimRight(line, " \r")
		switch last := line[bytes.LastIndexByte(line, ' ')+1:]; {
		case requestTime(last):
			t.requestTimes++
		case bytes.IndexByte(last, '.') >= 0:
			t.fractions++
		default:
			// The lenient tail reads an integer as milliseconds.
			t.integers = append(t.integers, newTailLine(r.Duration/1000, &r))
		}
	}
	return t
}

// requestTime reports whether v is written as nginx writes $request_time
// (and $upstream_response_time): seconds with exactly three decimals,
// "0.012".
func requestTime(v []byte) bool {
	i := bytes.IndexByte(v, '.')
	if i < 1 || len(v)-i != 4 {
		return false
	}
	for j, c := range v {
		if j != i && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
