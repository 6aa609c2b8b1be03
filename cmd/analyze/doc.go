// Command analyze reads access or JSON logs (plain, gzip or zstd; files or
// standard input) and prints one report: latency percentiles, status mix,
// endpoints, heavy-hitter IPs, user agents, a timeline and incidents.
//
// Usage:
//
//	analyze [flags] [FILE...]
//
// Exit status: 0 on success, 1 when no line could be parsed or an input
// cannot be read, 2 on bad usage, 130 when interrupted (Ctrl-C).
//
// main.go only wires flags to pipeline.Options and the report writers;
// progress.go draws the progress line on terminals. Reports go to stdout,
// messages and the progress line to stderr.
package main
