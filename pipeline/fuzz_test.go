package pipeline_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// FuzzRun runs arbitrary bytes through the whole engine and every
// renderer: no panic, no hang, and every line accounted for.
func FuzzRun(f *testing.F) {
	for _, seed := range []string{
		`1.2.3.4 - - [01/Mar/2026:00:00:10 +0000] "GET /x HTTP/1.1" 999 10 "-" "curl/8"` + "\n",
		`1.2.3.4 - - [01/Mar/2026:00:00:10 +0000] "GET /api/payments/1 HTTP/1.1" 503 10 "-" "curl/8" 3.2` + "\n" +
			`1.2.3.4 - - [01/Mar/1926:00:00:10 +0000] "POST /login HTTP/1.1" 401 10 "-" "Googlebot/2.1"` + "\n",
		`{"ts":"2026-03-01T00:00:00Z","status":700,"method":"GET","path":"/x","duration_ms":12}` + "\n",
		`{"level":"error","msg":"boom","time":"2026-03-01T00:00:00+0900"}` + "\n",
		"\x1b]0;pwned\x07\n\n\r\n",
		"mem,host=web-1 used_percent=90 1772359200000000000\ncpu,cpu=cpu-total,host=a usage_idle=5 1772359260000000000\n",
		"# TYPE node_cpu_seconds_total counter\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 10 1772359200000\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 5 1772359215000\nnode_memory_MemTotal_bytes 0\n",
		`{"ts": 1772359200, "name": "probe_success", "value": 0, "labels": {"probe": "api", "severity": "P1"}}` + "\n" +
			`{"ts": 1, "name": "pg_long_query_seconds", "value": "NaN", "labels": {"host": "h", "pid": "1"}}` + "\n",
	} {
		f.Add([]byte(seed), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, batch uint8) {
		src := &memSource{name: "fuzz", data: data, n: int(batch%8) + 1}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		res, err := pipeline.Run(ctx, []pipeline.Source{src}, pipeline.Options{Workers: 2})
		var fe *pipeline.FormatError
		if errors.As(err, &fe) {
			return
		}
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		rep := res.Report()
		in := rep.Input
		if in.Lines != in.Parsed+in.Malformed+in.TooLong+in.Filtered+in.Directives+in.Continuations || in.Late > in.Parsed {
			t.Fatalf("unexpected counts: %+v", in)
		}
		for name, write := range map[string]func(io.Writer, *report.Report) error{
			"text": report.WriteText, "json": report.WriteJSON, "html": report.WriteHTML, "notification": report.WriteNotification,
		} {
			if err := write(io.Discard, rep); err != nil {
				t.Fatalf("cannot render %s: %v", name, err)
			}
		}
	})
}
