// Package window holds the event-time windows the detectors read: the
// open [Window] that lines are counted into (exact tables, mergeable), the
// compact [Closed] form a window takes once the watermark passes it, and
// the [Watermark] that decides when that is.
//
// A window covers [Start, Start+Config.Size). Windows are mergeable: the
// engine counts a chunk of lines into windows of its own and merges them
// into the shared open windows in input order, so that the result does
// not depend on how many workers counted them.
//
// Concurrency: a Window is not safe for concurrent use; a Closed window is
// read-only once made and may be shared.
package window
