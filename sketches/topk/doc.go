// Package topk finds the most frequent keys of a stream, such as the
// client IPs or user agents with the most requests or bytes, exactly or in
// bounded memory. Summaries fed disjoint parts of a stream merge into one
// with the guarantees of a summary of the whole stream.
//
// # Algorithm
//
// A [TopK] made with a capacity k is a Space-Saving summary (Metwally,
// Agrawal and El Abbadi, "Efficient Computation of Frequent and Top-k
// Elements in Data Streams", ICDT 2005,
// https://doi.org/10.1007/978-3-540-30570-5_27): k counters, a map from key
// to counter and a min-heap of counters by count. A monitored key's counter
// grows in place; an unmonitored key takes over the counter with the least
// count c, starting at c plus its weight, with error c. For a stream of
// total weight N:
//
//   - every reported count over-estimates the true count by at most its
//     Err, and Err is at most N/k;
//   - every key whose true count exceeds N/k is monitored.
//
// Merge follows Agarwal et al., "Mergeable Summaries" (PODS 2012,
// https://doi.org/10.1145/2213556.2213562): see [TopK.Merge]. Both
// guarantees hold for the merged summary with N the total of all parts.
//
// A TopK made with capacity 0 is exact: a map of every key to its count.
//
// # Cost and memory
//
// Add of a monitored key is one map lookup with a string(b) key, which
// does not allocate, and an O(log k) heap fix-up that is usually O(1)
// because frequent keys sit at the bottom of the heap. Add of a new key
// copies the key into a string; in bounded mode it then also deletes the
// evicted key from the map. A bounded TopK holds at most k keys: about
// 100 bytes per counter plus the key bytes. An exact TopK grows with the
// number of distinct keys.
//
// # Determinism
//
// The same sequence of Add and Merge calls gives the same summary:
// nothing depends on map iteration order, evictions break ties by heap
// position, and [TopK.AppendTop] orders by count, then key.
//
// # Concurrency
//
// A TopK is not safe for concurrent use. Give each worker its own and
// merge them when the workers are done.
//
// # Usage
//
//	ips := topk.New(1024)
//	for _, line := range lines {
//		ips.Add(line.ClientIP, 1) // copied only if it starts being monitored
//	}
//	total := topk.New(1024)
//	total.Merge(ips)
//	for _, it := range total.AppendTop(nil, 10) {
//		fmt.Println(it.Key, it.Count, it.Err)
//	}
package topk
