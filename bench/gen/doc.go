// Command gen writes a deterministic, realistic access log for benchmarks
// and end-to-end tests: the flags map one to one onto
// [github.com/vigil-ops/vigil/bench/loggen.Options], which documents the
// traffic, the formats and the injected incidents.
//
// Usage:
//
//	go run ./bench/gen [-lines N] [-seed S] [-format combined|combined_rt|json]
//		[-start 2026-03-01T00:00:00Z] [-rate R] [-inject] [-labels FILE] [-o FILE]
//
// The log goes to stdout, or to the -o file; with -labels, the labels of
// the injected incidents go to FILE as a JSON array. Example:
//
//	go run ./bench/gen -lines 1000000 -seed 1 -format combined_rt -inject -labels labels.json -o access.log
//
// gen is a single-threaded dev tool; it holds no logic beyond wiring flags.
package main
