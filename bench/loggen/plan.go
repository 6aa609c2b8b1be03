package loggen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Incident kinds, with their label names and severities.
type kind uint8

const (
	kindOutage kind = iota
	kindPayment
	kindAttack
	kindExfil
	kindLatency
	kindErrorRate
	numKinds
)

var kindLabels = [numKinds]struct{ name, severity string }{
	kindOutage:    {"outage", "P1"},
	kindPayment:   {"payment_failures", "P1"},
	kindAttack:    {"attack", "P1"},
	kindExfil:     {"exfiltration", "P1"},
	kindLatency:   {"latency", "P2"},
	kindErrorRate: {"error_rate", "P2"},
}

// Incident timing, in seconds.
const (
	leadIn      = 3600 // no incident in the first hour
	quietGap    = 1200 // quiet time between incidents and after the last
	minDuration = 300
	maxDuration = 900
)

// incident is one planned incident.
type incident struct {
	kind       kind
	start, end float64 // seconds since Options.Start
	// extra is the number of lines the incident adds (attack, exfiltration);
	// they are spread evenly over [start, end).
	extra int
	// ep is the endpoint a latency incident slows down.
	ep int
	// actor is the attacker or the exfiltrating user.
	actor client
	label Label
}

// attackAgents are the user agents a credential-stuffing script sends.
var attackAgents = [...]agent{
	{ua: "python-requests/2.32.3"},
	{ua: "Go-http-client/1.1"},
	{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
}

// plan picks the incidents of a log and the number of baseline lines. The
// incidents come in a random order, last ones dropped while they do not fit
// in the baseline's time span with their lead-in and quiet gaps; the spare
// time is spread at random between the gaps.
func plan(o Options) (incs []incident, baseline int) {
	if !o.Inject {
		return nil, o.Lines
	}
	r := rand.New(rand.NewPCG(o.Seed, streamPlan))
	all := make([]incident, numKinds)
	for i, k := range r.Perm(int(numKinds)) {
		all[i] = newIncident(o.Seed, kind(k), r)
	}
	// baselines[n] is the number of baseline lines when the first n
	// incidents are injected; spans[n] the time of its last line.
	var baselines [numKinds + 1]int
	var spans [numKinds + 1]float64
	baselines[0] = o.Lines
	for n, inc := range all {
		baselines[n+1] = baselines[n] - inc.extra
	}
	a := newArrivals(o.Seed, o.Rate, o.Start.Unix())
	for k := 1; k <= o.Lines; k++ {
		t := a.next()
		for n, b := range baselines {
			if b == k {
				spans[n] = t
			}
		}
	}
	n := int(numKinds)
	need := func(n int) float64 {
		s := float64(leadIn + n*quietGap)
		for _, inc := range all[:n] {
			s += inc.end - inc.start
		}
		return s
	}
	for n > 0 && (baselines[n] < 1 || need(n) > spans[n]) {
		n--
	}
	incs = all[:n]
	layout(incs, math.Floor(spans[n]-need(n)), r, o.Start)
	return incs, baselines[n]
}

// newIncident draws the duration and subject of an incident of kind k;
// start and end are relative to 0 until layout places it.
func newIncident(seed uint64, k kind, r *rand.Rand) incident {
	inc := incident{kind: k, end: float64(minDuration + r.IntN(maxDuration-minDuration+1))}
	inc.label = Label{Kind: kindLabels[k].name, Severity: kindLabels[k].severity, Subject: "*"}
	switch k {
	case kindPayment:
		inc.label.Subject = key(epCharge)
	case kindLatency:
		inc.ep = latencyCandidates[r.IntN(len(latencyCandidates))]
		inc.label.Subject = key(inc.ep)
	case kindAttack:
		// 5-20 failed logins per second from one address of a hosting
		// range that no regular client uses.
		inc.extra = int((5 + 15*r.Float64()) * inc.end)
		inc.actor = client{agent: &attackAgents[r.IntN(len(attackAgents))], ip: [4]byte{185, 220, 101, byte(1 + r.IntN(254))}}
		inc.label.Subject = string(inc.actor.appendIP(nil))
	case kindExfil:
		// Hundreds of exports by one logged-in user, who normally makes a
		// few per hour at most.
		inc.extra = 200 + r.IntN(401)
		for rank := uint64(50 + r.IntN(2000)); inc.actor.user == 0; rank++ {
			inc.actor = makeClient(seed, classBrowser, rank)
		}
		inc.label.Subject = "u" + strconv.Itoa(inc.actor.user)
	}
	return inc
}

// layout places incs one after the other from leadIn on, quietGap apart,
// with slack seconds spread at random before, between and after them.
func layout(incs []incident, slack float64, r *rand.Rand, start time.Time) {
	w := make([]float64, len(incs)+1)
	sum := 0.0
	for i := range w {
		w[i] = r.ExpFloat64()
		sum += w[i]
	}
	t := float64(leadIn)
	for i := range incs {
		inc := &incs[i]
		d := inc.end - inc.start
		inc.start = t + math.Floor(slack*w[i]/sum)
		inc.end = inc.start + d
		t = inc.end + quietGap
		inc.label.Start = start.Add(time.Duration(inc.start) * time.Second)
		inc.label.End = start.Add(time.Duration(inc.end) * time.Second)
	}
}
