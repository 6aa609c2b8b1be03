package main

import (
	"net/http"

	"github.com/vigil-ops/vigil/pipeline/live"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
)

// newLivePages serves the live report of what ingest stored in
// PostgreSQL (live.Handler: the page and /api/report), read through a
// pool of its own (pgstore.OpenReader: a few connections, made on the
// first request), so that page loads never wait for, or hold up,
// ingest's flushes. Its close closes the pool. warnings, if not nil,
// adds to the report's input warnings (ingest.Service.FormatWarnings).
func newLivePages(c *config, warnings func() []string) (*live.Handler, func(), error) {
	st, err := pgstore.OpenReader(c.opts.DSN, c.opts.Kafka.Group)
	if err != nil {
		return nil, nil, err
	}
	o := live.Options{Rules: c.opts.Engine.Rules, Lateness: c.opts.Engine.Lateness, Warnings: warnings}
	h := live.NewHandler(st, live.HandlerOptions{Report: o})
	return h, st.Close, nil
}

// liveService is a service whose handler also serves the live pages
// (see newHandler).
type liveService struct {
	service
	pages *live.Handler
}

// registerLive adds the live routes to mux: GET / and GET /api/report
// (see live.Handler).
func (s liveService) registerLive(mux *http.ServeMux) { s.pages.Register(mux) }
