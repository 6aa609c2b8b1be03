package parsers

import (
	"math"
	"strconv"
)

// Kind tells what a [Record] describes.
type Kind uint8

const (
	// KindHTTP is one HTTP request: an access-log line or a JSON access entry.
	KindHTTP Kind = iota
	// KindApp is an application log line: it has a level and a message but
	// no HTTP fields (no status, method or path).
	KindApp
	// KindTCP is a connection a proxy forwarded as plain TCP, not an HTTP
	// request: Envoy's and Istio's access logs write one line per TCP
	// proxy connection, with the request "- - -" and status 0. Method,
	// Target and Proto are nil and ZeroStatus is false; Duration is the
	// connection's whole life (minutes for a database connection), Bytes
	// what it sent.
	KindTCP
)

// Record is one parsed log line.
//
// Every []byte field is a sub-slice of the line given to the parser (or of
// the parser's own scratch buffer) and is valid only until the parser's next
// Parse call. Anything kept longer must be copied by the caller. Fields that
// are absent or "-" in the line are nil (byte slices), NoTime (Time), 0 (Status) or
// -1 (Bytes, Duration, Upstream).
type Record struct {
	Kind Kind
	// Time is the event time in Unix nanoseconds, UTC; NoTime when the
	// line has none (0 is a time: the Unix epoch).
	Time int64
	// Client is the client address as logged: IPv4, IPv6 or a host name.
	Client []byte
	// User is the authenticated user or user id.
	User []byte
	// Method is the HTTP method, e.g. "GET".
	Method []byte
	// Target is the request target as logged, query string included.
	Target []byte
	// Proto is the protocol, e.g. "HTTP/1.1"; nil for HTTP/0.9 requests.
	Proto []byte
	// Status is the HTTP status code, 0 when absent.
	Status int
	// Bytes is the response body size in bytes, -1 when absent.
	Bytes int64
	// Duration is the request duration in microseconds, -1 when absent.
	Duration int64
	// Referer and UserAgent are the raw header values, escapes untouched.
	Referer   []byte
	UserAgent []byte
	// Level and Message are set by application-log parsers.
	Level   []byte
	Message []byte
	// Host is the requested host, where the format logs it: the ALB's
	// request URL, vcombined's %v, Traefik's RequestHost.
	Host []byte
	// Upstream is the time spent waiting for the backend, in microseconds,
	// -1 when absent: ALB target_processing_time, ELB
	// backend_processing_time, ingress-nginx $upstream_response_time,
	// Envoy's x-envoy-upstream-service-time, HAProxy Tr, Heroku service.
	// It is part of Duration, not added to it.
	Upstream int64
	// UpstreamStatus is the status code the backend returned, 0 when
	// absent: ALB target_status_code, ingress-nginx $upstream_status.
	UpstreamStatus int
	// ZeroStatus is true when the line logs the status as 0, which Caddy
	// and Traefik write when no response was sent (the client went away):
	// the request has the status 0, which a report shows as "0", rather
	// than no status ("-"). Status is then 0 and Kind is KindHTTP.
	ZeroStatus bool
	// TailUnread is true when the line ends in a number that the parser
	// checked but did not read as a duration, its unit being unknown: an
	// access log's trailing number (accesslog.Format.UnreadNote). Duration
	// is then not set from it.
	TailUnread bool
}

// Reset sets r to the empty record: every field absent.
func (r *Record) Reset() {
	*r = Record{Time: NoTime, Bytes: -1, Duration: -1, Upstream: -1}
}

// NoTime is Record.Time of a line without a time. It is not 0: a line at
// exactly the Unix epoch has a time.
const NoTime = math.MinInt64

// SyntaxError reports why a line could not be parsed.
//
// Reason is a short constant phrase ("cannot parse status") suitable as a
// counter label; Pos is the byte offset in the line where parsing stopped.
// Parsers return a pointer to an error they own, valid until their next
// Parse call; callers that keep it must copy the value.
type SyntaxError struct {
	Pos    int
	Reason string
}

func (e *SyntaxError) Error() string {
	return e.Reason + " at byte " + strconv.Itoa(e.Pos)
}
