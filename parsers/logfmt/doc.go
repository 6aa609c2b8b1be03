// Package logfmt parses logfmt lines, key=value pairs as written by Go's
// log/slog text handler, logrus's text formatter, Grafana and the Heroku
// router, into [parsers.Record]s without allocating.
//
// # Lines
//
// A line is a sequence of pairs separated by runs of spaces: key=value,
// key="quoted value" or a bare key (a flag, with no value). A key is a run
// of bytes other than space, '=' and '"', or a quoted key: a quoted
// string followed by '=' and a value, as log/slog's text handler writes
// a key that needs quoting (`""=v`, `"a b"=1`, `"k=x"=2`); a quoted
// string is never a bare key. A bare value is a run of bytes other than
// space and '"'. A quoted key or value ends at the first '"' that a
// backslash does not escape; a quoted value must be followed by a space
// or the end of the line. Anything else is [ReasonSyntax]. A line with
// no key=value pair is [ReasonNoPairs]. In a grammar:
//
//	line   = *' ' [pair *(1*' ' pair)] *' '
//	pair   = key ['=' value] | quoted '=' value
//	key    = 1*(any byte but ' ', '=', '"')
//	value  = quoted | *(any byte but ' ', '"')
//	quoted = '"' *(any byte but '"', '\\' | '\\' any byte) '"'
//
// Quoted values and keys have their escapes \" \\ \n \r and \t decoded
// (values into the parser's buffer, only when a backslash is present and
// only for the fields that are kept; a key into a scratch buffer, only to
// match it); any other backslash is kept as written. A quoted key is then
// matched as any key: "level" quoted is the level.
//
// A leading bare key that is an ISO 8601 time with a zone is the time
// when no time key is present: `heroku logs` and syslog-style prefixes
// ("2024-01-02T03:04:05.123456+00:00 heroku[router]: at=info ...") put the
// time there.
//
// # Keys
//
// The same names as the JSON parser's, best first; a later key of the same
// rank replaces an earlier one (a repeated key keeps its last value):
//
//   - Time: time, ts, t, timestamp, @timestamp.
//   - Level: level, lvl, severity.
//   - Message: msg, message.
//   - Status: status, status_code.
//   - Method: method, request_method.
//   - Target: request_uri, uri, url, path.
//   - Proto: proto, server_protocol.
//   - Client: client_ip, clientip, remote_ip, remote_addr, ip, fwd (the
//     Heroku router's). The first address of a list "a, b" is the
//     client ([parsers.FirstAddress]); one logged with its port,
//     host:port or [v6]:port (Go's r.RemoteAddr), loses the port and the
//     brackets ([parsers.ClientHost]), so that each connection of a
//     client is not a client apart; a bare IPv6 address stays whole.
//   - Host: host.
//   - UserAgent: user_agent, http_user_agent, ua.
//   - Referer: referer, referrer, http_referer.
//   - User: user_id, user, uid, userId, username.
//   - Bytes: size, body_bytes_sent, bytes, bytes_sent.
//   - Duration: response_time, duration, latency, elapsed, request_time,
//     took, each followed by its unit-suffixed forms (_s, _sec, _secs,
//     _seconds, _ms, _msec, _millis, _milliseconds, _us, _usec, _micros,
//     _microseconds, _ns, _nsec, _nanos, _nanoseconds).
//   - Groups: the keys of log/slog's slog.Group, written "group.key",
//     are read as jsonlog reads nested objects ([parsers.RequestGroup],
//     [parsers.ResponseGroup]): req.method, request.url, req.remote_addr,
//     ... for method, target, proto, client, user agent and referer;
//     res.status, response.bytes, ... for status and bytes. A grouped
//     key ranks after every plain name; other groups' keys fill nothing.
//   - Heroku router: with no duration key, connect + service is the
//     duration and service the Upstream, when service is a Go duration
//     ("23ms"); a service that is not one (service=payments) is ignored.
//
// [Options].Fields adds keys of the user's choosing (the --field
// role=name mappings, [parsers.FieldSpec]): a mapped key ranks before all
// the names above, the mappings in the order given, and fills only the
// mapped fields, not the one its name has above (--field duration=t: t is
// then no time). Names are matched as written, dots included (slog's text
// handler writes a group's keys as "group.key"). A mapped duration's unit
// is that of its name's suffix (_ms, ...), else the rule for a bare name.
// As among the names above, the best-ranked key present wins even when
// its value is "" or "-".
//
// # Values
//
//   - Time ([ReasonTime]): ISO 8601 with a zone (parsers.ParseISO8601), or
//     an epoch number read by magnitude ([parsers.ParseEpoch]): below
//     1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds,
//     else nanoseconds.
//   - Status ([ReasonStatus]): 100 to 999, or 0 when no response was sent
//     (ZeroStatus). A value that is not all digits (logrus's
//     status=Pending) is not an HTTP status and is ignored.
//   - Bytes ([ReasonBytes]): digits.
//   - Duration ([ReasonDuration]), in microseconds: a number counts the
//     unit of the key's suffix, or of [Options].DurationUnit when set;
//     without either it is in [Options].BareUnit ("none": not read, the
//     line has no duration), and without that too, seconds when written
//     with a '.' and milliseconds when an integer; [Parser.Bare] gives
//     such a number, for the caller to judge its unit over a sample.
//     Anything else must be a Go duration ("12.3ms", "1m2s").
//   - Text: "" and "-" are absent.
//
// # Kind
//
// A line is [parsers.KindHTTP] by the JSON parser's rule
// ([parsers.IsRequest]): a method, or a status (0 included) and a target;
// with neither level nor message, a status other than 0 or a target
// alone. Else a line with a level or a message is [parsers.KindApp]
// (level=error msg=oops status=500 is one); else it is rejected as
// [ReasonNoFields].
//
// # Concurrency and cost
//
// A [Parser] is not safe for concurrent use: each goroutine needs its own.
// Parse allocates nothing once its buffer has grown to the longest
// escaped text; Record fields alias the line or that buffer and are valid
// until the next Parse. Errors are *[parsers.SyntaxError] values owned by
// the parser, valid until the next Parse.
package logfmt
