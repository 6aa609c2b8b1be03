package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// alertmanagerBinaries are the names of Alertmanager's binary: Debian's
// package prometheus-alertmanager, and upstream's.
var alertmanagerBinaries = []string{"prometheus-alertmanager", "alertmanager"}

// amConfig routes every alert to a receiver that sends nothing.
const amConfig = `route:
  receiver: blackhole
  group_wait: 0s
receivers:
  - name: blackhole
`

// alertmanager is a real Alertmanager run by a test on a loopback port.
type alertmanager struct {
	t              *testing.T
	bin, addr, dir string
	cmd            *exec.Cmd
	exited         chan struct{}
	logs           *syncBuffer
	starts         int
}

// syncBuffer is a bytes.Buffer safe for the process's two output pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startAlertmanager starts Alertmanager with a config file and a storage
// directory of the test's, clustering off. Without the binary the test
// is skipped, except in CI (CI=true), where make deps installs it.
func startAlertmanager(t *testing.T) *alertmanager {
	t.Helper()
	var bin string
	for _, name := range alertmanagerBinaries {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot find %s on PATH (make deps installs Debian's prometheus-alertmanager)", strings.Join(alertmanagerBinaries, " or "))
		}
		t.Skipf("no %s on PATH: install Debian's prometheus-alertmanager (make deps)", strings.Join(alertmanagerBinaries, " or "))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "alertmanager.yml"), []byte(amConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	am := &alertmanager{t: t, bin: bin, addr: freeAddr(t), dir: dir, logs: &syncBuffer{}}
	t.Cleanup(func() {
		am.stop()
		if t.Failed() {
			t.Logf("alertmanager's output:\n%s", am.logs.String())
		}
	})
	am.start()
	return am
}

// freeAddr returns a loopback address with a port that was free.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start starts the process and waits until it is ready.
func (am *alertmanager) start() {
	t := am.t
	t.Helper()
	am.starts++
	am.cmd = exec.Command(am.bin,
		"--config.file="+filepath.Join(am.dir, "alertmanager.yml"),
		"--storage.path="+filepath.Join(am.dir, "data"),
		"--web.listen-address="+am.addr,
		"--cluster.listen-address=",
		"--log.level=debug")
	am.cmd.Stdout, am.cmd.Stderr = am.logs, am.logs
	fmt.Fprintf(am.logs, "--- start %d\n", am.starts)
	if err := am.cmd.Start(); err != nil {
		t.Fatalf("cannot start %s: %v", am.bin, err)
	}
	am.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		cmd.Wait()
		close(exited)
	}(am.cmd, am.exited)
	waitFor(t, "alertmanager ready", func() bool {
		select {
		case <-am.exited:
			t.Fatalf("alertmanager exited at start:\n%s", am.logs.String())
		default:
		}
		resp, err := http.Get(am.url() + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// stop ends the process (SIGTERM, then SIGKILL after 10 s).
func (am *alertmanager) stop() {
	if am.cmd == nil {
		return
	}
	am.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-am.exited:
	case <-time.After(10 * time.Second):
		am.cmd.Process.Kill()
		<-am.exited
	}
	am.cmd = nil
}

func (am *alertmanager) url() string { return "http://" + am.addr }

// gotAlert is an alert as GET /api/v2/alerts shows it.
type gotAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
}

// alerts returns the active alerts (Alertmanager's default filter:
// resolved ones are left out).
func (am *alertmanager) alerts() []gotAlert {
	t := am.t
	t.Helper()
	resp, err := http.Get(am.url() + "/api/v2/alerts")
	if err != nil {
		t.Fatalf("cannot list alerts: %v", err)
	}
	defer resp.Body.Close()
	var out []gotAlert
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("cannot decode alerts: %v", err)
	}
	return out
}

// severities returns the severity labels of the active alerts of kind.
func (am *alertmanager) severities(kind incident.Kind) string {
	var out []string
	for _, a := range am.alerts() {
		if a.Labels["kind"] == string(kind) {
			out = append(out, a.Labels["severity"])
		}
	}
	return strings.Join(out, ",")
}

// outage is an injected incident's life: opened at P2, escalated to P1,
// updated, resolved; times are recent, as in a live log.
func outage() []incident.Event {
	start := time.Now().UTC().Truncate(time.Minute).Add(-10 * time.Minute)
	in := incident.Incident{
		ID: "0badc0de0badc0de", Severity: incident.P2, Kind: incident.Outage, Subject: incident.SubjectAll,
		Status: incident.Open, Start: start, End: start.Add(2 * time.Minute),
		Peak:      incident.Peak{Value: 0.62, At: start.Add(time.Minute)},
		Threshold: 0.5,
		Summary:   "62.00% of requests failed with 5xx (threshold 50.00%)",
		Evidence:  incident.Evidence{Status: []incident.Count{{Key: "503", Count: 900}}},
	}
	p1 := in
	p1.Severity, p1.End = incident.P1, start.Add(4*time.Minute)
	upd := p1
	upd.End = start.Add(5 * time.Minute)
	res := upd
	res.Status, res.End = incident.Resolved, start.Add(7*time.Minute)
	return []incident.Event{
		{Type: incident.Opened, Seq: 1, Incident: in},
		{Type: incident.Escalated, Seq: 2, Incident: p1},
		{Type: incident.Updated, Seq: 3, Incident: upd},
		{Type: incident.ResolvedEv, Seq: 4, Incident: res},
	}
}

// TestAlertmanagerReal: an injected incident reaches a real Alertmanager
// as an alert with vigil's labels and annotations; its escalation
// replaces the P2 alert by a P1; an Alertmanager restart loses it until
// the next re-send; its resolution resolves it.
func TestAlertmanagerReal(t *testing.T) {
	am := startAlertmanager(t)
	const resend = 300 * time.Millisecond
	sink, err := NewAlertmanager(AlertmanagerOptions{URL: am.url(), Labels: map[string]string{"service": "shop", "env": "test"}, Resend: resend})
	if err != nil {
		t.Fatal(err)
	}
	o := fastOptions()
	o.Timeout = 2 * time.Second
	n := newNotifier(t, o, sink)
	events := outage()

	n.Notify(events[0])
	waitFor(t, "the P2 alert", func() bool { return am.severities(incident.Outage) == "P2" })
	n.Notify(events[1])
	waitFor(t, "the P1 alert alone", func() bool { return am.severities(incident.Outage) == "P1" })
	n.Notify(events[2])
	waitFor(t, "the update delivered", func() bool { return n.Stats()[0].Sent == 3 })

	got := am.alerts()
	if len(got) != 1 {
		t.Fatalf("unexpected alerts; got %+v; want one", got)
	}
	checkAlert(t, got[0], events[2].Incident, resend)

	// A restart forgets the alert; the next re-send brings it back.
	resent := n.Stats()[0].Resent
	am.stop()
	am.start()
	waitFor(t, "the alert back after the restart", func() bool { return am.severities(incident.Outage) == "P1" })
	if st := n.Stats()[0]; st.Resent <= resent || st.Sent != 3 {
		t.Fatalf("unexpected stats after the restart; got %+v; want more than %d re-sends, 3 events sent", st, resent)
	}
	checkAlert(t, am.alerts()[0], events[2].Incident, resend)

	n.Notify(events[3])
	waitFor(t, "the alert resolved", func() bool { return len(am.alerts()) == 0 })
	// And no re-send fires it again.
	time.Sleep(3 * resend)
	if got := am.alerts(); len(got) != 0 {
		t.Fatalf("unexpected alerts after the resolution; got %+v; want none", got)
	}
	closeNotifier(t, n)
	if st := n.Stats()[0]; st.Sent != 4 || st.Dropped != 0 {
		t.Fatalf("unexpected stats; got %+v; want 4 events sent, none dropped", st)
	}
}

// checkAlert compares an alert from Alertmanager with the incident it
// stands for.
func checkAlert(t *testing.T, a gotAlert, in incident.Incident, resend time.Duration) {
	t.Helper()
	wantLabels := map[string]string{
		"alertname": "vigil_outage", "severity": "P1", "kind": "outage", "subject": "*",
		"service": "shop", "env": "test",
	}
	if diff := cmp.Diff(wantLabels, a.Labels); diff != "" {
		t.Fatalf("unexpected labels (-want +got):\n%s", diff)
	}
	var desc strings.Builder
	report.WriteNotification(&desc, &report.Report{Incidents: []incident.Incident{in}})
	wantAnnotations := map[string]string{
		"summary":     in.Summary,
		"runbook":     "Service Outage; respond within 15 min, escalate to CTO",
		"description": strings.TrimSuffix(desc.String(), "\n"),
	}
	if diff := cmp.Diff(wantAnnotations, a.Annotations); diff != "" {
		t.Fatalf("unexpected annotations (-want +got):\n%s", diff)
	}
	if !a.StartsAt.Equal(in.Start) {
		t.Fatalf("unexpected startsAt; got %s; want %s", a.StartsAt, in.Start)
	}
	if ahead := time.Until(a.EndsAt); ahead <= 0 || ahead > firingFor*resend+time.Second {
		t.Fatalf("unexpected endsAt %s of a firing alert: %s ahead; want within %s", a.EndsAt, ahead, firingFor*resend)
	}
}

// TestAlertmanagerBody checks what the sink posts for each event: the
// firing alert with an endsAt ahead, the lower severities resolved on an
// escalation, the incident's end as endsAt on a resolution, and times
// clamped to now when the log's clock runs ahead.
func TestAlertmanagerBody(t *testing.T) {
	rc := newReceiver(t, nil)
	sink, err := NewAlertmanager(AlertmanagerOptions{URL: rc.srv.URL + "/", Resend: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	n := newNotifier(t, fastOptions(), sink)
	events := outage()
	future := events[0]
	future.Incident.ID = "f00df00df00df00d"
	future.Incident.Subject = "GET /\x1b[2J"
	future.Incident.Start = time.Now().Add(time.Hour)
	future.Incident.End = future.Incident.Start.Add(time.Minute)
	futureEnd := future
	futureEnd.Type = incident.ResolvedEv
	before := time.Now()
	for _, e := range append(events, future, futureEnd) {
		n.Notify(e)
	}
	closeNotifier(t, n)
	after := time.Now()
	type state struct {
		Severity, Subject string
		Firing            bool
	}
	var got [][]state
	for i, b := range rc.got() {
		if rc.paths[i] != alertsPath {
			t.Fatalf("unexpected path; got %q; want %q", rc.paths[i], alertsPath)
		}
		var alerts []gotAlert
		if err := json.Unmarshal([]byte(b), &alerts); err != nil {
			t.Fatalf("cannot decode %s: %v", b, err)
		}
		var post []state
		for _, a := range alerts {
			firing := a.EndsAt.After(after)
			post = append(post, state{a.Labels["severity"], a.Labels["subject"], firing})
			switch {
			case a.EndsAt.Before(a.StartsAt):
				t.Fatalf("unexpected endsAt before startsAt in %s", b)
			case firing && a.EndsAt.Sub(before) < firingFor*time.Hour-time.Minute:
				t.Fatalf("unexpected endsAt of a firing alert in %s; want %d re-sends ahead", b, firingFor)
			case a.StartsAt.After(after):
				t.Fatalf("unexpected startsAt after now in %s", b)
			case !firing && a.Labels["subject"] == "*" && a.Labels["severity"] == "P1" && !a.EndsAt.Equal(events[3].Incident.End):
				t.Fatalf("unexpected endsAt of the resolved alert in %s; want %s", b, events[3].Incident.End)
			}
		}
		got = append(got, post)
	}
	want := [][]state{
		{{"P2", "*", true}},
		{{"P1", "*", true}, {"P2", "*", false}, {"P3", "*", false}, {"P4", "*", false}},
		{{"P1", "*", true}},
		{{"P1", "*", false}},
		{{"P2", `GET /\x1b[2J`, true}},
		{{"P2", `GET /\x1b[2J`, false}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected posts (-want +got):\n%s", diff)
	}
}

func TestAlertmanagerFailure(t *testing.T) {
	f := func(o AlertmanagerOptions, want string) {
		t.Helper()
		_, err := NewAlertmanager(o)
		if err == nil || err.Error() != want {
			t.Fatalf("unexpected error for %+v; got %v; want %q", o, err, want)
		}
	}
	f(AlertmanagerOptions{URL: "am:9093"}, `cannot send to alertmanager "am:9093": want an http or https URL`)
	f(AlertmanagerOptions{URL: "http://am:9093", Labels: map[string]string{"severity": "x"}}, `cannot use alert label "severity": vigil sets it`)
	f(AlertmanagerOptions{URL: "http://am:9093", Labels: map[string]string{"team-name": "x"}}, `cannot use alert label "team-name": not a label name`)
	f(AlertmanagerOptions{URL: "http://am:9093", Labels: map[string]string{"__name__": "x"}}, `cannot use alert label "__name__": not a label name`)
	f(AlertmanagerOptions{URL: "http://am:9093", Labels: map[string]string{"env": ""}}, `cannot use alert label "env": empty value`)
}

func TestAlertmanagerName(t *testing.T) {
	f := func(url, wantName, wantURL string) {
		t.Helper()
		a, err := NewAlertmanager(AlertmanagerOptions{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		if a.Name() != wantName || a.url != wantURL {
			t.Fatalf("unexpected name and URL of %q; got %q, %q; want %q, %q", url, a.Name(), a.url, wantName, wantURL)
		}
	}
	f("http://am:9093", "alertmanager http://am:9093", "http://am:9093/api/v2/alerts")
	f("http://am:9093/", "alertmanager http://am:9093", "http://am:9093/api/v2/alerts")
	f("https://u:secret@am/prefix/api/v2/alerts", "alertmanager https://u:xxxxx@am/prefix", "https://u:secret@am/prefix/api/v2/alerts")
}
