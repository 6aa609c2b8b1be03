package metrics

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// refJSON reads a JSON line with encoding/json. It returns "skip" where
// fastjson may read differently and both are right: JSON that
// encoding/json rejects (fastjson is lenient: NaN, some bad numbers),
// invalid UTF-8 and surrogate escapes (fastjson keeps them as they are),
// nesting deeper than fastjson's 300 levels.
func refJSON(line []byte) outcome {
	line = parsers.TrimCR(line)
	if len(line) > MaxLineBytes {
		return reject
	}
	trimmed := bytes.TrimLeft(line, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return outcome{kind: "none"}
	case trimmed[0] != '{':
		return reject
	case !json.Valid(line) || !utf8.Valid(line) || surrogate.Match(line) || depth(line) >= 300:
		return outcome{kind: "skip"}
	}
	var r refJSONLine
	if !r.object(line, true) || len(r.labels) > MaxLabels {
		return reject
	}
	return r.sample()
}

var surrogate = regexp.MustCompile(`(?i)\\ud[89a-f]`)

// depth returns how deep the valid JSON data nests.
func depth(data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	d, most := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return most
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			d++
			most = max(most, d)
		case json.Delim('}'), json.Delim(']'):
			d--
		}
	}
}

// refJSONLine is what the keys of a line give, the last of a repeated key
// winning.
type refJSONLine struct {
	name, value, ts, typ json.RawMessage
	labels               []Label
}

// object reads the keys of the object data, in order: the line's (top)
// or its "labels". It returns false for a line to reject.
func (r *refJSONLine) object(data []byte, top bool) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.Token() // '{'
	for dec.More() {
		tok, _ := dec.Token()
		key := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			panic("BUG: valid JSON: " + err.Error())
		}
		kind := raw[0]
		if !top {
			if kind == '{' || kind == '[' {
				return false
			}
			r.label(key, raw)
			continue
		}
		switch key {
		case "name", "metric":
			r.name = raw
		case "value":
			r.value = raw
		case "ts", "time", "timestamp":
			r.ts = raw
		case "type":
			r.typ = raw
		case "labels", "tags":
			if kind == '{' {
				if !r.object(raw, false) {
					return false
				}
			} else if string(raw) != "null" {
				return false
			}
		default:
			if kind != '{' && kind != '[' {
				r.label(key, raw)
			}
		}
	}
	return true
}

// label adds a scalar label: strings decoded, null skipped, the rest as
// written.
func (r *refJSONLine) label(key string, raw json.RawMessage) {
	var v string
	switch {
	case string(raw) == "null":
		return
	case raw[0] == '"':
		json.Unmarshal(raw, &v)
	default:
		v = string(raw)
	}
	r.labels = append(r.labels, Label{[]byte(key), []byte(v)})
}

// sample checks the known keys and makes the sample.
func (r *refJSONLine) sample() outcome {
	s := Sample{Labels: r.labels}
	var name string
	if json.Unmarshal(r.name, &name) != nil || name == "" {
		return reject
	}
	s.Name = []byte(name)
	var ok bool
	if s.Value, ok = refJSONValue(r.value); !ok {
		return reject
	}
	if s.Time, ok = refJSONTime(r.ts); !ok {
		return reject
	}
	if r.typ != nil && string(r.typ) != "null" {
		var t string
		if json.Unmarshal(r.typ, &t) != nil {
			return reject
		}
		if s.Type, ok = parseType([]byte(t)); !ok {
			return reject
		}
	}
	return outcome{kind: "ok", samples: []string{format(&s)}}
}

// refJSONValue reads "value": a number, a string of one, a boolean.
func refJSONValue(raw json.RawMessage) (float64, bool) {
	var s string
	switch {
	case raw == nil:
		return 0, false
	case string(raw) == "true":
		return 1, true
	case string(raw) == "false":
		return 0, true
	case raw[0] == '"':
		json.Unmarshal(raw, &s)
		return refFloat(s, true)
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return refFloat(string(raw), false)
	}
	return 0, false
}

// refJSONTime reads "ts": an epoch number or a string of one (by
// magnitude), or an RFC 3339 string.
func refJSONTime(raw json.RawMessage) (int64, bool) {
	var s string
	switch {
	case raw == nil || string(raw) == "null":
		return NoTime, true
	case raw[0] == '"':
		json.Unmarshal(raw, &s)
		if s != "" && s[0] >= '0' && s[0] <= '9' && !strings.Contains(s[:min(len(s), 5)], "-") {
			return refEpoch(s)
		}
		return parsertest.ISO8601(s)
	case raw[0] >= '0' && raw[0] <= '9' || raw[0] == '-':
		return refEpoch(string(raw))
	}
	return 0, false
}

var epochShape = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?$`)

// refEpoch converts epoch seconds, ms, µs or ns, told by magnitude, to ns.
func refEpoch(s string) (int64, bool) {
	if !epochShape.MatchString(s) {
		return 0, false
	}
	whole, ok := parsertest.Decimal(s, 0)
	switch {
	case !ok:
		return 0, false
	case whole < 1e11:
		return parsertest.Decimal(s, 9)
	case whole < 1e14:
		return parsertest.Decimal(s, 6)
	case whole < 1e17:
		return parsertest.Decimal(s, 3)
	}
	return whole, true
}
