package probe

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vigil-ops/vigil/pipeline/metricline"
)

// MaxBody is how much of a body a check reads, for the expected text.
const MaxBody = 64 << 10

// Result is the outcome of one check.
type Result struct {
	// Start is when the check started.
	Start time.Time
	// Duration is from Start to the end of the body read, or to the
	// failure.
	Duration time.Duration
	// Success tells whether the check passed.
	Success bool
	// Reason says why it failed, "" when it passed.
	Reason string
}

// Check runs one check of sp with client: a GET bounded by sp.Timeout.
func Check(ctx context.Context, client *http.Client, sp *Spec) Result {
	r := Result{Start: time.Now()}
	r.Reason = check(ctx, client, sp)
	r.Duration = time.Since(r.Start)
	r.Success = r.Reason == ""
	return r
}

// check returns why the check fails, "" when it passes.
func check(ctx context.Context, client *http.Client, sp *Spec) string {
	ctx, cancel := context.WithTimeout(ctx, sp.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sp.URL, nil)
	if err != nil {
		return err.Error()
	}
	req.Header.Set("User-Agent", "vigil-probe")
	resp, err := client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	switch {
	case err != nil:
		return fmt.Sprintf("cannot read the body: %v", err)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Sprintf("status %d", resp.StatusCode)
	case !bytes.Contains(body, []byte(sp.Expect)):
		return fmt.Sprintf("no %q in the body's first %d bytes", sp.Expect, len(body))
	}
	return ""
}

// AppendResult appends the lines of r, a result of sp, to dst:
// probe_success and probe_duration_seconds.
func AppendResult(dst []byte, sp *Spec, r *Result) []byte {
	v := 0.0
	if r.Success {
		v = 1
	}
	dst = metricline.Append(dst, r.Start, "probe_success", v, "probe", sp.Name, "url", sp.URL, "severity", sp.Severity)
	return metricline.Append(dst, r.Start, "probe_duration_seconds", r.Duration.Seconds(), "probe", sp.Name, "url", sp.URL)
}
