package parsers_test

import (
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
)

// BenchmarkParseTime: ParseEpoch and ParseCLFTime on valid and invalid
// values, and time.Parse of the CLF layout as a baseline.
//
//	go test -run '^$' -bench ParseTime -count 6 ./parsers | benchstat -
func BenchmarkParseTime(b *testing.B) {
	run := func(name string, in string, parse func([]byte) (int64, bool), wantOK bool) {
		b.Run(name, func(b *testing.B) {
			v := []byte(in)
			b.ReportAllocs()
			b.SetBytes(int64(len(v)))
			for b.Loop() {
				if _, ok := parse(v); ok != wantOK {
					b.Fatalf("unexpected result for %q; got %v", in, ok)
				}
			}
		})
	}
	run("epoch_seconds", "1716723772.6014807", parsers.ParseEpoch, true)
	run("epoch_millis", "1716723772601", parsers.ParseEpoch, true)
	run("epoch_invalid", "1716723772Z", parsers.ParseEpoch, false)
	run("clf", "01/Mar/2026:10:00:11 +0000", parsers.ParseCLFTime, true)
	run("clf_invalid", "01/Mar/2026:10:00:11+0000", parsers.ParseCLFTime, false)
	run("clf_time.Parse", "01/Mar/2026:10:00:11 +0000", func(v []byte) (int64, bool) {
		t, err := time.Parse("02/Jan/2006:15:04:05 -0700", string(v))
		return t.UnixNano(), err == nil
	}, true)
}
