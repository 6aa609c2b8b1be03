package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// WriteJSON writes r as indented JSON followed by a newline, in the form
// documented in docs/report.md (see [Report.MarshalJSON]).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(newJSONReport(r))
}

// MarshalJSON writes r in the form documented in docs/report.md: schema
// set to [Schema], times RFC 3339 in UTC ("" when zero; options.since and
// options.until omitted when zero), durations as whole seconds, nil lists
// as [] so that consumers never see null where the schema has a list.
// Map keys are sorted, so the output is deterministic.
func (r Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(newJSONReport(&r))
}

// UnmarshalJSON reads the form [Report.MarshalJSON] writes. Unknown keys
// are ignored, as docs/report.md asks of consumers.
func (r *Report) UnmarshalJSON(b []byte) error {
	var j jsonReport
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = j.report()
	return nil
}

// jsonReport is the JSON form of a Report: the same keys in the same
// order, with times and durations formatted for the contract, and each
// incident's runbook derived from its kind and severity as every
// rendering does. A test checks that it has every key of the model.
type jsonReport struct {
	Schema              string            `json:"schema"`
	Input               Input             `json:"input"`
	TimeRange           jsonTimeRange     `json:"time_range"`
	Requests            Requests          `json:"requests"`
	Latency             Latency           `json:"latency_ms"`
	Endpoints           []Endpoint        `json:"endpoints"`
	TopIPs              []Count           `json:"top_ips"`
	TopAuthFailureIPs   []Count           `json:"top_auth_failure_ips"`
	TopUsers            []Count           `json:"top_users"`
	UniqueIPs           uint64            `json:"unique_ips"`
	UniqueIPsExact      bool              `json:"unique_ips_exact"`
	UserAgents          []UserAgent       `json:"user_agents"`
	UserAgentClasses    []Count           `json:"user_agent_classes"`
	Timeline            []jsonTimelineRow `json:"timeline"`
	TimelineStepSeconds int64             `json:"timeline_step_seconds"`
	AppErrors           uint64            `json:"app_errors"`
	Incidents           []jsonIncident    `json:"incidents"`
	Metrics             []jsonMetric      `json:"metrics,omitempty"`
	Exact               Exactness         `json:"exact"`
	Options             jsonOptions       `json:"options"`
}

// jsonMetric is a MetricSeries with its durations in seconds.
type jsonMetric struct {
	Metric           string            `json:"metric"`
	Subject          string            `json:"subject"`
	Samples          uint64            `json:"samples"`
	Min              float64           `json:"min"`
	Mean             float64           `json:"mean"`
	P95              float64           `json:"p95"`
	Max              float64           `json:"max"`
	Exact            bool              `json:"exact"`
	Threshold        float64           `json:"threshold"`
	Direction        string            `json:"direction"`
	Statistic        string            `json:"statistic"`
	WindowSeconds    int64             `json:"window_seconds"`
	CrossingSeconds  int64             `json:"crossing_seconds"`
	Points           []jsonMetricPoint `json:"points"`
	PointStepSeconds int64             `json:"point_step_seconds"`
}

type jsonMetricPoint struct {
	Start jsonTime `json:"start"`
	Value float64  `json:"value"`
}

func newJSONMetric(m *MetricSeries) jsonMetric {
	j := jsonMetric{
		Metric: m.Metric, Subject: m.Subject, Samples: m.Samples, Min: m.Min, Mean: m.Mean, P95: m.P95, Max: m.Max,
		Exact: m.Exact, Threshold: m.Threshold, Direction: m.Direction, Statistic: m.Statistic,
		WindowSeconds: seconds(m.Window), CrossingSeconds: seconds(m.Crossing), Points: make([]jsonMetricPoint, len(m.Points)), PointStepSeconds: seconds(m.PointStep),
	}
	for i, p := range m.Points {
		j.Points[i] = jsonMetricPoint{jsonTime(p.Start), p.Value}
	}
	return j
}

func (j *jsonMetric) series() MetricSeries {
	m := MetricSeries{
		Metric: j.Metric, Subject: j.Subject, Samples: j.Samples, Min: j.Min, Mean: j.Mean, P95: j.P95, Max: j.Max,
		Exact: j.Exact, Threshold: j.Threshold, Direction: j.Direction, Statistic: j.Statistic,
		Window: time.Duration(j.WindowSeconds) * time.Second, Crossing: time.Duration(j.CrossingSeconds) * time.Second, PointStep: time.Duration(j.PointStepSeconds) * time.Second,
	}
	for _, p := range j.Points {
		m.Points = append(m.Points, MetricPoint{time.Time(p.Start), p.Value})
	}
	return m
}

