package accesslog

// Built-in formats of proxies and controllers whose access logs look like
// combined with more fields after it. They are written in nginx syntax
// with a few variables of their own (builtinVars) and compiled once.

// builtinVars are the variables of the built-in specs beyond nginx's.
var builtinVars = map[string]struct {
	kind kind
	unit unit
}{
	"ident_user":  {kind: kIdentUser},              // lenient "%l %u"
	"duration_ms": {kind: kDuration, unit: unitMS}, // Traefik's "12ms", Envoy's %DURATION%
	"upstream_ms": {kind: kUpstream, unit: unitMS}, // Envoy's x-envoy-upstream-service-time
	"status0":     {kind: kStatus0},                // a status that may be 0
	"bytes_in":    {kind: kOpaque},                 // bytes received, checked for shape
	"peer":        {kind: kPeer},                   // Envoy's %DOWNSTREAM_REMOTE_ADDRESS%
	"rest":        {kind: kRest},                   // fields a later release added
}

func builtinVar(name string) (kind, unit) {
	if v, ok := builtinVars[name]; ok {
		return v.kind, v.unit
	}
	return nginxVar0(name)
}

// builtin is a named built-in format. tcp marks a proxy's format that
// also logs TCP proxy connections, whose request is "- - -" (see
// [parsers.KindTCP]): Envoy's and Istio's.
type builtin struct {
	name, spec, description, example string
	tcp                              bool
}

