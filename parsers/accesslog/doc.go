// Package accesslog parses web-server access logs, NCSA common and
// combined, nginx log_format and Apache LogFormat, into [parsers.Record]s
// without allocating.
//
// A [Format] is a compiled sequence of literal separators and typed fields.
// Get one by name ([Named]: "common", "combined", "combined_rt" and the
// built-in formats of proxies that [Formats] lists: Traefik CLF,
// ingress-nginx upstreaminfo old and new, Envoy, Istio, Apache vcombined), compile
// one from the server's configuration ([CompileNginx], [CompileApache]), or
// let [Detect] pick a named one from the first lines of a file. Common and
// combined are lenient, for the logs found in the wild: runs of spaces
// separate fields, the ident and user fields may be missing, any number of
// extra quoted fields may follow the user agent, and a duration may end the
// line. A detected trailing decimal is taken as seconds only when every
// one is written as nginx's $request_time (three decimals), a detected
// trailing integer as milliseconds only when its values over the sample
// rule out a request counter and a byte count (see [Detect]); else it is
// not taken as a duration, unless the unit is given. Nor is a number
// that ends a later line when no sample line ended in one.
//
// A [Parser] parses lines of one Format. Every []byte field of the Record
// it fills aliases the line; numbers are parsed straight from bytes and
// times by hand, to Unix nanoseconds in UTC, so Parse allocates nothing,
// for valid and invalid lines alike. A line that does not parse gets a
// *[parsers.SyntaxError] whose Reason is one of the Reason constants
// (ReasonTime, ReasonQuote, ...), fit for a counter label. Durations are
// stored in microseconds whatever the unit in the line.
//
// # Concurrency
//
// A Format is immutable and may be shared. A Parser is not safe for
// concurrent use: each goroutine needs its own.
//
// # Usage
//
//	f, n, err := accesslog.Detect(firstChunk) // or Named("combined"), CompileNginx(...)
//	if err != nil { ... }
//	log.Printf("format %s parses %d sample lines", f.Name(), n)
//	p := accesslog.NewParser(f, accesslog.Options{})
//	var r parsers.Record
//	for each line {
//		if err := p.Parse(line, &r); err != nil {
//			invalid[err.(*parsers.SyntaxError).Reason]++
//			continue
//		}
//		// use r; copy any []byte kept past the next line
//	}
package accesslog
