package jsonlog

import "github.com/vigil-ops/vigil/parsers"

// unit is a duration unit: the power of ten that turns a count of it into
// microseconds, [parsers.Unit].
type unit = parsers.Unit

const (
	unitS  = parsers.UnitS
	unitMS = parsers.UnitMS
	unitUS = parsers.UnitUS
	unitNS = parsers.UnitNS
	// unitAuto means "decide from the number": seconds when it has a
	// fraction or an exponent, else milliseconds.
	unitAuto = parsers.UnitAuto
)

// parseUnit is [parsers.ParseUnit], the one table of unit names.
var parseUnit = parsers.ParseUnit

// parseDuration converts the text of a duration value, a JSON number or
// the contents of a string, to microseconds. num tells which it is. A
// number, or a string holding one, is a count of u; any other string must
// be in Go's duration syntax.
func parseDuration(s []byte, num bool, u unit) (int64, bool) {
	if num || isNumber(s) {
		return numberDuration(s, u)
	}
	return goDuration(s)
}

// numberDuration converts a count of u (JSON number text) to microseconds,
// truncated. Negative numbers are rejected.
func numberDuration(s []byte, u unit) (int64, bool) {
	if s[0] == '-' {
		return 0, false
	}
	if u == unitAuto {
		u = unitMS
		for _, c := range s {
			if c == '.' || c == 'e' || c == 'E' {
				u = unitS
				break
			}
		}
	}
	return parseDecimal(s).scale(int(u))
}

// goDuration is [parsers.ParseGoDuration], shared with the logfmt parser.
var goDuration = parsers.ParseGoDuration