// builtins lists the built-in formats, most specific first: Detect
// prefers the earlier of two formats that parse as many lines.
var builtins = []builtin{
	{
		name:        "traefik_clf",
		spec:        `$remote_addr - $remote_user [$time_local] "$request" $status0 $body_bytes_sent "$http_referer" "$http_user_agent" $request_count "$router" "$server_url" ${duration_ms}ms`,
		description: `Traefik access log, CLF: combined, then the request counter, "router" "server URL" and the duration in ms`,
		example:     `192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET /api/orders HTTP/1.1" 200 512 "-" "curl/8.5.0" 42 "api@docker" "http://172.18.0.3:8080" 12ms`,
	},
	{
		name:        "ingress_nginx",
		spec:        `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`,
		description: `ingress-nginx controller, default "upstreaminfo" log format (0.25 and later)`,
		example:     `192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET /api/orders HTTP/1.1" 200 512 "-" "curl/8.5.0" 91 0.012 [shop-api-80] [] 10.244.1.7:8080 512 0.011 200 4d1c6bd5a3e14a7f9d2b1c0e8f7a6b5c`,
	},
	{
		name:        "ingress_nginx_realip_alt",
		spec:        `$remote_addr - [$the_real_ip] - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`,
		description: `ingress-nginx "upstreaminfo" of the 0.2x releases with "- [$the_real_ip] -" and the alternative upstream`,
		example:     `192.0.2.10 - [192.0.2.10] - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0" 91 0.012 [shop-web-80] [] 10.244.1.7:8080 512 0.011 200 4d1c6bd5a3e14a7f9d2b1c0e8f7a6b5c`,
	},
	{
		name:        "ingress_nginx_realip",
		spec:        `$remote_addr - [$the_real_ip] - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`,
		description: `ingress-nginx "upstreaminfo" of the 0.1x-0.2x releases: "- [$the_real_ip] -", then $req_id`,
		example:     `192.0.2.10 - [192.0.2.10] - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0" 91 0.012 [shop-web-80] 10.244.1.7:8080 512 0.011 200 4d1c6bd5a3e14a7f9d2b1c0e8f7a6b5c`,
	},
	{
		name:        "ingress_nginx_realip_noreqid",
		spec:        `$remote_addr - [$the_real_ip] - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status`,
		description: `ingress-nginx "upstreaminfo" of the oldest releases, without $req_id`,
		example:     `192.0.2.10 - [192.0.2.10] - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0" 91 0.012 [shop-web-80] 10.244.1.7:8080 512 0.011 200`,
	},
	// Istio's sidecars and gateways log Envoy's default with more fields
	// (Istio 1.9 and later; EnvoyTextLogFormat in istio/istio
	// pilot/pkg/model/telemetry_logging.go, commit 7790f42c). The client
	// is X-Forwarded-For's first address, as in envoy, else the
	// downstream peer without its port.
	{
		name:        "istio",
		spec:        `[$time_iso8601] "$request" $status0 $response_flags $response_code_details $connection_termination_details "$upstream_transport_failure_reason" $bytes_in $body_bytes_sent $duration_ms $upstream_ms "$http_x_forwarded_for" "$http_user_agent" "$request_id" "$host" "$upstream_host" $upstream_cluster $upstream_local_address $downstream_local_address $peer $requested_server_name $route_name`,
		description: `Istio's default proxy access log: Envoy's with the response code details, the upstream cluster and the addresses; the client is X-Forwarded-For, else the downstream peer`,
		example:     `[2026-03-01T10:00:00.123Z] "GET /api/orders HTTP/1.1" 200 - via_upstream - "-" 0 512 13 11 "-" "curl/8.5.0" "4d1c6bd5-a3e1-4a7f-9d2b-1c0e8f7a6b5c" "orders:8080" "10.244.1.7:8080" outbound|8080||orders.shop.svc.cluster.local 10.244.1.5:41234 10.96.12.7:8080 10.244.1.5:52110 - default`,
		tcp:         true,
	},
	// Istio before 1.9 (EnvoyTextLogFormat in istio/istio
	// pilot/pkg/networking/core/v1alpha3/listener.go at tag 1.7.0, commit
	// 2022348138e47498c4b54995b4cb5a1656817c4e, file commit c62cd455;
	// the same from 1.3, which added %ROUTE_NAME%): Mixer's policy status,
	// quoted, after the flags, then the transport failure reason, and no
	// response code or termination details.
	{
		name:        "istio_1_3",
		spec:        `[$time_iso8601] "$request" $status0 $response_flags "$istio_policy_status" "$upstream_transport_failure_reason" $bytes_in $body_bytes_sent $duration_ms $upstream_ms "$http_x_forwarded_for" "$http_user_agent" "$request_id" "$host" "$upstream_host" $upstream_cluster $upstream_local_address $downstream_local_address $peer $requested_server_name $route_name`,
		description: `Istio 1.3 to 1.7 default proxy access log: Envoy's with Mixer's policy status and the transport failure reason after the flags, the upstream cluster and the addresses; the client is X-Forwarded-For, else the downstream peer`,
		example:     `[2026-03-01T10:00:00.123Z] "GET /api/orders HTTP/1.1" 200 - "-" "-" 0 512 13 11 "-" "curl/8.5.0" "4d1c6bd5-a3e1-4a7f-9d2b-1c0e8f7a6b5c" "orders:8080" "10.244.1.7:8080" outbound|8080||orders.shop.svc.cluster.local 10.244.1.5:41234 10.96.12.7:8080 10.244.1.5:52110 - default`,
		tcp:         true,
	},
	// Istio 1.8 (and 1.9's control plane for older proxies) dropped
	// Mixer's status (EnvoyTextLogFormat in istio/istio
	// pilot/pkg/networking/core/v1alpha3/accesslog.go at tag 1.8.0, commit
	// c87a4c874df27e37a3e6c25fa3d1ef6279685d23, file commit d48db0f5).
	{
		name:        "istio_1_8",
		spec:        `[$time_iso8601] "$request" $status0 $response_flags "$upstream_transport_failure_reason" $bytes_in $body_bytes_sent $duration_ms $upstream_ms "$http_x_forwarded_for" "$http_user_agent" "$request_id" "$host" "$upstream_host" $upstream_cluster $upstream_local_address $downstream_local_address $peer $requested_server_name $route_name`,
		description: `Istio 1.8 default proxy access log: Envoy's with the transport failure reason after the flags, the upstream cluster and the addresses; the client is X-Forwarded-For, else the downstream peer`,
		example:     `[2026-03-01T10:00:00.123Z] "GET /api/orders HTTP/1.1" 200 - "-" 0 512 13 11 "-" "curl/8.5.0" "4d1c6bd5-a3e1-4a7f-9d2b-1c0e8f7a6b5c" "orders:8080" "10.244.1.7:8080" outbound|8080||orders.shop.svc.cluster.local 10.244.1.5:41234 10.96.12.7:8080 10.244.1.5:52110 - default`,
		tcp:         true,
	},
	{
		name:        "envoy",
		spec:        `[$time_iso8601] "$request" $status0 $response_flags $bytes_in $body_bytes_sent $duration_ms $upstream_ms "$http_x_forwarded_for" "$http_user_agent" "$request_id" "$host" "$upstream_host"`,
		description: `Envoy's default access log format (status 0: no response sent)`,
		example:     `[2026-03-01T10:00:00.123Z] "GET /api/orders HTTP/1.1" 200 - 0 512 13 11 "192.0.2.10" "curl/8.5.0" "4d1c6bd5-a3e1-4a7f-9d2b-1c0e8f7a6b5c" "shop.example.com" "10.244.1.7:8080"`,
		tcp:         true,
	},
	{
		name:        "aws_s3",
		spec:        `$bucket_owner $bucket [$time_local] $remote_addr $remote_user $request_id $operation $key "$request" $status $error_code $body_bytes_sent $object_size $duration_ms $upstream_ms "$http_referer" "$http_user_agent"$rest`,
		description: `Amazon S3 server access log: total_time as duration, turn_around_time as upstream, later fields ignored`,
		example:     `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /awsexamplebucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1`,
	},
	{
		name:        "vcombined",
		spec:        `$host:$server_port $remote_addr $ident_user[$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`,
		description: `Apache vhost_combined (Debian's default): %v:%p, then combined`,
		example:     `shop.example.com:443 192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"`,
	},
	// vcombined_noport's %l is strict ("-"), or a combined line would
	// read as one: its client as the host and its ident as the client.
	{
		name:        "vcombined_noport",
		spec:        `$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`,
		description: `Apache combined with the virtual host first and no port: %v %h %l %u %t ... (%l must be "-")`,
		example:     `shop.example.com 192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"`,
	},
}

