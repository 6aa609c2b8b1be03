package filesrc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// follower reads a plain file like tail -F: to its end, then polls it for
// growth, truncation and rotation, and waits for it when it does not exist
// (yet, or for a while). It runs on the caller's goroutine: reads of a
// regular file at its end return at once, and the waits between polls
// watch ctx.
//
// Rotation by rename: when the path names another file, the old one is
// read to its end first, then the new one from its start. Bytes the writer
// appends to the old file after that are not read (as with tail -F).
// Truncation (copytruncate): when the file is shorter than what was read,
// it is read again from its start. A truncation followed by more writes
// than had been read, within one Poll, goes unnoticed.
type follower struct {
	f        *File
	fd       *os.File // nil while the path names no file
	id       os.FileInfo
	off      int64 // bytes read from fd
	n        int64 // bytes read from every file
	lastData time.Time
	idleSent bool
	timer    *time.Timer
}

func newFollower(f *File, fd *os.File) (*follower, error) {
	w := &follower{f: f, lastData: time.Now()}
	if fd != nil {
		id, err := fd.Stat()
		if err != nil {
			return nil, fmt.Errorf("cannot stat %s: %w", f.name, err)
		}
		w.fd, w.id = fd, id
	}
	return w, nil
}

func (w *follower) fill(ctx context.Context, p []byte) (int, status, error) {
	for {
		n, err := w.read(p)
		if n > 0 || err != nil {
			return n, stMore, err
		}
		st, again, err := w.check()
		switch {
		case err != nil:
			return 0, stMore, err
		case st != stMore:
			return 0, st, nil
		case again:
			continue
		case !w.idleSent && time.Since(w.lastData) >= w.f.opts.Idle:
			w.idleSent = true
			return 0, stIdle, nil
		}
		if err := w.sleep(ctx); err != nil {
			return 0, stMore, err
		}
	}
}

// read reads fd until p is full or the file's current end.
func (w *follower) read(p []byte) (int, error) {
	if w.fd == nil {
		return 0, nil
	}
	n := 0
	for n < len(p) {
		m, err := w.fd.Read(p[n:])
		n += m
		if err == io.EOF || m == 0 && err == nil {
			break
		}
		if err != nil {
			return n, fmt.Errorf("cannot read %s: %w", w.f.name, err)
		}
	}
	w.off += int64(n)
	w.n += int64(n)
	if n > 0 {
		w.lastData, w.idleSent = time.Now(), false
	}
	return n, nil
}

// check looks, at the end of the file, for truncation and for another
// file at the path. again asks for a read without waiting.
func (w *follower) check() (st status, again bool, err error) {
	if w.fd != nil {
		if fi, err := w.fd.Stat(); err == nil && fi.Size() < w.off {
			return w.restart(fi.Size())
		}
	}
	fi, err := os.Stat(w.f.name)
	if err != nil || w.fd != nil && os.SameFile(fi, w.id) {
		// Missing (or not readable) for now: keep reading the old file
		// and wait for the path to name a file again.
		return stMore, false, nil
	}
	if w.fd != nil {
		if old, err := w.fd.Stat(); err == nil && old.Size() > w.off {
			return stMore, true, nil // finish the old file first
		}
	}
	return w.switchFile()
}

// restart reads a truncated file again from its start.
func (w *follower) restart(size int64) (status, bool, error) {
	w.f.warn(fmt.Sprintf("%s: file truncated from %s to %s bytes; reading it again from its start",
		w.f.name, commas(uint64(w.off)), commas(uint64(size))))
	if _, err := w.fd.Seek(0, io.SeekStart); err != nil {
		return stMore, false, fmt.Errorf("cannot seek %s: %w", w.f.name, err)
	}
	w.off = 0
	return stRestart, false, nil
}

// switchFile opens the file the path now names, in place of the old one.
func (w *follower) switchFile() (status, bool, error) {
	fd, err := os.Open(w.f.name)
	if errors.Is(err, fs.ErrNotExist) {
		return stMore, false, nil // gone again: wait
	}
	if err != nil {
		return stMore, false, openError(err)
	}
	id, err := checkFollowable(w.f.name, fd)
	if err != nil {
		fd.Close()
		return stMore, false, err
	}
	old := w.fd
	w.fd, w.id, w.off = fd, id, 0
	if old == nil {
		return stMore, true, nil
	}
	old.Close()
	w.f.warn(w.f.name + ": file replaced (rotated); reading the new file from its start")
	return stFileEnd, false, nil
}

// checkFollowable returns fd's identity if it is a plain regular file.
func checkFollowable(name string, fd *os.File) (os.FileInfo, error) {
	fi, err := fd.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot stat %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("cannot follow %s: not a regular file", name)
	}
	var head [4]byte
	n, _ := fd.ReadAt(head[:], 0)
	if c := detect(head[:n]); c != None {
		return nil, fmt.Errorf("cannot follow %s: %s-compressed files cannot be followed", name, c)
	}
	return fi, nil
}

func (w *follower) sleep(ctx context.Context) error {
	if w.timer == nil {
		w.timer = time.NewTimer(w.f.opts.Poll)
	} else {
		w.timer.Reset(w.f.opts.Poll)
	}
	select {
	case <-w.timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *follower) raw() int64 { return w.n }

func (w *follower) close() {
	if w.fd != nil {
		w.fd.Close()
	}
	if w.timer != nil {
		w.timer.Stop()
	}
}
