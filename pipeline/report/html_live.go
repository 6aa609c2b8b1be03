package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"time"
)

// liveScript refreshes the live page in place; see live.js.
//
//go:embed live.js
var liveScript string

// Live is what the live page shows besides its report.
type Live struct {
	// Since is the range shown, as the page's ?since= gives it ("6h").
	Since string
	// Ranges are the ranges offered as links, such as "1h", "6h", "24h".
	Ranges []string
	// Refresh is how often the page fetches its content again; at least a
	// second.
	Refresh time.Duration
	// Received is the wall time the newest message was stored; zero when
	// none was.
	Received time.Time
	// Made is the wall time the page was made.
	Made time.Time
}

// WriteLiveHTML writes r as the live page: the HTML report of WriteHTML
// under a bar that names the range, and one inline script that fetches
// the page again every l.Refresh and swaps its content in place, keeping
// the scroll position, without reloading the document. Sections the
// windows behind a live report do not fill (see pipeline/live) say so
// instead of showing zeros. The page loads nothing else; serve it with
// [LiveContentSecurityPolicy].
func WriteLiveHTML(w io.Writer, r *Report, l *Live) error {
	t, err := parseHTML()
	if err != nil {
		return fmt.Errorf("cannot parse the HTML template: %w", err)
	}
	p := newHTMLPage(r)
	p.Live = &livePage{Live: l, Script: template.JS(liveScript), RefreshSeconds: max(1, int(l.Refresh/time.Second))}
	p.EndpointLatency = false
	return t.Execute(w, p)
}

// livePage is what html.tmpl reads of a live page.
type livePage struct {
	*Live
	Script         template.JS
	RefreshSeconds int
}

// LiveContentSecurityPolicy is the Content-Security-Policy header of the
// live page: inline styles, its one script (by hash), fetches of its own
// origin, nothing else. An injected script would not run.
func LiveContentSecurityPolicy() string {
	sum := sha256.Sum256([]byte(liveScript))
	return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}
