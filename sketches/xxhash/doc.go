// Package xxhash implements XXH64 with seed 0, a fast, seedless 64-bit
// hash. Sketches that must give the same answer in every run and merge
// across workers (distinct counters, caches in front of heavy-hitter
// summaries) hash with it; hash/maphash would be faster to reach for but
// its seeds are random per process.
//
// Sum64 is a pure function, safe for concurrent use, and allocates nothing.
package xxhash
