package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/live"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
)

// emptyStore is a live.Source with nothing stored.
type emptyStore struct{}

func (emptyStore) Partitions(context.Context) ([]pgstore.Partition, error) { return nil, nil }

func (emptyStore) EachWindow(context.Context, time.Time, time.Time, func(*pgstore.StoredWindow) error) error {
	return nil
}

func (emptyStore) IncidentDocs(context.Context, time.Time, time.Time) ([]json.RawMessage, error) {
	return nil, nil
}

// TestLiveRoutes: ingest's handler serves the live pages (live.Handler,
// tested in pipeline/live) beside its health checks and metrics.
func TestLiveRoutes(t *testing.T) {
	h := newHandler(liveService{healthyService(), live.NewHandler(emptyStore{}, live.HandlerOptions{})})
	f := func(method, path string, wantCode int, wantType string) {
		t.Helper()
		code, hdr, body := get(t, h, method, path)
		if code != wantCode || !strings.HasPrefix(hdr.Get("Content-Type"), wantType) {
			t.Fatalf("unexpected answer to %s %s; got %d %q: %.200s; want %d %q", method, path, code, hdr.Get("Content-Type"), body, wantCode, wantType)
		}
	}
	f(http.MethodGet, "/", http.StatusOK, "text/html")
	f(http.MethodGet, "/api/report?since=7d", http.StatusOK, "application/json")
	f(http.MethodGet, "/?since=32d", http.StatusBadRequest, "text/plain")
	f(http.MethodGet, "/health", http.StatusOK, "application/json")
	f(http.MethodPost, "/api/report", http.StatusMethodNotAllowed, "text/plain")
	f(http.MethodGet, "/other", http.StatusNotFound, "text/plain")
}
