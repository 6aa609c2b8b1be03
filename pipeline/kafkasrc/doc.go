// Package kafkasrc is the Kafka source of the engine: a member of a
// consumer group (github.com/segmentio/kafka-go) whose assigned
// partitions are pipeline.Source values emitting batches of whole log
// lines through the pipeline.Batch seam.
//
// One source per partition: Kafka orders messages within a partition
// only, and the engine keeps its order, watermark and window state per
// source; the windows of issue 8 are per partition, and Batch.Offset is a
// single number that means something only within one partition. A
// generation's [Generation.Partitions] are therefore separate sources,
// named "topic/partition" in their Info.
//
// Lines: each message value is one line, one trailing newline dropped; a
// value with newlines inside is several lines. Batch.Data holds whole
// messages, every line ending in '\n'. A line longer than
// Options.MaxLineBytes is skipped and counted in Batch.TooLong (line
// numbers count it as if it came first in its message), and its whole
// message goes to Options.OnTooLong, when set (to a [DeadLetter], say).
// An empty value is an empty line. Batch.Offset is the offset after the
// batch's last message: the position pipeline.Batch asks for, and the
// offset Kafka commits, OnAssign returns and a store keeps, so that no
// caller adds 1. Batch.LineOffset maps a line number of the batch to the
// offset of its message (a binary search over the batch's messages, whose
// first lines are recorded in a slice the partition reuses), so that the
// engine's samples of rejected lines say which message they come from.
//
// Offsets and delivery: Kafka gives at-least-once; effectively-once comes
// from storing the offsets with the state (issue 8, PostgreSQL). Batch.Done
// marks a batch processed; [Partition.Processed] is the offset after the
// last batch that is Done together with every batch before it. Nothing is
// committed by the source: the caller stores its state with the processed
// offsets, then calls [Group.Commit] (Kafka's committed offsets then
// follow the stored ones, for lag tools). On assignment, Options.OnAssign
// says where each partition starts (the stored offset); without it, or
// when it has none, the group's committed offset is used, else the
// earliest.
//
// Generations and rebalances: [Group.Next] returns one [Generation] per
// join of the group. When it ends (a member joins or leaves, the
// coordinator is lost, Close), the Read of each of its partitions emits
// the batch it was gathering and returns nil, and the member rejoins only
// after every Read has returned: a partition is released before another
// member can be assigned it (kafka-go's eager protocol). The caller then
// calls Next again and reads the new partitions, starting from its stored
// offsets. Generation.ID grows with each generation, so that a store can
// refuse a write from an older one.
//
// Faults: a broker that goes away is reconnected with backoff (the
// partition readers retry from 100ms up to Options.Backoff; the group
// rejoins after Options.Backoff), the errors going to Options.OnError. A
// fetch error that retrying cannot fix (authorization) ends Read with
// "kafka fetch topic/partition: ...". Every blocking call takes a
// context and returns promptly when it is done.
//
// Dead letters: [DeadLetter] writes rejected messages (the whole value,
// or a rejected line of it) to a topic of their own, with the reason and
// "topic/partition@offset" in headers, through a bounded queue: Send
// never blocks, and drops and counts what the queue cannot take, so that
// a slow or absent dead-letter topic never holds the stream back. Like
// the stream, it is at-least-once: a message read again after a
// rebalance or a restart is rejected again.
//
// Memory: a partition holds at most Options.Buffers batch buffers of
// about Options.BatchBytes (more only for a single message larger than
// that), plus what kafka-go's reader prefetches (up to 100 messages).
// Batch.Data and Batch.LineOffset are valid until Done, which gives the
// buffer back; Read waits for a Done when Buffers batches are in flight
// (back-pressure). The only allocations per message are kafka-go's own
// (the message and its value).
//
// Concurrency: Read runs on the goroutine the caller provides, one per
// partition, and calls emit and Options.OnTooLong there in offset order;
// emit may block, OnTooLong must not. Done, Processed, Lag, Info,
// Group.Commit and Group.Next may be called from any goroutine.
//
// Usage:
//
//	g, err := kafkasrc.New(kafkasrc.Options{
//		Brokers: brokers, Topics: topics, Group: "vigil",
//		OnAssign: store.Offset, // from PostgreSQL
//	})
//	if err != nil {
//		return err
//	}
//	defer g.Close()
//	for {
//		gen, err := g.Next(ctx)
//		if err != nil {
//			return err // ctx.Err(), ErrClosed, or OnAssign's error
//		}
//		// Run the engine over gen.Sources() until they all return; per
//		// flush, store the state with gen.Processed() in one
//		// transaction, then g.Commit(ctx, thoseOffsets).
//	}
package kafkasrc
