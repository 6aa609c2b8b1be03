package w3c

import (
	"bytes"
	"testing"

	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// FuzzParse feeds a directive and data lines through parser and reference
// in order, comparing every result; it checks that nothing panics.
func FuzzParse(f *testing.F) {
	for _, name := range samples {
		f.Add(bytes.Join(parsertest.ReadLines(f, name), []byte("\n")), false)
	}
	f.Add([]byte("#Fields: time\tcs(User-Agent)\n10:00:00\tA%2520b%20c%2%25zz%\n"), false)
	f.Add([]byte("#Date: 2026-03-01\n#Fields: time c-ip time-taken TimeTakenMS\n10:00:00.5 \"a b\" 1.5 -\r\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, ms bool) {
		unit := ""
		if ms {
			unit = "ms"
		}
		compare(t, bytes.Split(data, []byte("\n")), unit)
	})
}
