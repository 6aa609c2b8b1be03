// Package quantile is an exact-first quantile sketch over int64 values
// (durations in microseconds): an exact value→count table while the
// distinct values fit a budget, a t-digest beyond it. Access-log durations
// are quantized (whole ms or µs) and repeat, so the exact table holds most
// logs whole and its percentiles are the nearest-rank answer of a sort.
//
// The same multiset of values gives the same sketch whatever the order of
// Add and Merge calls while exact; past the budget the values enter the
// digest in a deterministic order (the exact table sorted, then each merged
// table sorted), so the same sequence of merges gives the same digest.
//
// A Sketch is not safe for concurrent use.
package quantile