// builtinFormats are the compiled builtins, in the same order.
var builtinFormats = func() []*Format {
	fs := make([]*Format, len(builtins))
	for i, b := range builtins {
		f, err := compileVars(b.spec, b.name, builtinVar)
		if err != nil {
			panic("BUG: built-in format " + b.name + ": " + err.Error())
		}
		f.tcp = b.tcp
		fs[i] = f
	}
	return fs
}()

// Info describes a named format for listings: its name, a sentence and
// an example line.
type Info struct {
	Name, Description, Example string
}

// Formats lists the named formats, the lenient ones last, each with an
// example line that it parses.
func Formats() []Info {
	infos := make([]Info, 0, len(builtins)+3)
	for _, b := range builtins {
		infos = append(infos, Info{b.name, b.description, b.example})
	}
	return append(infos,
		Info{"combined", `NCSA combined (nginx, Apache), lenient: extra quoted fields, a trailing duration (given --format combined, a decimal is seconds, an integer ms; detected, decimals are seconds only written as nginx's $request_time, "0.012", on every line, and integers ms only when their values rule out a counter and a byte count; else ignored unless --duration-unit names the unit)`,
			`192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"`},
		Info{"combined_rt", `combined ending in nginx's $request_time, in seconds`,
			`192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0" 0.012`},
		Info{"common", `NCSA common log format, lenient as combined`,
			`192.0.2.10 - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512`},
	)
}
