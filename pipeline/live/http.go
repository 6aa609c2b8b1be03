package live

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline/report"
)

// Defaults and bounds of the live page's query parameters.
const (
	// DefaultSince is the range of the live page and /api/report without
	// ?since= (or the handler's MaxSince when that is shorter).
	DefaultSince = 6 * time.Hour
	// DefaultRefresh is how often the live page fetches its content
	// again without ?refresh=; MinRefresh and MaxRefresh bound it.
	DefaultRefresh = 10 * time.Second
	MinRefresh     = time.Second
	MaxRefresh     = 10 * time.Minute
	// requestTimeout bounds the reads of one request.
	requestTimeout = 30 * time.Second
)

// ranges are the ranges the live page links to, those up to the
// handler's MaxSince.
var ranges = []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// HandlerOptions configure a [Handler]. The zero value means every
// default.
type HandlerOptions struct {
	// Report configures the reports served.
	Report Options
	// MaxSince is the longest ?since= served: a longer one gets 400.
	// Default and upper bound: MaxSince (31 days).
	MaxSince time.Duration
}

// Handler serves the live report of a [Source], for ingest (what it
// stored in PostgreSQL) and analyze --follow (what the run keeps in
// memory, [Recent]) alike:
//
//   - GET /?since=6h&refresh=10s: the live page (report.WriteLiveHTML)
//     of the windows starting in the last since of log time, which
//     fetches itself again every refresh.
//   - GET /api/report?since=6h: the same report as vigil.report/v1 JSON.
//
// since is a duration ("90m", "6h", or whole days "7d"), more than 0 and
// at most HandlerOptions.MaxSince; refresh at least 1s and at most 10m.
// Bad values get 400, a source that fails 503. Mount it with Register.
// It is safe for concurrent use.
type Handler struct {
	src          Source
	opts         Options
	maxSince     time.Duration
	defaultSince time.Duration
	ranges       []string
}

// NewHandler returns the Handler of src.
func NewHandler(src Source, o HandlerOptions) *Handler {
	if o.MaxSince <= 0 || o.MaxSince > MaxSince {
		o.MaxSince = MaxSince
	}
	h := &Handler{src: src, opts: o.Report, maxSince: o.MaxSince, defaultSince: min(DefaultSince, o.MaxSince)}
	for _, r := range ranges {
		if r <= o.MaxSince {
			h.ranges = append(h.ranges, formatSince(r))
		}
	}
	return h
}

// Register adds the routes GET / and GET /api/report to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", h.page)
	mux.HandleFunc("GET /api/report", h.json)
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	refresh, err := durationParam(r, "refresh", DefaultRefresh, MinRefresh, MaxRefresh)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	rep, since, ok := h.report(ctx, w, r)
	if !ok {
		return
	}
	parts, err := h.src.Partitions(ctx)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	lv := &report.Live{Since: formatSince(since), Ranges: h.ranges, Refresh: refresh, Made: time.Now().UTC()}
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
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", report.LiveContentSecurityPolicy())
	hd.Set("Referrer-Policy", "no-referrer")
	noStore(hd)
	w.Write(b.Bytes()) // The client went away: nothing to do.
}

func (h *Handler) json(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	rep, _, ok := h.report(ctx, w, r)
	if !ok {
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

// report returns the report of r's ?since=, and the range; when it
// cannot, it answers 400 (a bad since) or 503 (a source that fails) and
// returns false.
func (h *Handler) report(ctx context.Context, w http.ResponseWriter, r *http.Request) (*report.Report, time.Duration, bool) {
	since, err := durationParam(r, "since", h.defaultSince, time.Nanosecond, h.maxSince)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, 0, false
	}
	rep, err := Report(ctx, h.src, since, time.Time{}, h.opts)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return nil, 0, false
	}
	return rep, since, true
}

func noStore(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// durationParam reads the query parameter name as a duration ("90s",
// "6h", or whole days "7d") in [lo, hi]; def when it is absent.
func durationParam(r *http.Request, name string, def, lo, hi time.Duration) (time.Duration, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	d, err := parseSince(s)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("cannot use %s=%q: want a duration such as 90m, 6h or 7d, from %s to %s", name, s, formatSince(lo), formatSince(hi))
	}
	return d, nil
}

// parseSince reads a Go duration, or a whole number of days ("7d"), as
// ?since= takes it.
func parseSince(s string) (time.Duration, error) {
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
