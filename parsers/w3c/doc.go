// Package w3c parses W3C extended log files, as written by IIS and by
// Amazon CloudFront (standard logs), into [parsers.Record]s without
// allocating per line.
//
// # Directives
//
// A line starting with '#' is a directive. "#Fields:" names the fields of
// the lines that follow, separated by runs of spaces (or tabs); it may
// appear again later in the file with other fields, and the parser follows
// it from there: the Parser is stateful, one per input, fed its lines in
// order. "#Date:" gives the date for logs whose lines have a time but no
// date. Every directive, known or not, makes Parse return
// [parsers.ErrDirective]: a valid line that is not a record, which callers
// skip and must not count as malformed. [Options].Fields seeds the fields
// for a parser that starts after the first "#Fields:" line (a worker given
// a later part of a file); a line before any "#Fields:" is rejected with
// [ReasonNoFields].
//
// # Lines
//
// Values are separated by runs of spaces, or of tabs when the line holds
// a tab (CloudFront); a value in double quotes may hold separators. A line
// must have as many values as the fields in effect, else
// [ReasonFieldCount].
//
// # Mapping to Record
//
//   - Time: date and time (or date-local and time-local), UTC as W3C logs
//     are written; time without date takes the date of "#Date:". When a
//     line has both, date and time win over date-local and time-local,
//     whatever their order in "#Fields:": W3C and IIS define date and time
//     as UTC, the -local fields as the server's local time, which has no
//     zone here. Each of the four is checked only when it is the one used.
//   - Client: c-ip. User: cs-username, c-auth-id.
//   - Method: cs-method. Target: cs-uri-stem, then "?" and cs-uri-query
//     when the query is not "-" (joined in the parser's buffer), or cs-uri.
//   - Status: sc-status. Bytes: sc-bytes (else bytes).
//   - Duration: time-taken: an integer is milliseconds (IIS), a number
//     with a '.' is seconds (the W3C draft's unit; CloudFront), and
//     TimeTakenMS (IIS Advanced Logging) is milliseconds;
//     [Options].DurationUnit overrides.
//   - UserAgent: cs(User-Agent), decoded (copied to the parser's buffer
//     only when it holds an escape). IIS writes its spaces as '+': in a
//     line of spaces, an unquoted user agent has each '+' read as a
//     space. CloudFront URL-encodes it, in some logs twice: in a line of
//     tabs, an unquoted user agent has "%XX" and "%25XX" (XX two
//     hexadecimal digits) read as the byte XX ("Mozilla/5.0%20(X11" and
//     "Mozilla/5.0%2520(X11" both read "Mozilla/5.0 (X11"); a '%' that
//     starts no escape and '+' are kept. A quoted one is kept as written.
//     Referer: cs(Referer), cs(Referrer), as written.
//   - Host: cs-host, cs(Host), x-host-header.
//
// # Concurrency and cost
//
// A [Parser] is not safe for concurrent use. Parse allocates nothing in
// steady state (a "#Fields:" line may grow the parser's tables once);
// Record fields alias the line or the parser's buffer, valid until the
// next Parse.
package w3c
