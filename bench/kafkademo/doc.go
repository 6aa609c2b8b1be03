// Command kafkademo is a dev tool: an in-process Kafka broker
// (github.com/twmb/franz-go/pkg/kfake, a real wire-protocol broker that
// keeps everything in memory) holding a topic filled with a generated
// access log, for trying `ingest` and benchmarking it without a Kafka
// installation. It is never imported: kfake stays out of cmd/ and
// pipeline/ production code.
//
// It starts one broker on --listen with --topic of --partitions
// partitions, prints the broker's address as the first line of standard
// output, then generates a combined_rt log with injected incidents
// ([github.com/vigil-ops/vigil/bench/loggen], --lines, --rate, --seed)
// and produces it line by line, one message per line without its
// newline, round robin over the partitions (as producers that do not key
// by client do), at --speed lines per second (0: as fast as the broker
// takes them). When every message is acknowledged it says so on standard
// error ("kafkademo: produced N lines …") and keeps serving until
// SIGINT or SIGTERM. The defaults give the 5-hour log with 5 incidents
// that the ingest tests use.
//
// Usage:
//
//	go run ./bench/kafkademo [--listen 127.0.0.1:9092] [--topic logs] [--partitions 4]
//		[--lines 150000] [--rate 8] [--seed 7] [--speed 0] [--compression none]
//
// Example, with ingest reading it (make demo-stream does this and more):
//
//	go run ./bench/kafkademo --speed 20000 &
//	bin/ingest --brokers 127.0.0.1:9092 --topic logs --pg postgres://postgres@127.0.0.1:5432/vigil_demo
//
// Memory: the broker keeps every message, about 250 bytes a line plus
// its record overhead; the generator streams, so the log is never held
// whole besides. Concurrency: loggen writes on the main goroutine, which
// produces; kgo sends and kfake serves on goroutines of their own.
package main
