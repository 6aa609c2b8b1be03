// Package uniq counts distinct keys, such as client IPs or user agents:
// exactly while there are few, then approximately in fixed memory. Counters
// fed disjoint parts of a stream merge into exactly the Counter that one
// fed the whole stream would be.
//
// # Algorithm
//
// A [Counter] keeps the 64-bit hashes of the keys in an open-addressing set
// and counts them exactly, up to 3072 distinct keys (a 32 KiB set). The next
// new key turns it into a HyperLogLog of precision 14: 16,384 one-byte
// registers (16 KiB), standard error 1.04/√16384 ≈ 0.81 %. New(true) keeps
// the set forever instead, at 11 to 21 bytes per distinct key.
//
// The count of a HyperLogLog comes from the improved estimator of Ertl,
// "New cardinality estimation algorithms for HyperLogLog sketches" (2017),
// https://arxiv.org/abs/1702.01284, Algorithm 6, which is unbiased from
// small to very large cardinalities without the empirical bias tables or
// the linear-counting switch of the original HyperLogLog.
//
// Merging is exact: the union of two sets, or the register-wise maximum of
// two HyperLogLogs, is the state that one Counter fed both streams holds.
//
// # Hash
//
// Keys are hashed with XXH64 (seed 0, package [github.com/vigil-ops/vigil/sketches/xxhash]), written from the xxHash
// specification and checked against its reference values. The hash must
// be fixed and seedless, so that counts are the same in every run and
// Counters built by different workers or processes merge; hash/maphash is
// seeded at random per process, so it cannot be used. XXH64 passes
// SMHasher, which HyperLogLog needs because it reads the hash bits as
// uniformly random, and it reads 8 bytes at a time: 10–14 ns for an IP
// address and 20–45 ns for a 115-byte user agent on a shared two-core
// machine, where FNV-1a would spend a dependent multiplication on every
// byte.
//
// # Error
//
// Measured over 20 disjoint sets of IP-like keys each: at 10,000,
// 100,000 and 1,000,000 distinct keys the root-mean-square relative error
// was 0.63 %, 0.62 % and 0.83 %, the worst 1.2 %, 1.2 % and 1.5 %. Exact
// counts can only be wrong through a 64-bit hash collision, with
// probability about n²/2⁶⁵ for n keys (3·10⁻⁸ for a million).
//
// # Concurrency
//
// A Counter is not safe for concurrent use. Give each worker its own and
// merge them when the workers are done.
//
// # Usage
//
//	c := uniq.New(false)
//	for _, line := range lines {
//		c.Add(line.ClientIP)
//	}
//	total := uniq.New(false)
//	total.Merge(c)
//	fmt.Println(total.Count(), total.Exact())
package uniq
