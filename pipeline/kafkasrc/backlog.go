package kafkasrc

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Backlog asks the partition's leader how many messages it holds past the
// last processed one (past the earliest one when nothing is processed
// yet). Lag says the same from the last fetch, without a request, but
// only once a message was read: Backlog is what tells an empty partition
// from one whose reader has not fetched yet. It takes one request, within
// Options.DialTimeout.
func (p *Partition) Backlog(ctx context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, p.opts.DialTimeout)
	defer cancel()
	var errs []error
	for _, b := range p.opts.Brokers {
		conn, err := p.dialer.DialLeader(ctx, "tcp", b, p.tp.Topic, p.tp.Partition)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		conn.SetDeadline(time.Now().Add(p.opts.Timeout))
		first, last, err := conn.ReadOffsets()
		conn.Close()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pos := p.Processed()
		if pos < 0 {
			pos = first
		}
		return max(last-pos, 0), nil
	}
	return 0, fmt.Errorf("kafka offsets %s: %w", p.name, errors.Join(errs...))
}
