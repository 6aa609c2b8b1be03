package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
)

// openSources opens every path ("-" or none: stdin) as a source.
func openSources(paths []string, stdin io.Reader, follow bool, idle time.Duration) ([]pipeline.Source, error) {
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	sources := make([]pipeline.Source, 0, len(paths))
	for _, p := range paths {
		f, err := filesrc.Open(p, stdin, filesrc.Options{Follow: follow, Idle: idle})
		if err != nil {
			return nil, err
		}
		sources = append(sources, f)
	}
	return sources, nil
}

// runEngine runs the engine on the inputs of c: to their end, or with
// --follow until ctx is done (then it finishes the run and returns its
// result, so that the final report is printed).
func runEngine(ctx context.Context, c *config, stdin io.Reader, stdout, stderr io.Writer) (*pipeline.Result, error) {
	sources, err := c.inputs(stdin)
	if err != nil {
		return nil, err
	}
	o := c.opts
	runCtx := ctx
	if c.follow {
		// Stop the sources, not the engine: the run then ends as at the
		// end of input and the final report is written.
		for i, s := range sources {
			sources[i] = stopping{s, ctx}
		}
		runCtx = context.Background()
		ev := newEventPrinter(stdout, stderr, c.output, c.quiet)
		defer ev.stop()
		stopPage, err := c.followHooks(&o, ev, stderr)
		if err != nil {
			return nil, err
		}
		defer stopPage()
	} else if bar := newProgress(stderr, c.paths, c.quiet); bar != nil {
		o.Progress = bar.add
		defer bar.finish()
	}
	return pipeline.Run(runCtx, sources, o)
}

// stopping is a source whose reading stops (as at the end of its input)
// when stop is done.
type stopping struct {
	pipeline.Source
	stop context.Context
}

func (s stopping) Read(ctx context.Context, emit func(pipeline.Batch) error) error {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.stop.Done():
			cancel()
		case <-rctx.Done():
		}
	}()
	err := s.Source.Read(rctx, emit)
	if s.stop.Err() != nil && errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// sinceLast sets --since to the newest event time of the input minus
// last: the end of a log is its newest line, wherever it is, so the input
// is read once before the run. Standard input cannot be read twice.
func sinceLast(ctx context.Context, c *config, stdin io.Reader, last time.Duration) error {
	if len(c.paths) == 0 {
		return errors.New("cannot find the end of standard input before reading it: give a time to --since, or give files")
	}
	for _, p := range c.paths {
		if p == "-" {
			return errors.New("cannot find the end of standard input before reading it: give a time to --since, or give files")
		}
		if st, err := os.Stat(p); err == nil && !st.Mode().IsRegular() {
			return fmt.Errorf("cannot find the end of %s before reading it: it is not a regular file (a pipe or FIFO can be read once); give a time to --since", p)
		}
	}
	sources, err := openSources(c.paths, stdin, false, c.idle)
	if err != nil {
		return err
	}
	o := c.opts
	o.Since, o.Until, o.Top = time.Time{}, time.Time{}, 1
	res, err := pipeline.Run(ctx, sources, o)
	if err != nil {
		return err
	}
	if !res.Summary.HasTime {
		return errors.New("cannot apply --since DURATION: no line of the input has a time")
	}
	c.opts.Since = time.Unix(0, res.Summary.MaxTime).UTC().Add(-last)
	return nil
}

// listFormats prints the built-in formats with an example line each.
func listFormats(stdout io.Writer) int {
	for _, f := range pipeline.Formats() {
		fmt.Fprintf(stdout, "%s\n  %s\n  e.g. %s\n", f.Name, f.Description, f.Example)
	}
	return exitOK
}
