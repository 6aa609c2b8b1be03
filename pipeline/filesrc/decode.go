package filesrc

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression names, as in pipeline.SourceInfo.Compression.
const (
	None = "none"
	Gzip = "gzip"
	Zstd = "zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// detect names the compression whose magic bytes start head.
func detect(head []byte) string {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return Gzip
	case bytes.HasPrefix(head, zstdMagic):
		return Zstd
	}
	return None
}

// counter counts the raw bytes read through it and keeps the last read
// error, which tells a failing file from a damaged stream. n may be read
// from any goroutine.
type counter struct {
	r   io.Reader
	n   atomic.Int64
	err error
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// decoder reads an input decompressed. Its errors are io.EOF at the end,
// a *damage for a damaged stream, or a "cannot read" error for a failing
// file. Trailing garbage after gzip data is a warning, not an error, as
// with gzip -d. Not safe for concurrent use.
type decoder struct {
	name string // for messages
	raw  *counter
	br   *bufio.Reader
	r    io.Reader
	gz   *gzip.Reader
	zr   *zstd.Decoder
	warn func(string)
}

// newDecoder returns a decoder of raw, whose compression is detected from
// its first bytes; it calls kind with the compression before reading
// further. warn receives the warnings.
func newDecoder(name string, raw *counter, kind, warn func(string)) (*decoder, error) {
	d := &decoder{name: name, raw: raw, br: bufio.NewReaderSize(raw, 64<<10), warn: warn}
	comp, err := d.sniff()
	if err != nil {
		return nil, d.classify(err)
	}
	kind(comp)
	switch comp {
	case Gzip:
		if d.gz, err = gzip.NewReader(d.br); err != nil {
			return nil, d.classify(err)
		}
		// Members are read one by one to tell a next member from
		// trailing garbage (see nextMember).
		d.gz.Multistream(false)
		d.r = d.gz
	case Zstd:
		if d.zr, err = zstd.NewReader(d.br, zstd.WithDecoderConcurrency(1)); err != nil {
			return nil, d.classify(err)
		}
		d.r = d.zr
	default:
		d.r = d.br
	}
	return d, nil
}

// sniff detects the compression from the first bytes. It reads no more
// than it needs to tell: a slow pipe's first short line is not held back
// waiting for four bytes.
func (d *decoder) sniff() (string, error) {
	for n := 1; n <= len(zstdMagic); n++ {
		head, err := d.br.Peek(n)
		if err == io.EOF {
			return None, nil
		}
		if err != nil {
			return None, err
		}
		if c := detect(head); c != None {
			return c, nil
		}
		if !bytes.HasPrefix(gzipMagic, head) && !bytes.HasPrefix(zstdMagic, head) {
			return None, nil
		}
	}
	return None, nil
}

// Read reads decompressed bytes.
func (d *decoder) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err == io.EOF && d.gz != nil {
		err = d.nextMember()
	}
	if err != nil && err != io.EOF {
		err = d.classify(err)
	}
	return n, err
}

// nextMember starts the gzip member after the one that ended (cat a.gz
// b.gz is one input). Bytes that do not start with the gzip magic are
// trailing garbage: counted, warned about and ignored, like gzip -d does.
// A member that starts but breaks is damage.
func (d *decoder) nextMember() error {
	head, err := d.br.Peek(len(gzipMagic))
	switch {
	case len(head) == 0 && err == io.EOF:
		return io.EOF
	case bytes.Equal(head, gzipMagic):
		if err := d.gz.Reset(d.br); err != nil {
			return noEOF(err)
		}
		d.gz.Multistream(false)
		return nil
	case err != nil && err != io.EOF:
		return err
	}
	n, err := io.Copy(io.Discard, d.br)
	if err != nil {
		return err
	}
	d.warn(fmt.Sprintf("%s: trailing garbage after the gzip data ignored (%s bytes)", d.name, commas(uint64(n))))
	return io.EOF
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: the input ended where more
// was due.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// classify tells a failing file (its read error) from damaged data.
func (d *decoder) classify(err error) error {
	if d.raw.err != nil {
		return fmt.Errorf("cannot read %s: %w", d.name, d.raw.err)
	}
	return &damage{err: err}
}

// Close releases the decompressor; it does not close the file.
func (d *decoder) Close() {
	if d.gz != nil {
		d.gz.Close()
	}
	if d.zr != nil {
		d.zr.Close()
	}
}
