// Package tdigest estimates quantiles of int64 samples, such as request
// latencies in microseconds, in bounded memory, with exact Count, Mean, Min
// and Max beside the estimate. Digests fed disjoint parts of a stream merge
// into one that answers like a digest fed the whole stream.
//
// # Algorithm
//
// A [Digest] is a merging t-digest (Dunning and Ertl, "Computing Extremely
// Accurate Quantiles Using t-Digests", 2019, https://arxiv.org/abs/1902.04023)
// with the k1 scale function, in front of which sits a pre-aggregation table:
// Add counts the sample in an open-addressing hash table of (value, count)
// pairs, which grows from 16 to 1024 slots and is compressed into the
// centroids when 768 distinct values are pending and before every read.
// Latencies from logs are quantized (milliseconds written as microseconds)
// and repeat, so most samples cost one table increment.
//
// Each centroid also keeps the range of its samples and, while they take at
// most two distinct values, how many equal the lower one. Such a centroid is
// exact, and Quantile answers from it without interpolation: quantized
// latencies, whose neighbouring values near the median differ by 2 % or
// more, come back as one of the values actually seen. Merge hands the exact
// centroids of the other digest to the pre-aggregation table like added
// samples, so merging loses nothing that a single digest would keep.
//
// This package does not build on github.com/influxdata/tdigest, which the
// design card named. That digest interpolates between centroid means even
// where a centroid holds a single repeated value, so on quantized latencies
// most of its percentiles fall between two observed steps, and it exposes
// no per-centroid range that a caller could use to correct this. Its
// accuracy is otherwise of the same order (better in places at its default
// compression 1000, with two to six times more centroids), and its Quantile
// is faster; ours adds about ten times faster Add on repeated values and
// answers that are values actually seen. The measurements follow.
//
// The evidence is kept in baseline_test.go and baseline_timing_test.go,
// which run both digests on the same inputs against the version of
// github.com/influxdata/tdigest pinned in go.mod, the one whose Merge keeps
// every sample (the tests check its Count after merging eight digests). On
// 200,000 log-normal latencies (50 ms median, σ = 1) in 1 ms steps at the
// same compression (400), its p50 lies strictly between two observed steps,
// alone and merged from eight parts, and 76 and 86 of its percentiles p1 to
// p99 are not whole milliseconds, against 16 and 9 of ours. At its own
// default compression (1000) its p50 on that input is exact, but 46 and 57
// of its percentiles are still off-step. Its errors against the
// nearest-rank sample are otherwise of the same order as ours; the tests
// log both, and BenchmarkAddBaseline (beside BenchmarkAdd) and BenchmarkQuantileBaseline compare
// their cost.
//
// # Quantile definition and error
//
// [Digest.Quantile] estimates the nearest-rank quantile: the sample of rank
// ⌈q·n⌉ in sorted order. Measured at the default compression (400) over 20
// seeds of 200,000 samples each, for one digest and for eight merged digests
// fed interleaved runs of 1000 samples, the worst relative errors were:
//
//	distribution                             p50     p90     p95     p99     p99.9
//	log-normal 50 ms, σ=1, 1 ms steps        0.00 %  0.25 %  0.24 %  0.26 %  1.2 %
//	log-normal 10 ms, σ=0.5, 1 ms steps      0.00 %  0.00 %  0.00 %  0.00 %  1.8 %
//	log-normal 50 ms, σ=1, in µs             0.06 %  0.10 %  0.19 %  0.22 %  1.1 %
//	log-normal 50 ms, σ=0.5, in µs           0.04 %  0.05 %  0.06 %  0.10 %  0.5 %
//	bimodal 5 ms / 800 ms (80/20), σ=0.5     0.06 %  0.08 %  0.11 %  0.14 %  0.5 %
//	uniform 1 ms – 1 s                       0.03 %  0.01 %  0.01 %  0.01 %  0.00 %
//
// Where quantized values are about 1 % apart (1 ms steps near 100 ms) and a
// centroid holds more than two of them, the estimate falls between steps and
// can be off by half a step: a 10 ms median with σ=1 in 1 ms steps reached
// 0.63 % at p99 (and 1.4 % at p99.9). At compression 300 the worst p99.9
// above rose to 2.0 %; at compression 100 p50 to p99 stayed within 1.4 % and
// p99.9 up to 8 %.
//
// # Memory
//
// An empty digest is one 112-byte struct. While samples are being added it
// also holds the pre-aggregation table, 16 bytes per slot (256 bytes to
// 16 KiB); reads (Quantile, or being the source of Merge) drop it. Centroids
// take 40 bytes each, at most about 1.3·δ of them (20 KiB at δ = 400,
// 5 KiB at δ = 100) and seldom more than the number of distinct values, so
// a digest per minute or per endpoint of quantized latencies stays small
// (the log-normal 50 ms, σ=1, in 1 ms steps above needed at most 261).
// Compressing needs scratch buffers, which are recycled through a
// [sync.Pool] shared by all digests.
//
// # Concurrency
//
// A Digest is not safe for concurrent use. Give each worker its own and
// merge them when the workers are done.
//
// # Usage
//
//	d := tdigest.New(0) // default compression
//	for _, us := range latencies {
//		d.Add(us)
//	}
//	p99 := d.Quantile(0.99)
//
//	total := tdigest.New(0)
//	for _, w := range workers {
//		total.Merge(w.digest)
//	}
package tdigest
