package jsonlog

import (
	"encoding/binary"
	"math/bits"
)

// Bounds on hostile input, checked before fastjson sees the line.
const (
	// MaxDepth is the deepest nesting of objects and arrays accepted in a
	// line; the line's own object is depth 1. fastjson's own limit
	// (fastjson.MaxDepth, 300) is never reached.
	MaxDepth = 64
	// MaxValues is the most JSON values (objects, arrays, strings, numbers,
	// literals; not keys) accepted in a line. It bounds the memory fastjson
	// keeps for its value cache, which grows to the largest line seen.
	MaxValues = 8192
)

// validation is the outcome of [validate].
type validation struct {
	// pos is the offset of the offending byte when reason is not "".
	pos    int
	reason string
	// badSurrogate is set when a string holds a \u escape of a UTF-16
	// surrogate that is not part of a valid pair (see fixSurrogates).
	badSurrogate bool
}

// validate checks that s is exactly one JSON object (RFC 8259) followed by
// optional whitespace, at most [MaxDepth] deep and with at most
// [MaxValues] values. It is stricter than fastjson, which accepts NaN,
// malformed numbers, raw control characters and bad escapes; a line that
// passes is accepted by fastjson and by encoding/json. Invalid UTF-8 is
// accepted, as encoding/json does. validate allocates nothing.
//
// It is one loop over the tokens rather than a recursive descent with a
// call per token: it runs on every line before fastjson, and the calls
// showed in profiles.
func validate(s []byte) validation {
	var (
		v      validation
		depth  int
		stack  uint64 // bit d-1 is set when the container at depth d is an object
		values int
		i      int
		ok     bool
	)
	if len(s) == 0 || s[0] != '{' {
		return validation{reason: ReasonSyntax}
	}
	for {
		// A value is expected at s[i:].
		i = skipSpace(s, i)
		if i == len(s) {
			return validation{pos: i, reason: ReasonSyntax}
		}
		// A container counts as a value when it opens, a scalar once it
		// is scanned, as with encoding/json's Decoder.Token.
		at := i
		switch c := s[i]; c {
		case '"':
			if i, ok = scanString(s, i+1, &v.badSurrogate); !ok {
				return validation{pos: i, reason: ReasonSyntax}
			}
		case '{', '[':
			if values++; values > MaxValues {
				return validation{pos: i, reason: ReasonTooLarge}
			}
			if depth++; depth > MaxDepth {
				return validation{pos: i, reason: ReasonTooDeep}
			}
			bit := uint64(1) << (depth - 1)
			i = skipSpace(s, i+1)
			if c == '[' {
				stack &^= bit
				if i < len(s) && s[i] == ']' {
					depth--
					i++
					break // an empty array is a complete value
				}
				continue
			}
			stack |= bit
			if i < len(s) && s[i] == '}' {
				depth--
				i++
				break // an empty object is a complete value
			}
			if i, ok = scanKey(s, i, &v.badSurrogate); !ok {
				return validation{pos: i, reason: ReasonSyntax}
			}
			continue
		default:
			if i, ok = scanScalar(s, i); !ok {
				return validation{pos: i, reason: ReasonSyntax}
			}
		}
		if s[at] != '{' && s[at] != '[' {
			if values++; values > MaxValues {
				return validation{pos: at, reason: ReasonTooLarge}
			}
		}
		// A value ended: close containers until a ',' asks for the next one.
		for {
			i = skipSpace(s, i)
			if depth == 0 {
				if i != len(s) {
					return validation{pos: i, reason: ReasonSyntax}
				}
				return v
			}
			if i == len(s) {
				return validation{pos: i, reason: ReasonSyntax}
			}
			obj := stack&(1<<(depth-1)) != 0
			c := s[i]
			if c == ',' {
				if obj {
					if i, ok = scanKey(s, skipSpace(s, i+1), &v.badSurrogate); !ok {
						return validation{pos: i, reason: ReasonSyntax}
					}
				} else {
					i++
				}
				break
			}
			if obj && c != '}' || !obj && c != ']' {
				return validation{pos: i, reason: ReasonSyntax}
			}
			depth--
			i++
		}
	}
}

