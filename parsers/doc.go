// Package parsers defines [Record], the parsed form of one log line, and
// the error type the format parsers in its subpackages return.
//
// The format parsers live in subpackages: [github.com/vigil-ops/vigil/parsers/accesslog]
// (NCSA common/combined, nginx and Apache formats, and the built-in formats
// of Traefik CLF, ingress-nginx, Envoy, S3 and Apache vcombined),
// [github.com/vigil-ops/vigil/parsers/jsonlog] (JSON application and access
// logs), [github.com/vigil-ops/vigil/parsers/logfmt] (key=value lines),
// [github.com/vigil-ops/vigil/parsers/awslb] (AWS ALB and classic ELB),
// [github.com/vigil-ops/vigil/parsers/w3c] (IIS and CloudFront, stateful:
// see [ErrDirective]), [github.com/vigil-ops/vigil/parsers/haproxy] and
// [github.com/vigil-ops/vigil/parsers/applog] (plain-text application
// logs; stack-trace lines are [ErrContinuation]).
// This package holds what they share: the unit table ([ParseUnit]), the
// roles a --field mapping names ([Role], [FieldSpec]), field scanning, numbers, ISO 8601 times and Go durations. Helpers that
// interpret fields of a record live beside them:
// [github.com/vigil-ops/vigil/parsers/endpoint] and
// [github.com/vigil-ops/vigil/parsers/useragent].
//
// Parsers know nothing of the pipeline, of sketches or of any I/O: they take
// one line as []byte and fill a Record whose byte-slice fields alias that
// line. A parser is a reusable struct owned by one goroutine; it allocates
// nothing per line in steady state.
package parsers
