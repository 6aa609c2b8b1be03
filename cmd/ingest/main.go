// Command ingest is vigil's production front door: it consumes log lines
// from Kafka in a consumer group, keeps per-partition windows, offsets
// and incidents in PostgreSQL (nothing lost, nothing counted twice), and
// serves health and metrics. See docs/ingest.md.
//
// Every flag has an environment variable (VIGIL_ and the flag's name in
// capitals, dashes as underscores: --dead-letter-topic is
// VIGIL_DEAD_LETTER_TOPIC), and a setting in the --config file (name =
// value, config.go); a flag on the command line wins over the environment,
// which wins over the file.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/ingest"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/notify"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// shutdownGrace bounds how long a stop (SIGTERM, SIGINT) may take.
const shutdownGrace = 10 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	opts      ingest.Options
	httpAddr  string
	rulesFile string
	// configFile is --config, the settings file; empty: none.
	configFile string
	events     string
	tls        tlsConfig
	notify     notify.Config
	monitor    monitorConfig
	// monitorOpts are the monitor's options, nil without one.
	monitorOpts *ingest.MonitorOptions
}

type tlsConfig struct {
	enabled            bool
	ca, cert, key      string
	insecureSkipVerify bool
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	return parse(args, stderr, os.LookupEnv)
}

// parse reads the command line, then the environment through lookup for
// the flags not given, then the config file for those still not given.
func parse(args []string, stderr io.Writer, lookup func(string) (string, bool)) (*config, error) {
	c := &config{}
	o := &c.opts
	k := &o.Kafka
	fs := pflag.NewFlagSet("ingest", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringSliceVar(&k.Brokers, "brokers", nil, "Kafka bootstrap brokers, host:port, comma-separated")
	fs.StringArrayVar(&k.Topics, "topic", nil, "topic to consume (repeatable)")
	fs.StringVar(&k.Group, "group", "vigil", "Kafka consumer group; instances of one group split the partitions")
	fs.StringVar(&o.DSN, "pg", "", "PostgreSQL connection string (postgres://user@host:5432/db)")
	fs.StringVar(&c.httpAddr, "http-addr", "127.0.0.1:9464", "address of /health and /metrics (empty: none)")
	fs.StringVar(&c.configFile, configFlag, "", "file of settings, one a line: name = value, the names those of these flags (docs/ingest.md); the command line and the environment win over it")
	fs.StringVar(&c.rulesFile, "rules", "", "incident rules file (JSON, see docs/rules.md; default: the runbook's thresholds)")
	fs.StringVar(&o.Engine.Format, "format", "", "input format (default: detected per partition from its first messages)")
	fs.StringVar(&o.Engine.LogFormat, "log-format", "", "nginx log_format, Apache LogFormat or HAProxy log-format string of the messages")
	fs.StringVar(&o.Engine.DurationUnit, "duration-unit", "", "unit of the duration field: s, ms, us or ns (default: from the format)")
	fs.StringArrayVar(&o.Engine.Fields, "field", nil, "role=name: read a role (status, path, duration, time, level, msg, ...) of JSON and logfmt messages from key name, before the built-in names; a dotted name reaches into nested JSON, e.g. status=http.status_code (repeatable)")
	fs.DurationVar(&o.Engine.Lateness, "lateness", pipeline.DefaultLateness, "how far behind the newest time of its partition a line may be and still count in its window")
	fs.DurationVar(&o.Flush, "flush", ingest.DefaultFlush, "flush interval: within it after a message is counted, its state is in PostgreSQL")
	fs.DurationVar(&o.Idle, "idle", ingest.DefaultIdle, "a partition without messages for this long stops holding detection back")
	fs.DurationVar(&o.Retention, "retention", ingest.DefaultRetention, "keep windows this long (event time behind detection's progress)")
	fs.DurationVar(&k.SessionTimeout, "session-timeout", kafkasrc.DefaultSessionTimeout, "how long the group coordinator waits for a heartbeat before it gives a member's partitions to others")
	fs.DurationVar(&k.HeartbeatInterval, "heartbeat-interval", kafkasrc.DefaultHeartbeatInterval, "how often the member tells the coordinator it is alive")
	fs.DurationVar(&k.RebalanceTimeout, "rebalance-timeout", kafkasrc.DefaultRebalanceTimeout, "how long the coordinator waits for members to rejoin in a rebalance")
	fs.StringVar(&c.events, "events", "text", "incident events on standard output: text, json (one per line) or none")
	fs.StringVar(&o.DeadLetter.Topic, "dead-letter-topic", "", "existing Kafka topic that gets a sample of the rejected lines and every message with a line too long, the reason and topic/partition@offset in headers (default: none)")
	fs.BoolVar(&c.tls.enabled, "tls", false, "connect to the brokers with TLS")
	fs.StringVar(&c.tls.ca, "tls-ca", "", "PEM file of the CA certificates that sign the brokers' (default: the system's)")
	fs.StringVar(&c.tls.cert, "tls-cert", "", "PEM file of the client certificate, for mutual TLS")
	fs.StringVar(&c.tls.key, "tls-key", "", "PEM file of the client certificate's key")
	fs.BoolVar(&c.tls.insecureSkipVerify, "tls-insecure-skip-verify", false, "do not verify the brokers' certificates (tests only)")
	fs.StringVar(&k.SASLMechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&k.SASLUser, "sasl-user", "", "SASL user name")
	fs.StringVar(&k.SASLPassword, "sasl-password", "", "SASL password (prefer the environment variable VIGIL_SASL_PASSWORD)")
	notifyFlags(fs, &c.notify)
	monitorFlags(fs, &c.monitor)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ingest --brokers HOST:PORT --topic TOPIC --pg DSN [flags]\n\nConsumes log lines from Kafka into PostgreSQL and reports incidents.\nEvery flag can also be set as VIGIL_<FLAG> in the environment, or as\n<flag> = <value> in the --config file.\n\nFlags:\n%s", fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := fromEnv(fs, lookup); err != nil {
		return nil, err
	}
	if c.configFile != "" {
		if err := fromFile(fs, c.configFile); err != nil {
			return nil, err
		}
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	switch c.events {
	case "text", "json", "none":
	default:
		return nil, fmt.Errorf("cannot print events as %q: want text, json or none", c.events)
	}
	var err error
	if c.rulesFile != "" {
		if o.Engine.Rules, err = detect.ReadRules(c.rulesFile); err != nil {
			return nil, err
		}
	}
	if k.TLS, err = c.tls.config(); err != nil {
		return nil, err
	}
	if c.monitorOpts, err = monitorOptions(c); err != nil {
		return nil, err
	}
	return c, o.Validate()
}

// fromEnv sets each flag not given on the command line from its
// environment variable, if set, and marks it given (f.Changed) for
// fromFile.
func fromEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "VIGIL_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := lookup(name)
		if !ok {
			return
		}
		if sv, isSlice := f.Value.(pflag.SliceValue); isSlice {
			err = sv.Replace(strings.Split(v, ","))
		} else {
			err = f.Value.Set(v)
		}
		if err != nil {
			err = fmt.Errorf("cannot use %s=%q: %w", name, v, err)
		}
		f.Changed = true
	})
	return err
}