type jsonTimeRange struct {
	Start jsonTime `json:"start"`
	End   jsonTime `json:"end"`
}

type jsonTimelineRow struct {
	Start     jsonTime `json:"start"`
	Requests  uint64   `json:"requests"`
	Errors5xx uint64   `json:"errors_5xx"`
	P95       float64  `json:"p95_ms"`
	AppErrors uint64   `json:"app_errors"`
}

type jsonIncident struct {
	ID        string            `json:"id"`
	Severity  incident.Severity `json:"severity"`
	Kind      incident.Kind     `json:"kind"`
	Subject   string            `json:"subject"`
	Status    incident.Status   `json:"status"`
	Start     jsonTime          `json:"start"`
	End       jsonTime          `json:"end"`
	Peak      jsonPeak          `json:"peak"`
	Threshold float64           `json:"threshold"`
	Summary   string            `json:"summary"`
	Evidence  incident.Evidence `json:"evidence"`
	Runbook   incident.Runbook  `json:"runbook"`
	// SupersededBy appears only in the event that supersedes an incident.
	SupersededBy string `json:"superseded_by,omitempty"`
}

type jsonPeak struct {
	Value float64  `json:"value"`
	At    jsonTime `json:"at"`
}

type jsonOptions struct {
	Top             int      `json:"top"`
	Exact           bool     `json:"exact"`
	Since           jsonTime `json:"since,omitzero"`
	Until           jsonTime `json:"until,omitzero"`
	WindowSeconds   int64    `json:"window_seconds"`
	LatenessSeconds int64    `json:"lateness_seconds"`
}

// jsonTime is a time in the contract's form: RFC 3339 in UTC, with a
// fraction only when the time has one ("2015-05-17T10:05:03Z",
// "2015-05-17T10:05:03.25Z"), and "" for the zero time.
type jsonTime time.Time

func (t jsonTime) IsZero() bool { return time.Time(t).IsZero() }

func (t jsonTime) MarshalText() ([]byte, error) {
	if t.IsZero() {
		return []byte{}, nil
	}
	// RFC3339Nano drops trailing zeros, so whole seconds come out as RFC3339.
	return time.Time(t).UTC().AppendFormat(nil, time.RFC3339Nano), nil
}

func (t *jsonTime) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = jsonTime{}
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, string(b))
	*t = jsonTime(v.UTC())
	return err
}

func newJSONReport(r *Report) *jsonReport {
	in := r.Input
	in.Files = nonNil(in.Files)
	in.MalformedReasons = nonNil(in.MalformedReasons)
	in.MalformedSamples = nonNil(in.MalformedSamples)
	q := r.Requests
	if q.Status == nil {
		q.Status = map[string]uint64{}
	}
	j := &jsonReport{
		Schema:              Schema,
		Input:               in,
		TimeRange:           jsonTimeRange{Start: jsonTime(r.TimeRange.Start), End: jsonTime(r.TimeRange.End)},
		Requests:            q,
		Latency:             r.Latency,
		Endpoints:           nonNil(r.Endpoints),
		TopIPs:              nonNil(r.TopIPs),
		TopAuthFailureIPs:   nonNil(r.TopAuthFailureIPs),
		TopUsers:            nonNil(r.TopUsers),
		UniqueIPs:           r.UniqueIPs,
		UniqueIPsExact:      r.UniqueIPsExact,
		UserAgents:          nonNil(r.UserAgents),
		UserAgentClasses:    nonNil(r.UserAgentClasses),
		Timeline:            make([]jsonTimelineRow, len(r.Timeline)),
		TimelineStepSeconds: seconds(r.TimelineStep),
		AppErrors:           r.AppErrors,
		Incidents:           make([]jsonIncident, len(r.Incidents)),
		Exact:               r.Exact,
		Options:             newJSONOptions(&r.Options),
	}
	for i, row := range r.Timeline {
		j.Timeline[i] = jsonTimelineRow{jsonTime(row.Start), row.Requests, row.Errors5xx, row.P95, row.AppErrors}
	}
	for i := range r.Incidents {
		j.Incidents[i] = newJSONIncident(&r.Incidents[i])
	}
	for i := range r.Metrics {
		j.Metrics = append(j.Metrics, newJSONMetric(&r.Metrics[i]))
	}
	return j
}

