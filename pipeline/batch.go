package pipeline

import "context"

// Batch is a run of whole lines of one source, handed from the source to
// the engine. It is the one seam every source feeds: files, standard
// input, followed files and Kafka partitions.
//
// Data is owned by the source until Done is called: the engine parses it
// and calls Done exactly once, after which it may not read Data again and
// the source may reuse it (a file source recycles the buffer; a Kafka
// source marks the offsets up to Offset as processed).
type Batch struct {
	// Data holds whole lines separated by '\n'; the last line may lack
	// its newline only at the end of the input. A "\r" before a newline
	// is ignored by the engine.
	Data []byte
	// Line is the 1-based number of the first line of Data in its source.
	Line uint64
	// TooLong counts lines the source skipped just before Data because
	// they exceeded the maximum line length; they count as lines.
	TooLong uint64
	// RawBytes is how many bytes the source consumed for this batch
	// (compressed bytes for compressed files), for progress reporting.
	RawBytes int64
	// Idle, on a batch without data, says that the source has had no new
	// data for its idle period: the engine closes the open windows the
	// source holds back, so that the last incidents open and resolve.
	Idle bool
	// Offset is the source's position after this batch (a Kafka offset,
	// a byte offset in a file), for sources that commit progress.
	Offset int64
	// LineOffset, for a source with a position per message (a Kafka
	// partition), returns the position (the Kafka offset) of the message
	// holding line number line of this batch: a line of Data, or one of
	// the TooLong lines before it; -1 for a line not in the batch. It is
	// valid until Done, and safe to call from the goroutine that
	// received the batch. nil when the source has no such positions.
	// The engine calls it for the rejected lines it samples
	// ([Sample.Offset]), before Done.
	LineOffset func(line uint64) int64
	// Done is called by the engine once the batch is counted. May be nil.
	Done func()
}

// Source is one input. Read sends the input's batches, in input order, to
// emit until the input ends (nil), ctx is done (ctx.Err()), emit returns
// an error (returned as is), or reading fails. An error that leaves some
// of the input read (a damaged compressed file) comes after the batches
// that were read; the engine counts them and reports the error.
//
// Read is called once, from one goroutine. emit may block: that is how
// the engine applies back-pressure.
type Source interface {
	Read(ctx context.Context, emit func(Batch) error) error
	// Info describes the source for the report. It is called after Read
	// returns, and may also be called while Read runs (for progress).
	Info() SourceInfo
}

// SourceInfo describes a source for the report.
type SourceInfo struct {
	// Name is the path, "-" for standard input, or "topic/partition".
	Name string
	// Compression is "none", "gzip" or "zstd".
	Compression string
	// Bytes counts the decompressed bytes read.
	Bytes uint64
	// Warnings are conditions met while reading that did not stop it
	// (trailing garbage after a gzip stream, a file truncated while it was
	// read, a rotation), each a sentence naming the file.
	Warnings []string
}
