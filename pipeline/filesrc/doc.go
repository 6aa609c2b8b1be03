// Package filesrc is the file source of the engine: it reads a file,
// standard input, a FIFO or a followed file (tail -F) and emits
// pipeline.Batch values of whole lines, in input order, through the
// pipeline.Source seam.
//
// Compression (gzip, zstd) is recognised by magic bytes, not by name;
// concatenated gzip members are one input. A damaged compressed input
// gives every whole line read before the damage, then a *DamagedError
// saying how far reading got; trailing garbage after gzip data is
// ignored with a warning in Info, as gzip -d does.
//
// Lines longer than Options.MaxLineBytes are skipped and counted
// (Batch.TooLong); line numbers count them, also across the rotations of
// a followed file.
//
// Memory: a File holds at most Options.Buffers chunk buffers of
// Options.ChunkBytes each; Batch.Data is a slice of one of them, valid
// until the batch's Done is called, which gives the buffer back. In steady
// state reading costs no allocation per batch.
//
// Concurrency: Read runs on one goroutine the caller provides and calls
// emit on it, in input order; emit may block (back-pressure). Done may be
// called from any goroutine. Info is safe for concurrent use. Pipes,
// FIFOs and terminals are read on a helper goroutine that Read abandons
// when ctx is done, so that a Ctrl-C does not wait for an idle writer; the
// helper exits when its blocked read returns.
//
// Follow mode: the file is read to its end, then polled every
// Options.Poll for growth, truncation (read again from the start) and
// rotation by rename (the old file is read to its end, then the new one
// from its start); a missing file is waited for. A partial last line is
// held back until its newline comes; at the end of a rotated file it is a
// line of its own, after a truncation and when ctx ends it is dropped.
// After Options.Idle without new data one Batch with Idle set is emitted.
//
// Usage:
//
//	f, err := filesrc.Open(path, os.Stdin, filesrc.Options{Follow: follow})
//	if err != nil {
//		return err
//	}
//	err = f.Read(ctx, func(b pipeline.Batch) error {
//		count(b.Data) // parse the lines
//		b.Done()      // b.Data may not be used after this
//		return nil
//	})
//	var damaged *filesrc.DamagedError
//	if errors.As(err, &damaged) {
//		// the whole lines before the damage were emitted
//	}
package filesrc
