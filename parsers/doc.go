// Package parsers defines [Record], the parsed form of one log line, and
// the error type the format parsers in its subpackages return.
//
// The format parsers live in subpackages: [github.com/vigil-ops/vigil/parsers/accesslog]
// (NCSA common/combined, nginx and Apache formats) and
// [github.com/vigil-ops/vigil/parsers/jsonlog] (JSON application and access
// logs). Helpers that interpret fields of a record live beside them:
// [github.com/vigil-ops/vigil/parsers/endpoint] and
// [github.com/vigil-ops/vigil/parsers/useragent].
//
// Parsers know nothing of the pipeline, of sketches or of any I/O: they take
// one line as []byte and fill a Record whose byte-slice fields alias that
// line. A parser is a reusable struct owned by one goroutine; it allocates
// nothing per line in steady state.
package parsers
