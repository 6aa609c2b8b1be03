// Package haproxy parses HAProxy HTTP logs ("option httplog") into
// [parsers.Record]s without allocating, with or without a syslog prefix:
//
//	[syslog prefix "...haproxy[pid]: "]client:port [accept_date] frontend
//	backend/server Tq/Tw/Tc/Tr/Tt status bytes_read req_cookie res_cookie
//	termination_state actconn/feconn/beconn/srv_conn/retries
//	srv_queue/backend_queue [{captured request headers}]
//	[{captured response headers}] "request"
//
// (https://docs.haproxy.org/2.8/configuration.html#8.2.3). The timers are
// Tq/Tw/Tc/Tr/Tt in old releases and TR/Tw/Tc/Tr/Ta since 1.7; either way
// five numbers in milliseconds, -1 when the phase did not happen, and the
// last one may carry a '+' (option logasap), as may bytes_read.
//
// # Header captures
//
// A capture ends at its first '}', which a space or the end of the line
// must follow: HAProxy writes '{', '|', '}', '"', '#' and control bytes
// of a captured header as "#XX" (hdr_encode_map in its log.c), so "{a}b}"
// is not a capture holding "a}b" but a malformed line, and "{} }" is one
// empty capture followed by a stray '}', rejected with ReasonRequest.
//
// # Prefix
//
// The text up to the first "]: " is a syslog prefix ("Feb 25 16:19:49
// host haproxy[7]: ") and is skipped, when no '"' or '{' comes before it.
//
// # Mapping to Record
//
//   - Client: client without the port.
//   - Time: accept_date, dd/Mon/yyyy:hh:mm:ss.mmm, which has no zone: it
//     is taken as UTC (HAProxy writes its host's local time).
//   - Method, Target, Proto: the request; "<BADREQ>" leaves them nil.
//   - Status: status_code; -1 (no response) is 0.
//   - Bytes: bytes_read (sent to the client).
//   - Duration: the last timer (Tt or Ta), -1 when -1; Upstream: Tr.
//
// Lines that are not HTTP logs ("Proxy x started.", "SSL handshake
// failure", TCP logs with three timers) are rejected with a reason:
// callers count them as malformed, or as application lines.
//
// # Custom log-format
//
// [CompileLogFormat] compiles a "log-format" directive of HAProxy's
// configuration (%ci:%cp [%tr] %ft %b/%s … %{+Q}r) into a [Format], and a
// [FormatParser] reads its lines into the same Record: %ci, the dates
// (%t, %tr, %T, %Tl, %trg, %trl, %Ts with %ms), %r or %HM/%HU/%HV, %ST,
// %B, %Ta (or %Tt), %Tr and the Host, User-Agent and Referer headers of
// %[req.hdr(...)]; the other variables are checked for their shape. The
// default httplog format, compiled, reads a line as [Parser] does.
// [IsLogFormat] tells HAProxy's syntax from Apache's, which also writes
// variables with '%'.
//
// # Concurrency and cost
//
// A [Parser] or [FormatParser] is not safe for concurrent use; a [Format]
// is immutable and may be shared. Parse allocates nothing;
// Record fields alias the line. Errors are *[parsers.SyntaxError] values
// owned by the parser, valid until the next Parse.
package haproxy
