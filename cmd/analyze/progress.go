package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// progressMinBytes is the input size from which a progress line is worth
// showing; smaller inputs finish before one would be read.
const progressMinBytes = 64 << 20

// progress draws one line on a terminal while the input is read: bytes
// done, lines/s and the time left. It is safe for concurrent use.
type progress struct {
	bar   *progressbar.ProgressBar
	start time.Time
	lines atomic.Int64
}

// newProgress returns a progress line for paths, or nil when stderr is not
// a terminal, quiet is set, or the input is small. Standard input has no
// known size: it gets a spinner with counts.
func newProgress(stderr io.Writer, paths []string, quiet bool) *progress {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !isatty.IsTerminal(f.Fd()) {
		return nil
	}
	total := inputSize(paths)
	if total >= 0 && total < progressMinBytes {
		return nil
	}
	return &progress{start: time.Now(), bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionShowDescriptionAtLineEnd(),
	)}
}

// inputSize sums the sizes of the input files, or returns -1 when one is
// standard input or cannot be read (the reader will say why).
func inputSize(paths []string) int64 {
	var total int64
	for _, p := range paths {
		st, err := os.Stat(p)
		if p == "-" || err != nil {
			return -1
		}
		total += st.Size()
	}
	if len(paths) == 0 {
		return -1
	}
	return total
}

// add is the pipeline's Options.Progress callback.
func (p *progress) add(rawBytes int64, lines int) {
	n := p.lines.Add(int64(lines))
	perSec := float64(n) / time.Since(p.start).Seconds()
	p.bar.Describe(fmt.Sprintf("%d lines, %.0f lines/s", n, perSec))
	p.bar.Add64(rawBytes)
}

// finish removes the line.
func (p *progress) finish() {
	p.bar.Finish()
}
