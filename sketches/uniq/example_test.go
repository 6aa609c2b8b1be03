package uniq_test

import (
	"fmt"

	"github.com/vigil-ops/vigil/sketches/uniq"
)

func ExampleCounter() {
	a, b := uniq.New(false), uniq.New(false)
	for _, ip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.1"} {
		a.Add([]byte(ip))
	}
	b.Add([]byte("10.0.0.3"))
	a.Merge(b)
	fmt.Println(a.Count(), a.Exact())
	// Output: 3 true
}
