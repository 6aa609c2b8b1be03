package metricline

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Append appends to dst the line of one sample, newline included: its
// time t (RFC 3339 in UTC, to the nanosecond), name, value and labels,
// given as name, value pairs in the order to write them. A NaN or
// infinite value is written as a string ("NaN", "+Inf", "-Inf"), which
// the reader takes as the number. It panics on an odd number of label
// strings, a broken invariant of the caller.
func Append(dst []byte, t time.Time, name string, value float64, labels ...string) []byte {
	if len(labels)%2 != 0 {
		panic("BUG: metricline.Append with an odd number of label strings")
	}
	dst = append(dst, `{"ts":"`...)
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","name":`...)
	dst = AppendString(dst, name)
	dst = append(dst, `,"value":`...)
	dst = appendValue(dst, value)
	dst = append(dst, `,"labels":{`...)
	for i := 0; i < len(labels); i += 2 {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, labels[i])
		dst = append(dst, ':')
		dst = AppendString(dst, labels[i+1])
	}
	return append(dst, "}}\n"...)
}

func appendValue(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(dst, `"+Inf"`...)
	case math.IsInf(v, -1):
		return append(dst, `"-Inf"`...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string, quotes included: '"' and '\\'
// escaped, control characters escaped (\b \f \n \r \t by name, others as
// \u00XX), invalid UTF-8 replaced by U+FFFD; anything else as it is.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\b':
			dst = append(dst, `\b`...)
		case c == '\f':
			dst = append(dst, `\f`...)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\r':
			dst = append(dst, `\r`...)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '"')
}
