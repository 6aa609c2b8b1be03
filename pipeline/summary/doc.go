// Package summary holds the whole-run totals of analyze: requests by
// status, latency percentiles overall and per endpoint, the heavy-hitter
// lists (client IPs, auth-failure IPs, users, user agents), distinct
// clients, the time range, and the timeline of small rows built from the
// closed windows.
//
// Every table is exact while it fits its budget (Options) and turns into a
// bounded summary beyond it, which the report marks as not exact. The
// engine counts each chunk of lines into a Summary of its own and merges
// the chunks into the run's Summary in input order, so the result does not
// depend on the number of workers: exact tables are order-independent,
// and the bounded ones see the same sequence of merges.
//
// Concurrency: a Summary is not safe for concurrent use.
package summary
