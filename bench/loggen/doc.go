// Package loggen generates deterministic, realistic HTTP access logs, with
// labelled incidents, for benchmarks and end-to-end tests of the pipeline.
// The command bench/gen wraps it.
//
// # Traffic
//
// The log is the traffic of a real-estate / e-commerce site: HTML pages,
// static assets, a JSON API of about 40 endpoints with ID segments
// (/api/properties/61058, /api/users/<uuid>, /api/payments/<id>/charge,
// /api/auth/login, /api/export/reports…), health checks and the junk paths
// scanners try (/wp-login.php, /.env).
//
//   - Time: events advance from Options.Start as a Poisson process with a
//     mean of Options.Rate lines per second over a day, following a
//     diurnal curve (04:00 UTC at 30 % of the 16:00 peak) with a per-minute
//     log-normal noise (sigma 0.15). 1 % of lines are logged 0.5-5 s late,
//     out of order, as multi-worker servers do.
//   - Clients: 70 % of requests come from browsers (Chrome, Safari, Edge,
//     Firefox, Samsung Internet, Opera), 15 % from crawlers (Googlebot,
//     bingbot, AhrefsBot, GPTBot…, from their operators' address ranges),
//     10 % from tools (curl, python-requests, Go-http-client…), 4.5 % from
//     monitors (kube-probe, ELB-HealthChecker, UptimeRobot…), 0.5 % without
//     a user agent. Within a class, client activity is Zipf-distributed
//     over pools of about 50,000 addresses in all, 6 % of browsers on IPv6.
//     A client keeps its address and user agent; 45 % of browsers are
//     logged in and log their user id ("u12345") as remote_user on API
//     requests.
//   - Endpoints: each class has its own mix (crawlers fetch pages and
//     robots.txt, monitors /health, tools the API); some requests carry a
//     query string. Latencies are log-normal per endpoint (API medians 20 to
//     300 ms, exports 600-800 ms, static files a few ms), with 0.1 % slow
//     outliers (×5 to ×30).
//   - Statuses: mostly 200 and 304, 201/202/204 for writes, some 301/302,
//     about 2 % 404 (mostly scanners), 401/403 on authentication and
//     accounts, 5xx on 0.2 % of requests.
//
// # Formats
//
//   - [FormatCombined]: nginx's combined format.
//   - [FormatCombinedRT]: combined plus " $request_time", seconds with
//     three decimals.
//   - [FormatJSON]: one object per line with "time" (RFC 3339, ms, UTC),
//     "level", "method", "path" (the request target, query included),
//     "status", "duration_ms" (three decimals), "bytes", "client_ip",
//     "user_agent", "user_id" and "referer"; the last three are left out
//     when absent. 0.1 % of lines are application errors instead:
//     {"time":…,"level":"error","msg":"db timeout"}, more during incidents.
//
// One seed gives the same requests in every format: a JSON log only
// replaces some of them by application error lines.
//
// # Incidents
//
// With Options.Inject, [Generate] injects these incidents in a random
// order, each lasting 5 to 15 minutes, the first after the first hour,
// separated and followed by at least 20 quiet minutes, with the spare time
// spread at random between them. It returns one [Label] per incident with
// its true start and end.
//
//   - outage (P1, subject "*"): 80 % of requests fail with 502, 503 or
//     504 (the 504s after the 60 s proxy timeout).
//   - payment_failures (P1, subject "POST /api/payments/{id}/charge"):
//     38 % of would-be successful charges fail with 502, 504 or 500, so
//     about 60 % succeed.
//   - attack (P1, subject an IP address in 185.220.101.0/24): 5 to 20
//     requests per second to POST /api/auth/login from one address, 85 %
//     answered 401 and 15 % 429; they add to the baseline lines.
//   - exfiltration (P1, subject a user id): one logged-in user makes 200 to
//     600 GET /api/export/... requests, where users normally make a few per
//     hour at most; they add to the baseline lines.
//   - latency (P2, subject one busy API endpoint key): that endpoint's
//     latency becomes log-normal with a median of 1.5 s (p95 about 2.7 s)
//     while the others stay as they were: outside latency and outage
//     incidents, no endpoint's p95 exceeds 2 s.
//   - error_rate (P2, subject "*"): 9 % of requests fail with 5xx.
//
// Endpoint subjects are keys as [github.com/vigil-ops/vigil/parsers/endpoint]
// computes them. All six need a log of 3.5 to 4.5 hours (1 h, then 5 to 15
// min and 20 quiet minutes each); when the log is shorter, the last
// incidents of the random order are left out and their labels are not
// returned. From the default start (midnight, when traffic is low) at the
// default rate, 1M lines span about 5 hours.
//
// # Determinism and speed
//
// The same Options give the same bytes, for a given Go version: every
// random draw comes from PCG streams seeded by Options.Seed. Generate
// writes more than a million lines per second on one core: lines are
// appended to a reused buffer without fmt, and client attributes are hashed
// from the client's rank instead of looked up.
//
// # Concurrency
//
// [Generate] is safe for concurrent use; each call has its own state.
//
// # Usage
//
//	labels, err := loggen.Generate(w, loggen.Options{Lines: 1_000_000, Seed: 1, Format: loggen.FormatCombinedRT, Inject: true})
package loggen
