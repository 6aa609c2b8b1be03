package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// Sink delivers incident events to one receiver. A [Notifier] gives each
// sink a queue and a goroutine of its own, and calls Send from that
// goroutine only, one event at a time, in order, retrying with backoff
// until Send returns nil or an error wrapping [ErrRejected].
type Sink interface {
	// Name names the sink in Stats and logs: its kind and where it
	// sends ("webhook https://hooks.example/x").
	Name() string
	// Accepts reports whether the sink sends events of type t at all;
	// Notify does not queue (nor count) the others.
	Accepts(t incident.EventType) bool
	// Send delivers e. ctx bounds the attempt (Options.Timeout). It may
	// be called again with the same event after an error: receivers
	// deduplicate by incident id and sequence number. e's slices are
	// shared: Send must not modify them.
	Send(ctx context.Context, e *incident.Event) error
	// Close releases the sink's connections, once no Send is running.
	Close() error
}

// ErrRejected marks a delivery the receiver refused for good (an HTTP
// 4xx other than 408 and 429): the event is not retried but dropped.
var ErrRejected = errors.New("rejected by the receiver")

// resender is a Sink that also re-sends its receiver's state from time
// to time (Alertmanager: the open alerts, so that they stay firing).
type resender interface {
	// observe sees each accepted event as Notify queues it, from Notify's
	// caller: it must be quick and must not block.
	observe(e *incident.Event)
	// setOpen replaces the open incidents resend sends (Notifier.SetOpen).
	setOpen(open []incident.Incident)
	// resendEvery is the interval of resend.
	resendEvery() time.Duration
	// resend sends the state; ctx bounds the attempt.
	resend(ctx context.Context) error
}

// errNothingOpen tells the worker that a re-send had nothing to send.
var errNothingOpen = errors.New("no open incident")

// maxErrorBody is how much of a failed response's body an error quotes.
const maxErrorBody = 200

// post sends body to target as JSON and classifies the answer: nil for a
// 2xx, an error wrapping ErrRejected for a 4xx other than 408 (request
// timeout) and 429 (too many requests), a retriable error otherwise.
func post(ctx context.Context, c *http.Client, target string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: cannot build request: %v", ErrRejected, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			// Its message quotes the URL, whose path may be a secret;
			// the sink's name says where the request went.
			err = uerr.Err
		}
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	// Drain a little more so that the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests:
		return fmt.Errorf("%w: %s: %q", ErrRejected, resp.Status, snippet)
	}
	return fmt.Errorf("%s: %q", resp.Status, snippet)
}
