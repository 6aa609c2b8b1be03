package useragent

// MaxLen is the number of leading bytes of a user agent that [Classify]
// examines.
const MaxLen = 512

// Families that several rules share.
const (
	// FamilyNone is the family of a missing ("-" or empty) user agent.
	FamilyNone = "-"
	// FamilyOther is the family of a user agent no rule recognizes.
	FamilyOther = "Other"
	// FamilyOtherBot is the family of a bot recognized by a generic marker.
	FamilyOtherBot = "Other bot"
	// FamilyOtherBrowser is the family of a browser outside the main ones.
	FamilyOtherBrowser = "Other browser"
)

// Classify returns the class and family of a User-Agent header value; see
// the package documentation for the rules. family is a constant string.
//
// It does not allocate. It makes one pass over the lower-cased value and
// tries only the rules whose token starts with the two bytes at each
// position, so its cost grows with the length of ua, not with the number of
// rules: a few hundred nanoseconds for a typical browser.
func Classify(ua []byte) (Class, string) {
	if len(ua) == 0 || (len(ua) == 1 && ua[0] == '-') {
		return Unknown, FamilyNone
	}
	var buf [MaxLen]byte
	lower := toLower(buf[:0], ua)
	best := len(rules)
	for i, c := range lower {
		var next byte
		if i+1 < len(lower) {
			next = lower[i+1]
		}
		for _, ri := range buckets[index[bigram(c, next)]] {
			if int(ri) >= best {
				break // buckets are in rule order
			}
			if rules[ri].matchAt(lower, i) {
				best = int(ri)
				break
			}
		}
	}
	if best == len(rules) {
		return Unknown, FamilyOther
	}
	return rules[best].class, rules[best].family
}

// toLower appends the ASCII lower case of up to cap(dst)-len(dst) leading
// bytes of s to dst.
func toLower(dst, s []byte) []byte {
	if n := cap(dst) - len(dst); len(s) > n {
		s = s[:n]
	}
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
