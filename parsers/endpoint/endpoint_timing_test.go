package endpoint

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkAppend keys the real request lines of testdata/requests.txt, with
// the regexp reference of the tests as a baseline.
func BenchmarkAppend(b *testing.B) {
	data, err := os.ReadFile("testdata/requests.txt")
	if err != nil {
		b.Fatal(err)
	}
	var methods, targets []string
	for line := range strings.Lines(string(data)) {
		method, target, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		methods = append(methods, method)
		targets = append(targets, target)
	}
	bench := func(b *testing.B, key func(i int) int) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data) / len(targets)))
		i := 0
		for b.Loop() {
			if key(i) == 0 {
				b.Fatalf("unexpected empty key for %q", targets[i])
			}
			i++
			if i == len(targets) {
				i = 0
			}
		}
	}
	b.Run("append", func(b *testing.B) {
		bm, bt := toBytes(methods), toBytes(targets)
		dst := make([]byte, 0, 4096)
		bench(b, func(i int) int {
			dst = Append(dst[:0], bm[i], bt[i])
			return len(dst)
		})
	})
	b.Run("regexp", func(b *testing.B) {
		bench(b, func(i int) int { return len(refKey(methods[i], targets[i])) })
	})
}

func toBytes(ss []string) [][]byte {
	bs := make([][]byte, len(ss))
	for i, s := range ss {
		bs[i] = []byte(s)
	}
	return bs
}
