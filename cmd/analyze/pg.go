package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/pgmon"
)

// pgUsage is --pg's help.
const pgUsage = "PostgreSQL DSN: one read-only snapshot of the server's health (connections, long queries, pg_stat_statements) as one more input, named postgres://host:port (docs/monitor.md)"

// checkPG reports flags that cannot go with --pg, and sets c.pg.
func checkPG(c *config) error {
	switch {
	case c.pgDSN == "":
		return nil
	case c.follow:
		return errors.New("cannot follow PostgreSQL: --pg takes one snapshot; ingest --pg-monitor polls it")
	case c.opts.Format != "" || c.opts.LogFormat != "":
		return errors.New("cannot read --pg's samples as --format or --log-format: leave the formats detected per input with --pg")
	}
	var err error
	c.pg, err = newPGSource(c.pgDSN)
	return err
}

// inputs opens the inputs of c: its files (standard input when there
// are none, unless --pg is the only input), then the --pg snapshot.
func (c *config) inputs(stdin io.Reader) ([]pipeline.Source, error) {
	var sources []pipeline.Source
	if len(c.paths) > 0 || c.pg == nil {
		var err error
		if sources, err = openSources(c.paths, stdin, c.follow, c.idle); err != nil {
			return nil, err
		}
	}
	if c.pg != nil {
		sources = append(sources, c.pg)
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

// newPGSource returns the input of the server of dsn; it connects when
// read.
func newPGSource(dsn string) (*pgSource, error) {
	s := &pgSource{}
	m, err := pgmon.New(pgmon.Options{DSN: dsn, Notef: s.warn})
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
