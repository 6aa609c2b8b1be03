package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/pgmon"
)

// pgUsage is --pg's help.
const pgUsage = "PostgreSQL DSN: one read-only snapshot of the server's health (connections, long queries, pg_stat_statements) as one more input, named postgres://host:port (docs/monitor.md)"

// checkPG reports flags that cannot go with --pg, and a DSN that does
// not parse.
func checkPG(c *config) error {
	switch {
	case c.pgDSN == "":
		return nil
	case c.follow:
		return errors.New("cannot follow PostgreSQL: --pg takes one snapshot; ingest --pg-monitor polls it")
	case c.opts.Format != "" || c.opts.LogFormat != "":
		return errors.New("cannot read --pg's samples as --format or --log-format: leave the formats detected per input with --pg")
	case len(c.paths) == 0 && isDuration(c.since):
		return fmt.Errorf("cannot apply --since %s to --pg alone: a duration counts back from the end of the files, and a snapshot is now; give --since a time (RFC 3339), or files", c.since)
	}
	_, err := newPGSource(c.pgDSN, 0) // the DSN's errors are usage errors
	return err
}

// isDuration reports whether --since's value s is a duration ("1h"), not
// a time.
func isDuration(s string) bool {
	_, err := time.ParseDuration(s)
	return err == nil
}

// inputs opens the inputs of c: its files (standard input when there
// are none, unless --pg is the only input), then the --pg snapshot.
func (c *config) inputs(stdin io.Reader) ([]pipeline.Source, error) {
	var sources []pipeline.Source
	if len(c.paths) > 0 || c.pgDSN == "" {
		var err error
		if sources, err = openSources(c.paths, stdin, c.follow, c.idle); err != nil {
			return nil, err
		}
	}
	if c.pgDSN != "" {
		// Long queries from the rule's threshold, when it is below the
		// monitor's floor.
		s, err := newPGSource(c.pgDSN, pgmon.LongQueryFloor(c.opts.Rules.Metrics.LongQuery.Threshold))
		if err != nil {
			return nil, err
		}
		sources = append(sources, s)
	}
	return sources, nil
}

// pgSource is a PostgreSQL snapshot as an input: one batch of metric
// lines (pipeline/pgmon).
type pgSource struct {
	m *pgmon.Monitor

	mu       sync.Mutex // guards bytes and warnings, read by Info
	bytes    uint64
	warnings []string
}

// newPGSource returns the input of the server of dsn, with the queries
// running for longQuery or longer (0: pgmon's default); it connects when
// read.
func newPGSource(dsn string, longQuery time.Duration) (*pgSource, error) {
	s := &pgSource{}
	m, err := pgmon.New(pgmon.Options{DSN: dsn, LongQuery: longQuery, Notef: s.warn})
	if err != nil {
		return nil, fmt.Errorf("cannot use --pg: %w", err)
	}
	s.m = m
	return s, nil
}

func (s *pgSource) warn(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

// Read takes the snapshot and emits its lines as one batch.
func (s *pgSource) Read(ctx context.Context, emit func(pipeline.Batch) error) error {
	defer s.m.Close()
	lines, err := s.m.Snapshot(ctx, nil)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.bytes = uint64(len(lines))
	s.mu.Unlock()
	return emit(pipeline.Batch{Data: lines, Line: 1, RawBytes: int64(len(lines)), Offset: int64(len(lines))})
}

func (s *pgSource) Info() pipeline.SourceInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return pipeline.SourceInfo{Name: s.m.Name(), Compression: "none", Bytes: s.bytes, Warnings: append([]string(nil), s.warnings...)}
}
