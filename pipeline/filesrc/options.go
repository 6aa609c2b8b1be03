package filesrc

import "time"

// Defaults of the Options fields.
const (
	DefaultChunkBytes   = 1 << 20
	DefaultMaxLineBytes = 64 << 10
	DefaultBuffers      = 4
	DefaultPoll         = 250 * time.Millisecond
	DefaultIdle         = 5 * time.Second
)

// Options configure a File. The zero value means every default; a
// negative value means the default too.
type Options struct {
	// ChunkBytes is the size of a chunk buffer in bytes: a batch holds at
	// most this many bytes of input. It is raised to MaxLineBytes+1 when
	// smaller, so that a line of the maximum length and its newline fit.
	// Default: DefaultChunkBytes (1 MiB).
	ChunkBytes int
	// MaxLineBytes is the length in bytes, not counting the newline, of
	// the longest line kept. A longer line is skipped up to its newline
	// and counted in Batch.TooLong of the next batch; it still counts as
	// a line, so line numbers stay right.
	// Default: DefaultMaxLineBytes (64 KiB).
	MaxLineBytes int
	// Buffers is how many chunk buffers may be in flight: emitted and not
	// yet released by Batch.Done. Read waits for a release beyond that,
	// so the memory a File holds is at most Buffers × ChunkBytes.
	// Default: DefaultBuffers (4).
	Buffers int
	// Follow keeps reading a plain file after its end, like tail -F: it
	// survives rotation by rename, truncation, and a file that does not
	// exist yet. Compressed files cannot be followed; standard input and
	// pipes are read to their end as without Follow. Default: false.
	Follow bool
	// Poll is how often a followed file at its end is checked for new
	// data, rotation and truncation. Default: DefaultPoll (250ms).
	Poll time.Duration
	// Idle is how long a followed file may go without new data before
	// Read emits one Batch with Idle set; it is emitted once per idle
	// period, not again until data has come.
	// Default: DefaultIdle (5s).
	Idle time.Duration
}

func (o Options) withDefaults() Options {
	if o.ChunkBytes <= 0 {
		o.ChunkBytes = DefaultChunkBytes
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	o.ChunkBytes = max(o.ChunkBytes, o.MaxLineBytes+1)
	if o.Buffers <= 0 {
		o.Buffers = DefaultBuffers
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.Idle <= 0 {
		o.Idle = DefaultIdle
	}
	return o
}
