package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigil-ops/vigil/parsers"
)

// tailBytes is how much of the end of an input is read to find its latest
// event time; lines near the end may be out of order by a few seconds, so
// the maximum over many of them is taken.
const tailBytes = 256 << 10

// ErrLastNeedsFile is returned when Options.Last is used on standard input,
// whose end cannot be found before reading it.
var ErrLastNeedsFile = errors.New("cannot find the end of standard input before reading it: give a time to --since, or give files")

// lastEventTime returns the latest event time found at the ends of paths.
// Plain files are read from their last tailBytes; compressed ones have to
// be decompressed to their end.
func lastEventTime(paths []string, o *Options) (time.Time, error) {
	var latest int64
	for _, p := range paths {
		if p == "-" {
			return time.Time{}, ErrLastNeedsFile
		}
		t, err := fileEndTime(p, o)
		if err != nil {
			return time.Time{}, err
		}
		latest = max(latest, t)
	}
	if latest == 0 {
		return time.Time{}, errors.New("cannot apply --since DURATION: no line at the end of the input has a time")
	}
	return time.Unix(0, latest).UTC(), nil
}

func fileEndTime(path string, o *Options) (int64, error) {
	in, err := openInput(path, nil)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(in.r, head)
	head = head[:n]
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if len(head) == 0 {
		return 0, nil
	}
	f, err := chooseFormat(o, append(head[:len(head):len(head)], '\n'))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	tail, err := readTail(path, in, head)
	if err != nil {
		return 0, err
	}
	return maxTime(f.newParser(), tail), nil
}

// readTail returns the last tailBytes (or fewer) of the input whose first
// bytes, head, were already read.
func readTail(path string, in *input, head []byte) ([]byte, error) {
	if in.compression == compressionNone && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot open input: %w", err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("cannot stat %s: %w", path, err)
		}
		off := max(0, st.Size()-tailBytes)
		buf := make([]byte, st.Size()-off)
		if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("cannot read %s: %w", path, err)
		}
		return buf, nil
	}
	ring := &tailWriter{keep: tailBytes, buf: append([]byte(nil), head...)}
	if _, err := io.Copy(ring, in.r); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return ring.buf, nil
}

// tailWriter keeps the last keep bytes written to it.
type tailWriter struct {
	keep int
	buf  []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.keep {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.keep:]...)
	}
	return len(p), nil
}

// maxTime parses every line of data (the first one may be partial) and
// returns the latest event time, 0 if none has one.
func maxTime(p lineParser, data []byte) int64 {
	var r parsers.Record
	var latest int64
	for len(data) > 0 {
		var line []byte
		line, data = cutLine(data)
		if p.Parse(bytes.TrimRight(line, "\r"), &r) == nil {
			latest = max(latest, r.Time)
		}
	}
	return latest
}
