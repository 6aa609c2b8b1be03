package pgmon

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of the Options fields.
const (
	// DefaultInterval is the time between polls of [Monitor.Run].
	DefaultInterval = 30 * time.Second
	// DefaultLongQuery is the age from which a running query is written
	// (pg_long_query_seconds); the rules decide what is too long.
	DefaultLongQuery = 10 * time.Second
	// DefaultTop is how many long queries, and how many statements, a
	// poll writes at most.
	DefaultTop = 20
	// DefaultStatementTimeout bounds each of a poll's queries.
	DefaultStatementTimeout = 5 * time.Second
)

// LongQueryFloor is the LongQuery that writes every query a rule of
// threshold seconds may want: DefaultLongQuery, or the threshold when it
// is lower and positive.
func LongQueryFloor(threshold float64) time.Duration {
	if threshold <= 0 || threshold >= DefaultLongQuery.Seconds() {
		return DefaultLongQuery
	}
	return time.Duration(threshold * float64(time.Second))
}

// MaxQueryBytes is how much of a query's text a line keeps.
const MaxQueryBytes = 200

// Options configure a Monitor. DSN is required; zero values of the others
// mean their defaults.
type Options struct {
	// DSN is the PostgreSQL connection string of the server to watch
	// (postgres://user@host:5432/db); pg_stat_statements is looked for
	// in its database.
	DSN string
	// Interval is the time between polls of Run. Default:
	// DefaultInterval.
	Interval time.Duration
	// LongQuery is the age from which a query that is not idle is
	// written. Default: DefaultLongQuery.
	LongQuery time.Duration
	// Top caps the long queries and the statements of a poll, each.
	// Default: DefaultTop.
	Top int
	// StatementTimeout bounds each query of a poll (the session's
	// statement_timeout). Default: DefaultStatementTimeout.
	StatementTimeout time.Duration
	// Notef, if set, is told once of what a poll cannot read but does
	// without (no pg_stat_statements).
	Notef func(format string, args ...any)
	// Logf, if set, receives Run's log lines (failed polls).
	Logf func(format string, args ...any)
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.LongQuery <= 0 {
		o.LongQuery = DefaultLongQuery
	}
	if o.Top <= 0 {
		o.Top = DefaultTop
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = DefaultStatementTimeout
	}
	if o.Notef == nil {
		o.Notef = func(string, ...any) {}
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	if o.DSN == "" {
		return errors.New("cannot watch PostgreSQL without a DSN")
	}
	if o.Interval < 0 || o.LongQuery < 0 || o.Top < 0 || o.StatementTimeout < 0 {
		return fmt.Errorf("cannot use a negative interval, long-query age, top or statement timeout")
	}
	return nil
}
