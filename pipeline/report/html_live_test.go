package report

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func writeLiveHTML(t *testing.T, r *Report, l *Live) string {
	t.Helper()
	var b strings.Builder
	if err := WriteLiveHTML(&b, r, l); err != nil {
		t.Fatalf("cannot write the live page: %v", err)
	}
	return b.String()
}

func sampleLive() *Live {
	return &Live{Since: "6h", Ranges: []string{"1h", "6h", "24h"}, Refresh: 10 * time.Second,
		Received: time.Date(2026, 3, 1, 12, 0, 5, 0, time.UTC), Made: time.Date(2026, 3, 1, 12, 0, 7, 0, time.UTC)}
}

func TestWriteLiveHTMLGolden(t *testing.T) {
	golden(t, "live.html", writeLiveHTML(t, sampleReport(), sampleLive()))
	golden(t, "live-empty.html", writeLiveHTML(t, &Report{}, &Live{Since: "15m", Refresh: time.Second}))
}

// TestWriteLiveHTMLScript: the live page has one script, live.js as it
// is, which the Content-Security-Policy allows by its hash; the static
// report has none (TestWriteHTMLSelfContained).
func TestWriteLiveHTMLScript(t *testing.T) {
	page := writeLiveHTML(t, sampleReport(), sampleLive())
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if len(scripts) != 1 || strings.Count(page, "<script") != 1 {
		t.Fatalf("unexpected scripts in the live page; got %d; want 1", strings.Count(page, "<script"))
	}
	if scripts[0][1] != liveScript {
		t.Fatalf("unexpected script in the live page; got %q; want live.js as it is", scripts[0][1])
	}
	sum := sha256.Sum256([]byte(scripts[0][1]))
	if csp := LiveContentSecurityPolicy(); !strings.Contains(csp, "script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Fatalf("unexpected Content-Security-Policy %q; want the script's hash", csp)
	}
	for _, s := range []string{`data-refresh="10"`, `id="live-note"`, `<a href="?since=1h">1h</a>`, `<b>6h</b>`} {
		if !strings.Contains(page, s) {
			t.Fatalf("unexpected live page; got none of %q; want it", s)
		}
	}
}

func TestWriteLiveHTMLEscaping(t *testing.T) {
	l := sampleLive()
	l.Since = `"><script>alert(3)</script>`
	l.Ranges = []string{`x" onclick="alert(4)`}
	page := writeLiveHTML(t, sampleReport(), l)
	f := func(raw, want string) {
		t.Helper()
		if strings.Contains(page, raw) {
			t.Fatalf("unexpected raw markup for %q; got it in the page; want only %q", raw, want)
		}
		if !strings.Contains(page, want) {
			t.Fatalf("unexpected escaping for %q; got a page without %q; want it", raw, want)
		}
	}
	f(scriptUA, "&lt;script&gt;alert(1)&lt;/script&gt;")
	f(svgPath, "GET /&lt;svg onload=alert(1)&gt;")
	f(tdSubject, "&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;")
	f(l.Since, "&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;")
	f(`href="?since=x" onclick`, `href="?since=x%22%20onclick%3d%22alert%284%29"`)
	if !utf8.ValidString(page) {
		t.Fatalf("unexpected encoding of the live page; got invalid UTF-8; want valid")
	}
}
