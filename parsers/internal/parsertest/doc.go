// Package parsertest holds what the tests of the format parsers in
// parsers/<format> share: reading the corpora of the top-level testdata,
// comparing a parsed record with the one a reference implementation gives,
// and what those references share: exact decimal arithmetic and a reading
// of ISO 8601 times.
//
// Only _test.go files import it. Its functions are safe for concurrent use;
// they are slow (math/big, reflect) and allocate, as references may.
package parsertest
