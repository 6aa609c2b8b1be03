// Command ingest is the Go half of the ingest benchmark (bench/ingest/run
// is the other): it measures a consumer from outside, with timestamps
// that the script turns into messages per second.
//
//	go run ./bench/ingest bare --brokers B --topic logs --group G --n N
//
// is the baseline: a bare github.com/segmentio/kafka-go consumer-group
// reader (kafka.Reader with GroupID, the library ingest's kafkasrc is
// built on, default fetch settings, offsets committed every second)
// that reads N messages and discards them.
//
//	go run ./bench/ingest wait --pg DSN --group G --n N --metrics URL --since T
//
// watches a running bin/ingest: it polls ingest's /metrics
// (vigil_ingest_lines_consumed_total) and PostgreSQL
// (sum(lines) of vigil.partitions, which a flush writes in the same
// transaction as the offsets and windows) every --poll until N lines
// are stored.
//
// Both print one line of key=value pairs, times in seconds since their
// start (bare) or since --since, a Unix time in seconds (wait): first
// (the first message), p10 and p90 (10 % and 90 % of N), end (every
// message read; for wait, every line counted) and, for wait, stored
// (every line in PostgreSQL). bare adds its own CPU seconds and peak
// RSS.
//
// Concurrency: one goroutine; kafka-go's reader fetches the partitions
// on goroutines of its own.
package main
