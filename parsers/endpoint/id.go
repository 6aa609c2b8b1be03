package endpoint

// Byte classes for isID.
const (
	digit    = 1 << iota // 0-9
	hexAlpha             // a-f, A-F
)

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = digit
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = hexAlpha
		t[c-'a'+'A'] = hexAlpha
	}
	return t
}()

// minHexID is the shortest hex run, with at least one decimal digit, that
// counts as an ID.
const minHexID = 8

// isID reports whether a path segment is ID-like: all digits, a UUID, or at
// least minHexID hex digits including a decimal digit.
func isID(seg []byte) bool {
	if len(seg) == 0 {
		return false
	}
	if len(seg) == 36 && seg[8] == '-' && seg[13] == '-' && seg[18] == '-' && seg[23] == '-' {
		return isUUID(seg)
	}
	var seen uint8
	for _, c := range seg {
		k := class[c]
		if k == 0 {
			return false
		}
		seen |= k
	}
	return seen == digit || (seen&digit != 0 && len(seg) >= minHexID)
}

// isUUID reports whether seg, 36 bytes with dashes at 8, 13, 18 and 23, has
// hex digits everywhere else.
func isUUID(seg []byte) bool {
	for i, c := range seg {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		if class[c] == 0 {
			return false
		}
	}
	return true
}
