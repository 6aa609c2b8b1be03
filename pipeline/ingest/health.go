package ingest

import (
	"sync"
	"time"
)

// Parts of the service whose health is reported.
const (
	partKafka    = "kafka"
	partDatabase = "database"
)

// health keeps the last error of each part, nil when it works.
type health struct {
	mu   sync.Mutex
	errs map[string]error
	at   map[string]time.Time
}

func (h *health) set(part string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.errs == nil {
		h.errs, h.at = make(map[string]error), make(map[string]time.Time)
	}
	h.errs[part] = err
	h.at[part] = time.Now()
}

// Health is the state of one part of the service.
type Health struct {
	// OK is false when the part's last attempt failed.
	OK bool
	// Error is the failure, "" when OK.
	Error string
	// Since is when the part's state was last set.
	Since time.Time
}

// Health returns the state of Kafka ("kafka") and PostgreSQL
// ("database"). Kafka is degraded while no broker answers a probe (every
// Options.Flush, at least every second); the database from a failed
// connection, claim or flush until a flush succeeds.
func (s *Service) Health() map[string]Health {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	out := map[string]Health{partKafka: {OK: true}, partDatabase: {OK: true}}
	for part, err := range s.health.errs {
		h := Health{OK: err == nil, Since: s.health.at[part]}
		if err != nil {
			h.Error = err.Error()
		}
		out[part] = h
	}
	return out
}
