package metricline

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkAppend writes a long-query line, against encoding/json
// writing the same object.
func BenchmarkAppend(b *testing.B) {
	ts := time.Date(2026, 3, 1, 10, 0, 0, 500, time.UTC)
	query := "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = $1\n\tAND o.created_at > now() - interval '30 days'"
	line := Append(nil, ts, "pg_long_query_seconds", 312.5, "host", "db-1:5432", "pid", "4242", "query", query)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(line)))
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			buf = Append(buf[:0], ts, "pg_long_query_seconds", 312.5, "host", "db-1:5432", "pid", "4242", "query", query)
			if len(buf) != len(line) {
				b.Fatalf("unexpected line length %d; want %d", len(buf), len(line))
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(line)))
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		v := struct {
			TS     time.Time         `json:"ts"`
			Name   string            `json:"name"`
			Value  float64           `json:"value"`
			Labels map[string]string `json:"labels"`
		}{ts, "pg_long_query_seconds", 312.5, map[string]string{"host": "db-1:5432", "pid": "4242", "query": query}}
		for b.Loop() {
			buf.Reset()
			if err := enc.Encode(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
