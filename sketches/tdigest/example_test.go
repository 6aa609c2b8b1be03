package tdigest_test

import (
	"fmt"

	"github.com/vigil-ops/vigil/sketches/tdigest"
)

func ExampleDigest() {
	// Two workers, each with its own digest of latencies in microseconds.
	a, b := tdigest.New(0), tdigest.New(0)
	for i := range int64(1000) {
		a.Add(1000 * (i%100 + 1)) // 1 ms to 100 ms
		b.Add(1000 * (i%10 + 1))  // 1 ms to 10 ms
	}
	a.Merge(b)
	fmt.Println(a.Count(), a.Min(), a.Max(), a.Mean())
	fmt.Println(a.Quantile(0.5), a.Quantile(0.99))
	// Output:
	// 2000 1000 100000 28000
	// 10000 98000
}
