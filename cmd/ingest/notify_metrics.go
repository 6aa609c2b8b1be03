package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-ops/vigil/pipeline/notify"
)

var (
	notifyEventsDesc = prometheus.NewDesc("vigil_ingest_notify_events_total",
		"Incident events offered to each output (sink), by outcome: sent (acknowledged), dropped (never to be delivered), coalesced (replaced in a full queue by a newer event of the same incident).",
		[]string{"sink", "outcome"}, nil)
	notifyFailedDesc = prometheus.NewDesc("vigil_ingest_notify_failed_attempts_total",
		"Failed delivery attempts to each output, retries and re-sends included.",
		[]string{"sink"}, nil)
	notifyResentDesc = prometheus.NewDesc("vigil_ingest_notify_resends_total",
		"Successful re-sends of the open incidents to each Alertmanager.",
		[]string{"sink"}, nil)
	notifyQueueDesc = prometheus.NewDesc("vigil_ingest_notify_queue_length",
		"Incident events waiting for each output, the one being delivered included.",
		[]string{"sink"}, nil)
)

// notifyCollector exports the incident outputs' counters.
type notifyCollector struct{ stats func() []notify.Stats }

func (c notifyCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{notifyEventsDesc, notifyFailedDesc, notifyResentDesc, notifyQueueDesc} {
		ch <- d
	}
}

func (c notifyCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.stats() {
		for outcome, n := range map[string]uint64{"sent": s.Sent, "dropped": s.Dropped, "coalesced": s.Coalesced} {
			ch <- prometheus.MustNewConstMetric(notifyEventsDesc, prometheus.CounterValue, float64(n), s.Sink, outcome)
		}
		ch <- prometheus.MustNewConstMetric(notifyFailedDesc, prometheus.CounterValue, float64(s.Failed), s.Sink)
		ch <- prometheus.MustNewConstMetric(notifyResentDesc, prometheus.CounterValue, float64(s.Resent), s.Sink)
		ch <- prometheus.MustNewConstMetric(notifyQueueDesc, prometheus.GaugeValue, float64(s.Queued), s.Sink)
	}
}
