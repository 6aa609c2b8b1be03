package summary

import (
	"fmt"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/pipeline/window"
)

func add(s *Summary, key string, kind window.EndpointKind, n int) {
	r := parsers.Record{Status: 404, Duration: 1000, Client: []byte("10.0.0.1")}
	l := window.Line{Rec: &r, Endpoint: key, Kind: kind, ID: -1}
	for range n {
		s.Add(&l)
	}
}

// TestFoldByTraffic checks the endpoint budget: a scan of many one-off
// URLs arriving first folds into "other", while the busy endpoints and the
// ones rules name stay, whatever came first.
func TestFoldByTraffic(t *testing.T) {
	s := New(Options{EndpointBudget: 100})
	for i := range 1000 {
		add(s, fmt.Sprintf("GET /scan/%d", i), window.Ordinary, 1)
	}
	add(s, "POST /api/payments/{id}/charge", window.Payment, 1)
	add(s, "GET /busy", window.Ordinary, 50)
	for i := range 1000 {
		add(s, fmt.Sprintf("GET /scan2/%d", i), window.Ordinary, 1)
	}
	if len(s.Endpoints) > 101 {
		t.Errorf("unexpected endpoints kept; got %d; want at most 101", len(s.Endpoints))
	}
	for _, k := range []string{"POST /api/payments/{id}/charge", "GET /busy", window.Other} {
		if s.Endpoints[k] == nil {
			t.Errorf("unexpected fold of %q", k)
		}
	}
	var total uint64
	for _, e := range s.Endpoints {
		total += e.Requests
	}
	if total != s.Requests || s.Folded == 0 {
		t.Errorf("unexpected totals after folding; got %d of %d requests, %d folded", total, s.Requests, s.Folded)
	}
}

// TestMergeOrder checks that exact summaries merge to the same result in
// any order.
func TestMergeOrder(t *testing.T) {
	parts := make([]*Summary, 4)
	for i := range parts {
		parts[i] = New(Options{})
		for j := range 50 {
			add(parts[i], fmt.Sprintf("GET /e/%d", (i*7+j)%60), window.Ordinary, j%5+1)
		}
	}
	a, b := New(Options{}), New(Options{})
	for i := range parts {
		a.Merge(parts[i])
		b.Merge(parts[len(parts)-1-i])
	}
	if a.Requests != b.Requests || len(a.Endpoints) != len(b.Endpoints) {
		t.Fatalf("unexpected merge-order dependence")
	}
	for k, e := range a.Endpoints {
		if o := b.Endpoints[k]; o == nil || o.Requests != e.Requests || o.Latency.Quantile(0.9) != e.Latency.Quantile(0.9) {
			t.Errorf("unexpected endpoint %q after merging in reverse", k)
		}
	}
}