func (t *tlsConfig) config() (*tls.Config, error) {
	if !t.enabled && t.ca == "" && t.cert == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.insecureSkipVerify}
	if t.ca != "" {
		pem, err := os.ReadFile(t.ca)
		if err != nil {
			return nil, fmt.Errorf("cannot read --tls-ca: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cannot read --tls-ca %s: no PEM certificate in it", t.ca)
		}
	}
	if t.cert != "" || t.key != "" {
		cert, err := tls.LoadX509KeyPair(t.cert, t.key)
		if err != nil {
			return nil, fmt.Errorf("cannot load --tls-cert/--tls-key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "ingest: %v\n", err)
		return exitUsage
	}
	logger := log.New(stderr, "ingest: ", log.LstdFlags|log.LUTC)
	o := &c.opts
	o.Logf = logger.Printf
	o.OnEvent = eventPrinter(c.events, stdout)
	notifier, err := startNotify(c, logger.Printf)
	if err != nil {
		fmt.Fprintf(stderr, "ingest: %v\n", err)
		return exitUsage
	}
	defer notifier.Stop(logger.Printf)
	var svc *ingest.Service // set before the HTTP server starts
	pages, closePages, err := newLivePages(c, func() []string { return svc.FormatWarnings() })
	if err != nil {
		fmt.Fprintf(stderr, "ingest: %v\n", err)
		return exitUsage
	}
	defer closePages()
	svc, err = ingest.New(*o)
	if err != nil {
		fmt.Fprintf(stderr, "ingest: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	monitor, waitMonitor, err := startMonitor(ctx, c, logger.Printf)
	if err != nil {
		fmt.Fprintf(stderr, "ingest: %v\n", err)
		return exitUsage
	}
	defer waitMonitor()
	httpDone := make(chan error, 1)
	if c.httpAddr != "" {
		var more []prometheus.Collector
		if notifier != nil {
			more = append(more, notifyCollector{notifier.Stats})
		}
		if monitor != nil {
			more = append(more, monitor)
		}
		h := newHandler(liveService{svc, pages}, more...)
		go func() { httpDone <- serveHTTP(ctx, c.httpAddr, h, logger.Printf) }()
	}
	runDone := make(chan error, 1)
	go func() { runDone <- svc.Run(ctx) }()
	select {
	case err = <-runDone:
	case err = <-httpDone:
		if err == nil {
			err = <-runDone
		} else {
			stop()
			<-runDone
		}
	case <-ctx.Done():
		select {
		case err = <-runDone:
		case <-time.After(shutdownGrace):
			err = fmt.Errorf("did not stop within %s", shutdownGrace)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "ingest: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// eventPrinter returns the OnEvent that prints events as asked.
func eventPrinter(form string, w io.Writer) func(incident.Event) {
	switch form {
	case "json":
		return func(e incident.Event) { report.WriteEventJSON(w, &e) }
	case "text":
		return func(e incident.Event) {
			in := &e.Incident
			fmt.Fprintf(w, "%s %s %s %s %s [%s, %s) %s\n", e.Type, in.Severity, in.Kind, in.Subject, in.ID,
				in.Start.Format(time.RFC3339), endOf(in), in.Summary)
		}
	}
	return nil
}

func endOf(in *incident.Incident) string {
	if in.End.IsZero() {
		return "…"
	}
	return in.End.Format(time.RFC3339)
}
