// Package browsertest drives headless Chromium for the tests of vigil's
// HTML pages, with github.com/chromedp/chromedp (a test-only dependency:
// import this package from _test.go files only, so that no program links
// it). chromedp speaks the DevTools protocol over a pipe, which listening
// to console events, evaluating in the page and screenshots need;
// chromium's own --dump-dom and --screenshot see neither console nor
// exceptions.
//
// A test starts one browser (New) and opens pages in tabs (Open); a Tab
// collects what a page must never cause: console calls it did not expect,
// exceptions, browser log warnings and errors (a failed load, a refused
// script), dialogs. The helpers fail the test on a broken harness, never
// on what the page does: the test decides.
//
// Concurrency: a Tab's Problems may be read while the page runs; the rest
// is for the test's goroutine.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The viewport of the tabs: a laptop's first screen.
const ViewportWidth, ViewportHeight = 1280, 900

// New starts headless Chromium (Debian's chromium) for the test, with a
// fresh profile (chromedp makes a temporary --user-data-dir and removes
// it) and nothing that reaches the network; it stops when the test ends
// or after timeout. Without chromium the test is skipped, unless CI=true
// (then it fails: a skipped browser test hides a broken install step).
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot find chromium (%v): run make deps", err)
		}
		t.Skipf("no chromium (%v); make deps installs it", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(ViewportWidth, ViewportHeight),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("cannot start chromium: %v", err)
	}
	return ctx
}

// Tab is a page open in the browser.
type Tab struct {
	// Ctx runs chromedp actions in the tab.
	Ctx      context.Context
	mu       sync.Mutex
	problems []string
}

// Open opens url in a new tab of browser, sized to the viewport, and
// waits for it to load. The tab closes when the test ends.
func Open(t testing.TB, browser context.Context, url string) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tab := &Tab{Ctx: ctx}
	if err := chromedp.Listen(ctx, tab.listen); err != nil {
		t.Fatalf("cannot listen to the page events of %s: %v", url, err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(ViewportWidth, ViewportHeight), chromedp.Navigate(url)); err != nil {
		t.Fatalf("cannot open %s: %v", url, err)
	}
	return tab
}

func (tab *Tab) add(format string, args ...any) {
	tab.mu.Lock()
	tab.problems = append(tab.problems, fmt.Sprintf(format, args...))
	tab.mu.Unlock()
}

// listen records the page's problems.
func (tab *Tab) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			args = append(args, string(a.Value)+a.Description)
		}
		tab.add("console.%s(%s)", ev.Type, strings.Join(args, ", "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		if d.Exception != nil {
			desc, _, _ := strings.Cut(d.Exception.Description, "\n")
			tab.add("exception: %s %s", d.Text, desc)
		} else {
			tab.add("exception: %s", d.Text)
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			tab.add("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *page.EventJavascriptDialogOpening:
		tab.add("dialog %s: %q", ev.Type, ev.Message)
		// A dialog blocks the page: dismiss it outside the event loop.
		go chromedp.Call(tab.Ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
	}
}

// Problems returns what the page caused so far: console calls,
// exceptions, browser log warnings and errors, dialogs.
func (tab *Tab) Problems() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return slices.Clone(tab.problems)
}

// Eval evaluates the JavaScript expression js in the tab and returns its
// value decoded into a T.
func Eval[T any](t testing.TB, tab *Tab, js string) T {
	t.Helper()
	v, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("cannot evaluate in the page: %v\n%s", err, js)
	}
	return v
}

// Screenshot saves the first screen (full false) or the whole page as a
// PNG at path and logs where.
func (tab *Tab) Screenshot(t testing.TB, path string, full bool) {
	t.Helper()
	shot := chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(tab.Ctx, shot)
	if err != nil {
		t.Fatalf("cannot take the screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// ShotDir returns $TMPDIR/vigil-browser, made if need be: where the
// browser tests leave their screenshots for a person to look at.
func ShotDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "vigil-browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