// scanKey scans `"key" :` at s[i:] and returns the offset after the colon,
// or of the offending byte.
func scanKey(s []byte, i int, badSurrogate *bool) (int, bool) {
	if i == len(s) || s[i] != '"' {
		return i, false
	}
	i, ok := scanString(s, i+1, badSurrogate)
	if !ok {
		return i, false
	}
	i = skipSpace(s, i)
	if i == len(s) || s[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// scanScalar scans a number or a literal at s[i:].
func scanScalar(s []byte, i int) (int, bool) {
	var lit string
	switch s[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit = "null"
	default:
		n := scanNumber(s[i:])
		return i + n, n > 0
	}
	if len(s)-i < len(lit) || string(s[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

func skipSpace(s []byte, i int) int {
	for i < len(s) && s[i] <= ' ' && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// stringStops returns a word whose lowest set bit is the high bit of the
// first byte of w that is '"', '\\' or a control character, 0 if there is
// none. It uses the "has zero byte" and "has byte less than n" tricks
// (n ≤ 128) of Bit Twiddling Hacks,
// https://graphics.stanford.edu/~seander/bithacks.html#HasLessInWord: a
// borrow can set bits only above a byte that matched, so the lowest set
// bit is exact.
func stringStops(w uint64) uint64 {
	q := w ^ (lsb * '"')
	b := w ^ (lsb * '\\')
	return ((q-lsb)&^q | (b-lsb)&^b | (w-lsb*0x20)&^w) & msb
}

// scanString scans a string body starting after its opening quote and
// returns the offset after the closing quote, or of the offending byte.
// It sets *badSurrogate when an escape is an unpaired surrogate.
func scanString(s []byte, i int, badSurrogate *bool) (int, bool) {
	for {
		// Fast path: find the next '"', '\\' or control character 8 bytes
		// at a time.
		for i+8 <= len(s) {
			if m := stringStops(binary.LittleEndian.Uint64(s[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto stop
			}
			i += 8
		}
		for i < len(s) && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20 {
			i++
		}
		if i == len(s) {
			return i, false
		}
	stop:
		switch s[i] {
		case '"':
			return i + 1, true
		case '\\':
			n, bad := escapeLen(s[i:])
			if n == 0 {
				return i, false
			}
			*badSurrogate = *badSurrogate || bad
			i += n
		default: // a control character
			return i, false
		}
	}
}

// escapeLen returns the length of the escape sequence at the start of s
// (s[0] == '\\'), 0 if it is invalid. A valid surrogate pair counts as one
// 12-byte escape; bad is set for a \u escape of an unpaired surrogate.
func escapeLen(s []byte) (n int, bad bool) {
	if len(s) < 2 {
		return 0, false
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, false
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return 0, false
		}
		if r < 0xd800 || r > 0xdfff {
			return 6, false
		}
		if r < 0xdc00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2, ok := hex4(s[8:]); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
				return 12, false
			}
		}
		return 6, true
	}
	return 0, false
}

// hex4 decodes the 4 hex digits at the start of s.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// fixSurrogates rewrites, in place, every \u escape of an unpaired
// surrogate in the valid JSON text s to \ufffd, which has the same length.
// fastjson would keep such an escape as literal text (or merge it with the
// next escape); encoding/json and RFC 8259 readers decode it as U+FFFD.
// Outside strings valid JSON has no backslash, so a linear scan suffices.
func fixSurrogates(s []byte) {
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		n, bad := escapeLen(s[i:])
		if bad {
			copy(s[i+2:i+6], "fffd")
		}
		i += n - 1
	}
}

// scanNumber returns the length of the JSON number at the start of s, 0 if
// there is none: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(s []byte) int {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = skipDigits(s, i+1)
	default:
		return 0
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return 0
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return 0
		}
		i = j
	}
	return i
}

// isNumber reports whether s is exactly one JSON number.
func isNumber(s []byte) bool {
	return len(s) > 0 && scanNumber(s) == len(s)
}

func skipDigits(s []byte, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
