package w3c

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// BenchmarkParse: IIS lines, CloudFront lines (AWS's example: every user
// agent percent-decoded), an invalid line, and strings.Fields as a
// baseline for splitting.
//
//	go test -run '^$' -bench . -count 6 ./parsers/w3c | benchstat -
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"logfile_w3c_big.0", "gen_cloudfront.log", "aws_doc_cloudfront.log"} {
		var fields []byte
		var data [][]byte
		for _, l := range parsertest.ReadLines(b, name) {
			switch {
			case bytes.HasPrefix(l, []byte("#Fields:")) && fields == nil:
				fields = l
			case len(l) > 0 && l[0] != '#':
				data = append(data, l)
			}
		}
		b.Run(name, func(b *testing.B) {
			p := NewParser(Options{Fields: string(fields)})
			var r parsers.Record
			b.ReportAllocs()
			b.SetBytes(int64(len(data[0])))
			i := 0
			for b.Loop() {
				if err := p.Parse(data[i%len(data)], &r); err != nil || r.Status == 0 {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(name+"_invalid", func(b *testing.B) {
			line := data[0][:len(data[0])/2]
			parsertest.BenchParse(b, NewParser(Options{Fields: string(fields)}), [][]byte{line}, true, nil)
		})
		b.Run(name+"_strings_fields", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data[0])))
			i := 0
			for b.Loop() {
				if len(strings.Fields(string(data[i%len(data)]))) == 0 {
					b.Fatal("empty")
				}
				i++
			}
		})
	}
}
