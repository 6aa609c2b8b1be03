package filesrc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// fastFollow polls often and goes idle soon, to keep the tests short.
var fastFollow = Options{Follow: true, Poll: 10 * time.Millisecond, Idle: 100 * time.Millisecond}

// follow starts Read on path in the background; stop cancels it and
// returns Read's error.
func follow(t *testing.T, path string, o Options) (c *collector, f *File, stop func() error) {
	t.Helper()
	f, err := Open(path, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	c = newCollector(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	var readErr error
	go func() {
		defer close(done)
		readErr = f.Read(ctx, c.emit)
	}()
	stop = func() error {
		cancel()
		select {
		case <-done:
			c.release()
			return readErr
		case <-time.After(time.Second):
			t.Fatal("Read did not return within a second of the cancellation")
			return nil
		}
	}
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return c, f, stop
}

func numbered(prefix string, from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "%s%d\n", prefix, i)
	}
	return b.String()
}

func hasLines(n int) func([]string, int) bool {
	return func(lines []string, _ int) bool { return len(lines) >= n }
}

// wantLines checks that every line came exactly once, in order.
func wantLines(t *testing.T, c *collector, want string) {
	t.Helper()
	lines, _ := c.snapshot()
	if d := gocmp.Diff(splitLines([]byte(want), DefaultMaxLineBytes), lines); d != "" {
		t.Errorf("unexpected lines (-want +got):\n%s", d)
	}
}

func TestFollowRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	appendFile(t, path, numbered("a", 1, 50))
	c, f, stop := follow(t, path, fastFollow)
	c.waitFor("the first lines", hasLines(50))
	appendFile(t, path, numbered("a", 51, 60))
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	// The writer finishes with the old file after the rename, with a
	// last line cut short.
	appendFile(t, path+".1", numbered("a", 61, 65)+"a-partial")
	appendFile(t, path, numbered("b", 1, 20))
	c.waitFor("the lines of the new file", hasLines(86))
	appendFile(t, path, numbered("b", 21, 30))
	c.waitFor("more lines of the new file", hasLines(96))
	if err := stop(); err != context.Canceled {
		t.Errorf("unexpected error; got %v; want %v", err, context.Canceled)
	}
	wantLines(t, c, numbered("a", 1, 65)+"a-partial\n"+numbered("b", 1, 30))
	want := []string{path + ": file replaced (rotated); reading the new file from its start"}
	if d := gocmp.Diff(want, f.Info().Warnings); d != "" {
		t.Errorf("unexpected warnings (-want +got):\n%s", d)
	}
}

// TestFollowRotationMissing: the path names no file for a while between
// the rotation and the new file.
func TestFollowRotationMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	appendFile(t, path, numbered("a", 1, 10))
	c, _, stop := follow(t, path, fastFollow)
	c.waitFor("the first lines", hasLines(10))
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path+".1", numbered("a", 11, 20))
	c.waitFor("the old file's lines after the rename", hasLines(20))
	appendFile(t, path, numbered("b", 1, 5))
	c.waitFor("the new file's lines", hasLines(25))
	stop()
	wantLines(t, c, numbered("a", 1, 20)+numbered("b", 1, 5))
}

func TestFollowTruncation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	appendFile(t, path, numbered("a", 1, 30))
	c, f, stop := follow(t, path, fastFollow)
	c.waitFor("the first lines", hasLines(30))
	// copytruncate: the file is emptied in place and written again.
	if err := os.WriteFile(path, []byte(numbered("b", 1, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the lines after the truncation", hasLines(40))
	stop()
	wantLines(t, c, numbered("a", 1, 30)+numbered("b", 1, 10))
	w := f.Info().Warnings
	if len(w) != 1 || !strings.HasPrefix(w[0], path+": file truncated from 111 to ") || !strings.HasSuffix(w[0], " bytes; reading it again from its start") {
		t.Errorf("unexpected warnings %q", w)
	}
}

func TestFollowCreatedLater(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	c, _, stop := follow(t, path, fastFollow)
	time.Sleep(30 * time.Millisecond) // Read polls the missing file
	appendFile(t, path, numbered("a", 1, 5))
	c.waitFor("the lines of the new file", hasLines(5))
	appendFile(t, path, numbered("a", 6, 8))
	c.waitFor("more lines", hasLines(8))
	stop()
	wantLines(t, c, numbered("a", 1, 8))
}

// TestFollowIdle checks that one idle batch comes per idle period, and
// that a partial line is held back until its newline comes.
func TestFollowIdle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	appendFile(t, path, numbered("a", 1, 3)+"a4 start")
	c, _, stop := follow(t, path, fastFollow)
	c.waitFor("an idle batch", func(lines []string, idle int) bool { return idle >= 1 })
	time.Sleep(3 * fastFollow.Idle) // no second idle batch in the same period
	if lines, idle := c.snapshot(); idle != 1 || len(lines) != 3 {
		t.Fatalf("unexpected state while idle; got %d idle batches, lines %q; want 1 idle batch and 3 lines", idle, lines)
	}
	appendFile(t, path, " end\n")
	c.waitFor("the completed line", hasLines(4))
	c.waitFor("a second idle batch", func(lines []string, idle int) bool { return idle >= 2 })
	stop()
	wantLines(t, c, numbered("a", 1, 3)+"a4 start end\n")
}

// TestFollowTooLong: a too-long line that grows while followed is counted
// once its newline comes.
func TestFollowTooLong(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	appendFile(t, path, "a1\n"+strings.Repeat("y", 100))
	o := fastFollow
	o.MaxLineBytes, o.ChunkBytes = 50, 64
	c, _, stop := follow(t, path, o)
	c.waitFor("an idle batch", func(lines []string, idle int) bool { return idle >= 1 })
	appendFile(t, path, strings.Repeat("y", 100)+"\na3\n")
	c.waitFor("the line after the long one", hasLines(3))
	stop()
	if lines, _ := c.snapshot(); !slices.Equal(lines, []string{"a1", tooLongMark, "a3"}) {
		t.Errorf("unexpected lines %q; want a1, a too-long line, a3", lines)
	}
}

func TestFollowStdin(t *testing.T) {
	f, err := Open("-", strings.NewReader(numbered("a", 1, 3)), fastFollow)
	if err != nil {
		t.Fatal(err)
	}
	c, err := readAll(t, f)
	if err != nil || !slices.Equal(c.lines, []string{"a1", "a2", "a3"}) {
		t.Errorf("unexpected result for stdin with Follow; got %q, error %v", c.lines, err)
	}
}

// TestFollowCompressedLater: a compressed file appearing at the path is
// refused like at Open.
func TestFollowCompressedLater(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	f, err := Open(path, nil, fastFollow)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, gzipBytes(t, []byte("a\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, f)
	if want := "cannot follow " + path + ": gzip-compressed files cannot be followed"; err == nil || err.Error() != want {
		t.Errorf("unexpected error; got %v; want %q", err, want)
	}
}
