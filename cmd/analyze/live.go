package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/live"
)

// pageGrace is how long the requests in flight get when the run ends.
const pageGrace = 2 * time.Second

// startPage starts the live page of a --follow run on c.httpAddr: a
// live.Recent fed through o's OnWindow, OnOpen, OnEvent and Progress
// (the last two chained after theirs) and the live.Handler of ingest over it, at / and
// /api/report. It says where it serves on stderr and returns the stop of
// the server.
func startPage(c *config, o *pipeline.Options, stderr io.Writer) (stop func(), err error) {
	ln, err := net.Listen("tcp", c.httpAddr)
	if err != nil {
		return nil, fmt.Errorf("cannot serve the live page: %w", err)
	}
	name := inputName(c.paths)
	rec := live.NewRecent(live.RecentOptions{Rules: o.Rules, Name: name, Format: formatName(o), Logf: c.logf(stderr, "live page: ")})
	o.OnWindow, o.OnOpen = rec.AddWindow, rec.SnapshotOpen
	onEvent, progress := o.OnEvent, o.Progress
	o.OnEvent = func(e incident.Event) {
		onEvent(e)
		rec.AddEvent(e)
	}
	o.Progress = func(raw int64, lines int) {
		progress(raw, lines)
		rec.Progress(raw, lines)
	}
	mux := http.NewServeMux()
	live.NewHandler(rec, live.HandlerOptions{
		Report:   live.Options{Rules: o.Rules, Top: o.Top, Lateness: o.Lateness, Input: name},
		MaxSince: rec.Keep(),
	}).Register(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "analyze: serving the live page on http://%s/\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), pageGrace)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close() // Cut the requests that outlived the grace.
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "analyze: live page: %v\n", err)
		}
	}, nil
}

// inputName names the inputs as the live page's report does.
func inputName(paths []string) string {
	if len(paths) == 0 {
		return "standard input"
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = p
		if p == "-" {
			names[i] = "standard input"
		}
	}
	return strings.Join(names, ", ")
}

// formatName is the format the flags give, or "detected".
func formatName(o *pipeline.Options) string {
	switch {
	case o.LogFormat != "":
		return "log format"
	case o.Format != "":
		return o.Format
	}
	return "detected"
}
