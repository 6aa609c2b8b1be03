package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline/ingest"
	"github.com/vigil-ops/vigil/pipeline/pgmon"
	"github.com/vigil-ops/vigil/pipeline/probe"
)

// monitorConfig is the command line of the PostgreSQL monitor and the
// probes (docs/monitor.md).
type monitorConfig struct {
	pg       string
	interval time.Duration
	probes   probeList
	topic    string
}

// monitorFlags registers the monitor's flags.
func monitorFlags(fs *pflag.FlagSet, m *monitorConfig) {
	fs.StringVar(&m.pg, "pg-monitor", "", "PostgreSQL DSN of a server to watch (connections, long queries, pg_stat_statements), read only; one instance of the group polls it (docs/monitor.md)")
	fs.DurationVar(&m.interval, "pg-monitor-interval", pgmon.DefaultInterval, "time between polls of --pg-monitor")
	fs.Var(&m.probes, "probe", "health-check probe NAME=URL[,expect=TEXT][,every=30s][,timeout=5s][,severity=P1|P2] (repeatable; in VIGIL_PROBE one a line); one instance of the group runs them")
	fs.StringVar(&m.topic, "monitor-topic", ingest.DefaultMonitorTopic, "existing Kafka topic that gets the samples of --pg-monitor and --probe, and that the group consumes")
}

// probeList is --probe: each value one spec, or several a line each (the
// environment variable).
type probeList []probe.Spec

func (p *probeList) Set(v string) error {
	for line := range strings.Lines(v) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		sp, err := probe.ParseSpec(line)
		if err != nil {
			return err
		}
		*p = append(*p, sp)
	}
	return nil
}

func (p *probeList) String() string {
	names := make([]string, len(*p))
	for i, sp := range *p {
		names[i] = sp.Name
	}
	return strings.Join(names, ",")
}

func (p *probeList) Type() string { return "NAME=URL[,...]" }

// monitorOptions returns the Monitor's options of c, nil when there is
// nothing to watch; the monitor topic joins the consumed topics.
func monitorOptions(c *config) (*ingest.MonitorOptions, error) {
	m := &c.monitor
	if m.pg == "" && len(m.probes) == 0 {
		return nil, nil
	}
	o := &c.opts
	switch {
	case o.Engine.Format != "" || o.Engine.LogFormat != "":
		return nil, errors.New("cannot read the samples of --pg-monitor and --probe as --format or --log-format: leave the formats detected per partition")
	case m.topic == "":
		return nil, errors.New("cannot write the monitor's samples without --monitor-topic")
	case m.interval <= 0:
		return nil, fmt.Errorf("cannot use --pg-monitor-interval %s: want a positive duration", m.interval)
	}
	if !slices.Contains(o.Kafka.Topics, m.topic) {
		o.Kafka.Topics = append(o.Kafka.Topics, m.topic)
	}
	return &ingest.MonitorOptions{
		Kafka: o.Kafka,
		Topic: m.topic,
		DSN:   o.DSN,
		Group: o.Kafka.Group,
		// Long queries from the rule's threshold, when it is below the
		// monitor's floor (no rules file: the defaults, above it).
		PG:     pgmon.Options{DSN: m.pg, Interval: m.interval, LongQuery: pgmon.LongQueryFloor(o.Engine.Rules.Metrics.LongQuery.Threshold)},
		Probes: m.probes,
	}, nil
}

var (
	probeSuccessDesc = prometheus.NewDesc("vigil_probe_success",
		"Whether the last check of each probe passed (1) or failed (0), on the instance that runs the probes.",
		[]string{"probe", "url"}, nil)
	probeDurationDesc = prometheus.NewDesc("vigil_probe_duration_seconds",
		"How long the last check of each probe took, to the end of its body or to its failure.",
		[]string{"probe", "url"}, nil)
	probeChecksDesc = prometheus.NewDesc("vigil_probe_checks_total",
		"Checks of each probe run by this instance, by outcome (passed, failed).",
		[]string{"probe", "outcome"}, nil)
	monitorLeadingDesc = prometheus.NewDesc("vigil_monitor_leading",
		"1 while this instance runs the group's PostgreSQL monitor and probes, else 0.", nil, nil)
	monitorWriteErrorsDesc = prometheus.NewDesc("vigil_monitor_write_errors_total",
		"Writes of monitor and probe samples to the monitor topic that failed (their samples are lost).", nil, nil)
)

// monitorStats is what monitorCollector reads: an ingest.Monitor, or a
// fake in tests.
type monitorStats interface {
	ProbeStats() []probe.Stats
	Leading() bool
	WriteErrors() uint64
}

// monitorCollector exports the probes' results and the monitor's state.
type monitorCollector struct{ m monitorStats }

func (c monitorCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{probeSuccessDesc, probeDurationDesc, probeChecksDesc, monitorLeadingDesc, monitorWriteErrorsDesc} {
		ch <- d
	}
}

func (c monitorCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.m.ProbeStats() {
		ch <- prometheus.MustNewConstMetric(probeChecksDesc, prometheus.CounterValue, float64(s.Checks-s.Failures), s.Name, "passed")
		ch <- prometheus.MustNewConstMetric(probeChecksDesc, prometheus.CounterValue, float64(s.Failures), s.Name, "failed")
		if s.Checks == 0 {
			continue // no last check to show
		}
		ok := 0.0
		if s.Success {
			ok = 1
		}
		ch <- prometheus.MustNewConstMetric(probeSuccessDesc, prometheus.GaugeValue, ok, s.Name, s.URL)
		ch <- prometheus.MustNewConstMetric(probeDurationDesc, prometheus.GaugeValue, s.Duration.Seconds(), s.Name, s.URL)
	}
	leading := 0.0
	if c.m.Leading() {
		leading = 1
	}
	ch <- prometheus.MustNewConstMetric(monitorLeadingDesc, prometheus.GaugeValue, leading)
	ch <- prometheus.MustNewConstMetric(monitorWriteErrorsDesc, prometheus.CounterValue, float64(c.m.WriteErrors()))
}

// startMonitor starts the monitor of c, if it has one: it runs until ctx
// is done, and wait waits for its end. collector exports its state; nil
// without a monitor.
func startMonitor(ctx context.Context, c *config, logf func(string, ...any)) (collector prometheus.Collector, wait func(), err error) {
	if c.monitorOpts == nil {
		return nil, func() {}, nil
	}
	o := *c.monitorOpts
	o.Logf = logf
	m, err := ingest.NewMonitor(o)
	if err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx)
	}()
	return monitorCollector{m}, func() { <-done }, nil
}
