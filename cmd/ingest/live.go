package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline/live"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// Defaults and bounds of the live page's query parameters.
const (
	// defaultSince is the range of the live page and /api/report without
	// ?since= (docs/ingest.md).
	defaultSince = 6 * time.Hour
	// defaultRefresh is how often the live page fetches its content
	// again without ?refresh=; minRefresh and maxRefresh bound it.
	defaultRefresh = 10 * time.Second
	minRefresh     = time.Second
	maxRefresh     = 10 * time.Minute
	// liveTimeout bounds the queries of one request.
	liveTimeout = 30 * time.Second
)

// liveRanges are the ranges the live page links to.
var liveRanges = []string{"15m", "1h", "6h", "24h", "7d"}

// livePages serves the live report of what ingest stored in PostgreSQL:
// the HTML page that refreshes itself and the same report as JSON.
type livePages struct {
	src  live.Source
	opts live.Options
}

// newLivePages reads the store of c's consumer group through a pool of
// its own (pgstore.OpenReader: a few connections, made on the first
// request), so that page loads never wait for, or hold up, ingest's
// flushes. Its close closes the pool.
func newLivePages(c *config) (*livePages, func(), error) {
	st, err := pgstore.OpenReader(c.opts.DSN, c.opts.Kafka.Group)
	if err != nil {
		return nil, nil, err
	}
	l := &livePages{src: st, opts: live.Options{Rules: c.opts.Engine.Rules, Lateness: c.opts.Engine.Lateness}}
	return l, st.Close, nil
}

// liveService is a service whose handler also serves the live pages
// (see newHandler).
type liveService struct {
	service
	pages *livePages
}

// registerLive adds the live routes to mux:
//
//   - GET /?since=6h&refresh=10s: the live page (report.WriteLiveHTML)
//     of the windows starting in the last since of log time, which
//     fetches itself again every refresh.
//   - GET /api/report?since=6h: the same report as vigil.report/v1 JSON.
//
// since is a duration ("90m", "6h", or whole days "7d"), more than 0 and
// at most 31 days; refresh at least 1s and at most 10m. Bad values get
// 400, a database that fails 503.
func (s liveService) registerLive(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.pages.page)
	mux.HandleFunc("GET /api/report", s.pages.json)
}

func (l *livePages) page(w http.ResponseWriter, r *http.Request) {
	since, err := sinceParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	refresh, err := durationParam(r, "refresh", defaultRefresh, minRefresh, maxRefresh)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), liveTimeout)
	defer cancel()
	rep, err := live.Report(ctx, l.src, since, time.Time{}, l.opts)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	parts, err := l.src.Partitions(ctx)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	lv := &report.Live{Since: formatSince(since), Ranges: liveRanges, Refresh: refresh, Made: time.Now().UTC()}
	for _, p := range parts {
		if p.LastMessageAt.After(lv.Received) {
			lv.Received = p.LastMessageAt
		}
	}
	var b bytes.Buffer
	if err := report.WriteLiveHTML(&b, rep, lv); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", report.LiveContentSecurityPolicy())
	h.Set("Referrer-Policy", "no-referrer")
	noStore(h)
	w.Write(b.Bytes()) // The client went away: nothing to do.
}

func (l *livePages) json(w http.ResponseWriter, r *http.Request) {
	since, err := sinceParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), liveTimeout)
	defer cancel()
	rep, err := live.Report(ctx, l.src, since, time.Time{}, l.opts)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, rep); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	noStore(w.Header())
	w.Write(b.Bytes()) // The client went away: nothing to do.
}

func noStore(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// sinceParam reads ?since=, defaultSince when absent.
func sinceParam(r *http.Request) (time.Duration, error) {
	return durationParam(r, "since", defaultSince, time.Nanosecond, live.MaxSince)
}

// durationParam reads the query parameter name as a duration ("90s",
// "6h", or whole days "7d") in [lo, hi]; def when it is absent.
func durationParam(r *http.Request, name string, def, lo, hi time.Duration) (time.Duration, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	d, err := parseDuration(s)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("cannot use %s=%q: want a duration such as 90m, 6h or 7d, from %s to %s", name, s, formatSince(lo), formatSince(hi))
	}
	return d, nil
}

// parseDuration reads a Go duration, or a whole number of days ("7d").
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 365 {
			return 0, fmt.Errorf("cannot parse %q as days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// formatSince writes d in the largest whole unit that fits: "7d", "6h",
// "90m", else as Go does.
func formatSince(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d >= time.Hour && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d >= time.Minute && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}
