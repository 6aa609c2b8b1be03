package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression names as reported in the input summary.
const (
	compressionNone = "none"
	compressionGzip = "gzip"
	compressionZstd = "zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// input is one opened source: a file or standard input, decompressed.
type input struct {
	path        string
	compression string
	r           io.Reader
	// raw counts the bytes read from the file, before decompression.
	raw     *countingReader
	closers []io.Closer
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// openInput opens path ("-" for standard input) and recognises gzip and
// zstd by their magic bytes, so that names and extensions do not matter.
func openInput(path string, stdin io.Reader) (*input, error) {
	in := &input{path: path}
	var raw io.Reader
	if path == "-" {
		raw = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot open input: %w", err)
		}
		in.closers = append(in.closers, f)
		raw = f
	}
	in.raw = &countingReader{r: raw}
	br := bufio.NewReaderSize(in.raw, 64<<10)
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("cannot read gzip input %s: %w", path, err)
		}
		in.compression, in.r = compressionGzip, zr
		in.closers = append(in.closers, zr)
	case bytes.HasPrefix(magic, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("cannot read zstd input %s: %w", path, err)
		}
		in.compression, in.r = compressionZstd, zr.IOReadCloser()
		in.closers = append(in.closers, zr.IOReadCloser())
	default:
		in.compression, in.r = compressionNone, br
	}
	return in, nil
}

// Close releases the input's files and decoders.
func (in *input) Close() error {
	var first error
	for i := len(in.closers) - 1; i >= 0; i-- {
		if err := in.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
