// Package awslb parses the access logs of AWS Elastic Load Balancing into
// [parsers.Record]s without allocating: Application Load Balancer logs
// ([ALB]) and Classic Load Balancer logs ([ELB]).
//
// # Formats
//
// ALB, as documented at
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html:
//
//	type time elb client:port target:port request_processing_time
//	target_processing_time response_processing_time elb_status_code
//	target_status_code received_bytes sent_bytes "request" "user_agent"
//	ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
//	"chosen_cert_arn" matched_rule_priority request_creation_time
//	"actions_executed" "redirect_url" "error_reason" "target:port_list"
//	"target_status_code_list" "classification" "classification_reason"
//	conn_trace_id ...
//
// type is http, https, h2, grpcs, ws or wss. The parser reads the fields up
// to the user agent and, as AWS asks of readers, ignores any that follow,
// so that fields AWS adds later do not break it; a quote left open there
// still rejects the line.
//
// ELB (classic), documented at
// https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html:
//
//	time elb client:port backend:port request_processing_time
//	backend_processing_time response_processing_time elb_status_code
//	backend_status_code received_bytes sent_bytes "request" "user_agent"
//	ssl_cipher ssl_protocol
//
// The user agent and what follows it may be missing (old logs, TCP
// listeners).
//
// AWS quotes only the request, the user agent and the later string fields
// (trace_id and on): every field before the request is written bare, so a
// line where one of them is quoted ("0" for sent_bytes, "http" for the
// type) is rejected with ReasonQuoted rather than read through the quotes.
// Fields are separated by spaces only; any other byte, a newline or a
// control byte included, is part of a field as written.
//
// # Mapping to Record
//
//   - Time: the time field (when the load balancer got the request... for
//     an ALB, the time it sent the response; AWS's own definitions).
//   - Client: client:port without the port (the part before the last ':',
//     brackets of an IPv6 address removed).
//   - Method, Proto: from the request line; Target: the path and query of
//     the request URL, and Host its host:port. A TCP or TLS listener's
//     request "- - - " leaves all of them nil.
//   - Status: elb_status_code; UpstreamStatus: target (backend) status
//     code; "-" is 0.
//   - Bytes: sent_bytes.
//   - Duration: request_processing_time + target_processing_time +
//     response_processing_time, seconds to microseconds; -1 (absent) when
//     any of them is -1, which AWS writes when the request never reached a
//     target or the target closed the connection.
//   - Upstream: target_processing_time, -1 when AWS writes -1.
//   - UserAgent: the user agent, nil for "-".
//
// # Concurrency and cost
//
// A [Parser] is not safe for concurrent use: each goroutine needs its own.
// Parse allocates nothing, for valid and invalid lines alike; Record
// fields alias the line. Errors are *[parsers.SyntaxError] values owned by
// the parser, valid until the next Parse, with one of the Reason
// constants.
package awslb