func newJSONIncident(in *incident.Incident) jsonIncident {
	e := in.Evidence
	e.Endpoints, e.Clients, e.Status = nonNil(e.Endpoints), nonNil(e.Clients), nonNil(e.Status)
	return jsonIncident{
		ID: in.ID, Severity: in.Severity, Kind: in.Kind, Subject: in.Subject, Status: in.Status,
		Start: jsonTime(in.Start), End: jsonTime(in.End),
		Peak:      jsonPeak{Value: in.Peak.Value, At: jsonTime(in.Peak.At)},
		Threshold: in.Threshold, Summary: in.Summary, Evidence: e, Runbook: runbook(in),
		SupersededBy: in.SupersededBy,
	}
}

func newJSONOptions(o *ReportOptions) jsonOptions {
	return jsonOptions{
		Top: o.Top, Exact: o.Exact, Since: jsonTime(o.Since), Until: jsonTime(o.Until),
		WindowSeconds: seconds(o.Window), LatenessSeconds: seconds(o.Lateness),
	}
}

// report is the inverse of newJSONReport, but for the lists it made
// non-nil.
func (j *jsonReport) report() Report {
	r := Report{
		Schema:            j.Schema,
		Input:             j.Input,
		TimeRange:         TimeRange{Start: time.Time(j.TimeRange.Start), End: time.Time(j.TimeRange.End)},
		Requests:          j.Requests,
		Latency:           j.Latency,
		Endpoints:         j.Endpoints,
		TopIPs:            j.TopIPs,
		TopAuthFailureIPs: j.TopAuthFailureIPs,
		TopUsers:          j.TopUsers,
		UniqueIPs:         j.UniqueIPs,
		UniqueIPsExact:    j.UniqueIPsExact,
		UserAgents:        j.UserAgents,
		UserAgentClasses:  j.UserAgentClasses,
		TimelineStep:      time.Duration(j.TimelineStepSeconds) * time.Second,
		AppErrors:         j.AppErrors,
		Exact:             j.Exact,
		Options: ReportOptions{
			Top: j.Options.Top, Exact: j.Options.Exact,
			Since: time.Time(j.Options.Since), Until: time.Time(j.Options.Until),
			Window:   time.Duration(j.Options.WindowSeconds) * time.Second,
			Lateness: time.Duration(j.Options.LatenessSeconds) * time.Second,
		},
	}
	for _, row := range j.Timeline {
		r.Timeline = append(r.Timeline, TimelineRow{time.Time(row.Start), row.Requests, row.Errors5xx, row.P95, row.AppErrors})
	}
	for _, in := range j.Incidents {
		r.Incidents = append(r.Incidents, incident.Incident{
			ID: in.ID, Severity: in.Severity, Kind: in.Kind, Subject: in.Subject, Status: in.Status,
			Start: time.Time(in.Start), End: time.Time(in.End),
			Peak:      incident.Peak{Value: in.Peak.Value, At: time.Time(in.Peak.At)},
			Threshold: in.Threshold, Summary: in.Summary, Evidence: in.Evidence, Runbook: in.Runbook,
			SupersededBy: in.SupersededBy,
		})
	}
	for i := range j.Metrics {
		r.Metrics = append(r.Metrics, j.Metrics[i].series())
	}
	return r
}

// seconds is d in whole seconds, truncated.
func seconds(d time.Duration) int64 { return int64(d / time.Second) }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// jsonEvent is an incident event as analyze --follow -o json prints it.
type jsonEvent struct {
	Event    incident.EventType `json:"event"`
	Seq      uint64             `json:"seq"`
	Incident jsonIncident       `json:"incident"`
}

// WriteEventJSON writes e as one line of JSON, its incident in the same
// form as the report's incidents.
func WriteEventJSON(w io.Writer, e *incident.Event) error {
	return json.NewEncoder(w).Encode(jsonEvent{Event: e.Type, Seq: e.Seq, Incident: newJSONIncident(&e.Incident)})
}

// MarshalIncident returns in as JSON in the same form as the report's
// incidents (what a store keeps and a webhook sends).
func MarshalIncident(in *incident.Incident) ([]byte, error) {
	return json.Marshal(newJSONIncident(in))
}
