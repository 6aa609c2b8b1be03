package w3c

// uaEncoding is how a line writes its cs(User-Agent).
type uaEncoding uint8

const (
	uaAsIs    uaEncoding = iota // quoted (spaces kept)
	uaPlus                      // IIS: '+' for a space
	uaPercent                   // CloudFront: URL-encoded, %20 for a space
)

// uaEncodingOf returns the encoding of a user agent whose value starts
// with first in a line whose separator is sep: IIS writes an unquoted
// value of a line of spaces with '+' for a space, CloudFront (a line of
// tabs) URL-encodes it; a quoted value is as written.
func uaEncodingOf(sep, first byte) uaEncoding {
	switch {
	case first == '"':
		return uaAsIs
	case sep == '\t':
		return uaPercent
	}
	return uaPlus
}

// decodePlus returns ua with each '+' read as a space, in p.buf. (IIS
// leaves a '+' of the header as it is, so "; +http://..." reads
// "  http://...": the words are what user-agent classification needs.)
func (p *Parser) decodePlus(ua []byte) []byte {
	n := len(p.buf)
	p.buf = append(p.buf, ua...)
	b := p.buf[n:len(p.buf):len(p.buf)]
	for i, c := range b {
		if c == '+' {
			b[i] = ' '
		}
	}
	return b
}

// decodePercent returns ua with its percent escapes decoded, in p.buf.
// CloudFront URL-encodes the user agent ("Mozilla/5.0%20(X11;%20Linux)")
// and in some logs encodes it twice ("Mozilla/5.0%2520(X11…"): "%25XX"
// with XX hexadecimal is decoded as "%XX" would be, once more, so both
// read "Mozilla/5.0 (X11…". (A header that held "%" followed by two
// hexadecimal digits itself is then decoded once too many: it is no
// user agent a classifier knows.) A '%' not followed by two hexadecimal
// digits is kept. '+' is kept: CloudFront writes a space as %20.
func (p *Parser) decodePercent(ua []byte) []byte {
	n := len(p.buf)
	for i := 0; i < len(ua); i++ {
		c := ua[i]
		if c == '%' {
			if b, w, ok := unescape(ua[i:]); ok {
				c = b
				i += w - 1
			}
		}
		p.buf = append(p.buf, c)
	}
	return p.buf[n:len(p.buf):len(p.buf)]
}

// unescape decodes the escape that starts s ("%XX", or "%25XX" as
// "%XX") and returns the byte and how many bytes of s it takes.
func unescape(s []byte) (byte, int, bool) {
	if len(s) >= 5 && s[1] == '2' && s[2] == '5' {
		if b, ok := hexByte(s[3], s[4]); ok {
			return b, 5, true
		}
	}
	if len(s) >= 3 {
		if b, ok := hexByte(s[1], s[2]); ok {
			return b, 3, true
		}
	}
	return 0, 0, false
}

// hexByte returns the byte that two hexadecimal digits write.
func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexDigit(hi)
	l, ok2 := hexDigit(lo)
	return h<<4 | l, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c-'0' <= 9:
		return c - '0', true
	case c|0x20-'a' <= 'f'-'a':
		return c | 0x20 - 'a' + 10, true
	}
	return 0, false
}
