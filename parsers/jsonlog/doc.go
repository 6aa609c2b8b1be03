// Package jsonlog parses JSON-lines logs, application and access logs alike
// (Caddy, zap, logrus, pino, nginx with a JSON log_format, ...), into
// [parsers.Record]s.
//
// # Usage
//
//	p := jsonlog.NewParser(jsonlog.Options{})
//	var r parsers.Record
//	for each line {
//		if err := p.Parse(line, &r); err != nil {
//			// count err.(*parsers.SyntaxError).Reason; skip the line
//			continue
//		}
//		// use r before the next Parse
//	}
//
// # Concurrency and cost
//
// A [Parser] is not safe for concurrent use: each worker owns one. It
// reuses one fastjson.Parser and its own buffers, so it allocates nothing
// per line once they have grown to the longest line seen; this holds for
// rejected lines too. Record fields alias the line or the parser's buffers
// and are valid until the next Parse.
//
// # Lines
//
// Anything before the first '{' is ignored, such as the "caddy  | " that
// docker compose puts before each line; a line without '{' is rejected as
// [ReasonNotJSON]. From there the line must be one JSON object (RFC 8259)
// and nothing but whitespace after it, else [ReasonSyntax]. Parse checks
// this itself before fastjson sees the line, strictly: fastjson accepts
// NaN, malformed numbers, raw control characters and unknown escapes, and
// encoding/json does not. Invalid UTF-8 in strings is accepted and kept as
// it is (encoding/json would turn each bad byte into U+FFFD). Escapes are
// decoded as encoding/json does, unpaired surrogates (\ud800) included,
// which become U+FFFD.
//
// Hostile input is bounded: objects and arrays nest at most [MaxDepth] (64)
// deep, else [ReasonTooDeep] (fastjson's own limit, 300, is never reached),
// and a line holds at most [MaxValues] (8192) values, else
// [ReasonTooLarge], which bounds the memory fastjson keeps between lines.
// The length of a line is the caller's to bound.
//
// # Keys
//
// Each field below has several names, best first. A key is looked up in
// the line's object and, where said, in its "request" or "response" object
// (Caddy's request.method, request.uri, request.remote_ip,
// request.client_ip, request.proto, request.headers) or in
// request.headers. The first name present with a usable value wins; every
// name of the line's object wins over every name of a nested object. Keys
// are case-sensitive. A repeated key keeps its last value, as in
// encoding/json.
//
//   - Time: time, ts, timestamp, @timestamp, start_time, requestTimeEpoch,
//     requestTime (AWS API Gateway).
//   - Level: level, lvl, severity.
//   - Message: msg, message.
//   - Status: status, status_code, statusCode, DownstreamStatus,
//     response_code; also in "response".
//   - Method: method, request_method, RequestMethod, httpMethod; also in
//     "request".
//   - Target: request_uri, uri, url, path, rawPath, RequestPath,
//     resourcePath, x-envoy-origin-path; also in "request". Then, when
//     none is present, the
//     path of routeKey (AWS API Gateway HTTP APIs: "GET /items/{id}" is
//     "/items/{id}"; "$default" has none).
//     (The target
//     includes the query string when the logger's field does: prefer the
//     URI names.)
//   - Proto: proto, server_protocol, RequestProtocol, protocol; also in
//     "request".
//   - Client: client_ip, clientip, remote_ip, remote_addr, ip, ClientHost,
//     remoteAddress, sourceIp, x_forwarded_for, x-forwarded-for,
//     downstream_remote_address;
//     also in "request". client_ip comes first: behind a proxy Caddy logs
//     the real client there and the proxy in remote_ip. The last two are
//     Istio's: the client is X-Forwarded-For, else the downstream peer,
//     as in parsers/accesslog's istio and envoy formats.
//   - UserAgent: user_agent, http_user_agent, ua, request_User-Agent,
//     user-agent; also
//     in "request"; then
//     User-Agent, user-agent in request.headers.
//   - Referer: referer, referrer, http_referer, request_Referer; also in
//     "request"; then
//     Referer, referer in request.headers.
//   - User: user_id, user, uid, userId, username.
//   - Bytes: size, body_bytes_sent, bytes, bytes_sent,
//     DownstreamContentSize, responseLength; also in "response".
//   - Duration: response_time, duration, latency, elapsed, request_time,
//     took; each name is followed, in this order, by its forms with a unit
//     suffix: _s, _sec, _secs, _seconds, _ms, _msec, _millis,
//     _milliseconds, _us, _usec, _micros, _microseconds, _ns, _nsec,
//     _nanos, _nanoseconds. Then responseTime (pino-http) and
//     responseLatency (AWS API Gateway), milliseconds, and Duration
//     (Traefik), nanoseconds, whose unit is fixed.
//   - Host: authority, :authority (Envoy's :authority, as Istio and Envoy
//     Gateway name it).
//   - Upstream ([parsers.Record].Upstream): upstream_service_time,
//     x-envoy-upstream-service-time (Envoy's header), milliseconds. A value that
//     does not convert leaves the line without one; it is no reason to
//     reject the line. It has no --field role.
//
// [Options].Fields adds keys of the user's choosing (the --field
// role=name mappings, [parsers.FieldSpec]): each mapping of a field is
// looked up before all the names above, in the order given, and the first
// present with a usable value wins; then the names above, as without
// mappings. A mapping's name is a path from the line's object: "a.b" is
// key "b" of object "a" (at any depth; a value on the way that is not an
// object ends the path), then, when that gives no usable value, a key "a.b" of the
// line's object, as ecs-logging writes them. A mapped duration's unit is
// that of its name's suffix (_ms, ...) as for the names above, else the
// rule for a bare name. A key of the line's object that a mapping names
// whole fills only the mapped field, not the one its name has above
// (--field duration=ts: ts is then no time).
//
// "request" and "response" also go by "req" and "res" (pino-http,
// bunyan); the first of the two names that holds an object is used. The
// Traefik names (DownstreamStatus, ...) follow its JSON access log;
// httpMethod, resourcePath, sourceIp, protocol, responseLength and
// responseLatency are those of API Gateway access-log templates, and
// start_time, response_code, authority, upstream_service_time,
// x_forwarded_for and downstream_remote_address those of Istio's JSON
// access log (meshConfig accessLogEncoding: JSON; EnvoyJSONLogFormatIstio
// in istio/istio pilot/pkg/model/telemetry_logging.go, commit 7790f42c),
// whose method, path, protocol, bytes_sent, duration and user_agent are
// names above. Its duration is Envoy's %DURATION%, integer milliseconds:
// its lines name [parsers.LoggerEnvoy] (see Kind for the keys that tell
// them), whose bare durations are milliseconds. Envoy Gateway's default
// JSON format (envoyproxy/gateway
// site/content/en/latest/tasks/observability/proxy-accesslog.md, commit
// 48addf93) has the same operators, the request headers under their own
// names: x-envoy-origin-path, x-forwarded-for, user-agent, :authority,
// x-envoy-upstream-service-time.
//
// # Values
//
// Text fields (level, message, method, target, proto, client, host, user agent,
// referer, user) take a string, or an array whose first element is a
// string (Caddy logs each header as an array of values). Level and user
// also take a number, as written ("user_id":42 is "42"); a level of 10,
// 20, 30, 40, 50 or 60, number or string, is the pino/bunyan name trace,
// debug, info, warn, error or fatal. The strings "" and "-" are absent, as
// is any value of another type (null, true, an object, ...), and the next
// name is tried. Text is the decoded JSON string: JSON escapes are
// resolved (the "escapes untouched" of [parsers.Record] concerns the \xHH
// escapes of access logs, which a JSON log does not have).
//
// Of a client logged as a list ("a, b", X-Forwarded-For) the first
// address is kept ([parsers.FirstAddress]). A client logged as host:port
// or [host]:port (Go's RemoteAddr, Traefik's ClientAddr, Envoy's
// downstream peer) loses the port ([parsers.ClientHost]); other
// addresses, bare IPv6 ones included, are kept as they are.
//
// A "request" that is a string instead of an object, such as nginx's
// "$request", is read as an HTTP request line "METHOD TARGET PROTO": the
// text before the first space is the method, after the last space the
// proto (when there are two spaces or more) and in between the target.
// These fill the method, target and proto that no key gave.
//
// Numeric fields (time, status, bytes, duration, upstream) take a number or a
// string, "" and "-" being absent. The winning value must convert, else
// the line is rejected with the field's reason, checked in the order
// time, status, bytes, duration:
//
//   - Time ([ReasonTime]): an RFC 3339 date-time,
//     YYYY-MM-DD('T'|'t'|' ')hh:mm:ss[.fraction]('Z'|'z'|±hh:mm|±hhmm|±hh), any
//     offset, fractions truncated to nanoseconds, years 1678 to 2261 (the
//     span of int64 nanoseconds); or a number of seconds, milliseconds,
//     microseconds or nanoseconds since the Unix epoch, by magnitude
//     ([parsers.EpochScale]): below 1e11 seconds, below 1e14 ms, below
//     1e17 µs, else ns. Fractions are exact (Caddy's 1716723772.6014807
//     is ...772601480700 ns), and truncated below the nanosecond.
//     Negative numbers are rejected. Or a string in the Common Log
//     Format, "01/Mar/2026:10:00:11 +0000" ([parsers.ParseCLFTime]): AWS
//     API Gateway's requestTime, nginx's $time_local.
//   - Status ([ReasonStatus]): digits only, 100 to 999, or 0 when no
//     response was sent (Caddy, Traefik), which sets
//     [parsers.Record].ZeroStatus on an HTTP line; a string may add a
//     reason phrase after a space, as bunyan's "200 OK". A string of a
//     built-in status name without any digit (zerolog hlog's
//     "status":"ok") is no HTTP status: it is absent, and the next name
//     is tried; under a --field mapping it is rejected.
//   - Bytes ([ReasonBytes]): digits only, up to math.MaxInt64.
//   - Duration ([ReasonDuration]), stored in microseconds, truncated:
//     a number, or a string holding one, counts the unit of the key's
//     suffix; without a suffix, the unit [Options].BareUnits gives for
//     the line's logger ("none": not read, the line has no duration),
//     else seconds when written with a fraction or an exponent (Caddy's
//     and zap's 0.017557019) and milliseconds when an integer.
//     [Options].DurationUnit, when set, is the unit of every such number
//     instead. [Parser.Bare] gives a number read under a key without a
//     unit and the logger the line's keys name ([parsers.Logger]), for
//     the caller to judge the units over a sample
//     ([parsers.JudgeBareUnits]). Any other string must be in Go's
//     duration syntax ("12.5ms", "1.2s", "850µs", "1m3s") and keeps its
//     own unit; it gives the nanoseconds of time.ParseDuration. Negative
//     durations are rejected.
//
// # Kind
//
// A line is [parsers.KindHTTP], a request ([parsers.IsRequest], the
// rule logfmt shares), when it has a method, or a
// status (0 included) and a target: every access log above (Caddy,
// Traefik, pino-http, bunyan, nginx's "$request", API Gateway, Envoy)
// writes one of the two. A line with neither a level nor a message is
// also a request with a status (other than 0) or a target alone. Any
// other line with a level or a message is [parsers.KindApp], an
// application event, the fields it has kept (an application line about
// a request: zap's {"msg":"Failed to fetch URL.","url":...} or
// {"level":"error",...,"status":500}). Else a line of Envoy's access log
// (Istio's JSON one included) with no method, target or protocol (null
// or "-") and a status of 0 or none is [parsers.KindTCP], a connection of
// Envoy's TCP proxy, its time, client, bytes and duration kept: a line is
// Envoy's when its object has no "level" and two or more of the keys
// response_flags, upstream_cluster, upstream_host,
// upstream_local_address, downstream_local_address,
// response_code_details, downstream_remote_address and
// upstream_service_time (Envoy's command operators, lower-cased), of any
// value, null included; one alone ("upstream_host") could be any
// application's. Any other line is rejected as [ReasonNoFields].
//
// # Errors
//
// Errors are *[parsers.SyntaxError] values owned by the parser, valid
// until the next Parse. Pos is the offset in the line of the offending
// byte for JSON errors, 0 for [ReasonNotJSON], and the offset of the
// object's '{' for errors in values and for [ReasonNoFields].
package jsonlog
