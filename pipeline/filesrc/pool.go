package filesrc

import (
	"context"
	"sync/atomic"
)

// buffer is one chunk buffer. Several batches may share it (a too-long
// line in the middle splits a buffer in two batches): it goes back to its
// pool when the cutter and every batch have released it.
type buffer struct {
	// data has one byte more than a chunk, for the newline that ends the
	// last line of a file left by rotation.
	data []byte
	refs atomic.Int32
	free chan *buffer
	// done is release bound once, so that a batch's Done costs no
	// allocation.
	done func()
}

func (b *buffer) release() {
	switch n := b.refs.Add(-1); {
	case n == 0:
		b.free <- b
	case n < 0:
		panic("BUG: filesrc: Batch.Done called more than once")
	}
}

// pool hands out at most max buffers of size bytes, allocated lazily so
// that a small file costs one buffer. Not safe for concurrent get; release
// may come from any goroutine.
type pool struct {
	free chan *buffer
	made int
	max  int
	size int
}

func newPool(n, size int) *pool {
	return &pool{free: make(chan *buffer, n), max: n, size: size}
}

// get returns a buffer holding one reference, waiting for a release when
// max buffers are in flight.
func (p *pool) get(ctx context.Context) (*buffer, error) {
	select {
	case b := <-p.free:
		b.refs.Store(1)
		return b, nil
	default:
	}
	if p.made < p.max {
		p.made++
		b := &buffer{data: make([]byte, p.size+1), free: p.free}
		b.done = b.release
		b.refs.Store(1)
		return b, nil
	}
	select {
	case b := <-p.free:
		b.refs.Store(1)
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
