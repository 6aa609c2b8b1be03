package loggen

import (
	"math"
	"strconv"
	"strings"
)

// Shares of client classes in baseline traffic (cumulative): 70 % browsers,
// 15 % bots, 10 % tools, 4.5 % monitors, 0.5 % without a user agent.
var classCum = [numClasses]float64{0.70, 0.85, 0.95, 0.995, 1}

// Rates per request.
const (
	baseline5xx    = 0.002 // 5xx outside incidents
	outage5xx      = 0.8
	errorRate5xx   = 0.09
	paymentFailure = 0.38 // of would-be successful charges in the incident
	outlierRate    = 0.001
	http2Share     = 0.6 // of browser requests
	ownProfile     = 0.9 // of /api/users/{uuid} requests by a logged-in user
	oooRate        = 0.01
	oooMaxMS       = 5000
	appErrorRate   = 0.001 // JSON application error lines
)

// Latency of an endpoint slowed down by a latency incident: log-normal with
// this median and sigma, p95 about 2.7 s.
const (
	slowMedianMS = 1500
	slowSigma    = 0.35
)

// weightColumn is the column of endpointSpec.weight each class uses:
// clients without a user agent behave like tools.
var weightColumn = [numClasses]int{classBrowser, classBot, classTool, classMonitor, classTool}

// endpointCum holds, per class, the cumulative endpoint weights.
var endpointCum = func() (cum [numClasses][len(catalog)]float64) {
	for class, col := range weightColumn {
		total := 0.0
		for i := range catalog {
			total += catalog[i].weight[col]
			cum[class][i] = total
		}
		for i := range catalog {
			cum[class][i] /= total
		}
	}
	return cum
}()

func pickClass(u float64) int {
	for c, p := range classCum {
		if u < p {
			return c
		}
	}
	return numClasses - 1
}

func pickEndpoint(class int, u float64) int {
	cum := &endpointCum[class]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if u < cum[m] {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func pickStatus(p profile, perMille int) int {
	ws := statusWeights[p]
	for _, w := range ws {
		if perMille -= w.weight; perMille < 0 {
			return w.status
		}
	}
	return ws[len(ws)-1].status
}

// baselineLine writes one line of regular traffic at time t.
func (g *generator) baselineLine(t float64) {
	inc := g.active(t)
	e := &g.ev
	e.class = pickClass(g.r.Float64())
	e.c = makeClient(g.o.Seed, e.class, g.zipf[e.class].Uint64())
	e.ep = pickEndpoint(e.class, g.r.Float64())
	g.request(e, t)
	e.status = pickStatus(catalog[e.ep].prof, g.r.IntN(1000))
	p5 := baseline5xx
	if inc != nil {
		switch inc.kind {
		case kindOutage:
			p5 = outage5xx
		case kindErrorRate:
			p5 = errorRate5xx
		case kindPayment:
			if e.ep == epCharge && e.status < 300 && g.r.Float64() < paymentFailure {
				e.status = [...]int{502, 502, 502, 504, 504, 500}[g.r.IntN(6)]
			}
		}
	}
	if g.r.Float64() < p5 {
		e.status = pick5xx(g.r.IntN(100), inc != nil && inc.kind == kindOutage)
	}
	slow := inc != nil && inc.kind == kindLatency && e.ep == inc.ep
	g.response(e, slow)
	e.appMsg = ""
	if g.r.Float64() < appErrorShare(inc) {
		e.appMsg = appMessages[g.r.IntN(len(appMessages))]
		if inc != nil && inc.kind == kindPayment {
			e.appMsg = "payment gateway timeout"
		}
	}
	g.write(e)
}

// extraLine writes one line added by incident inc at time t.
func (g *generator) extraLine(inc *incident, t float64) {
	e := &g.ev
	e.class = classTool
	e.c = inc.actor
	switch inc.kind {
	case kindAttack:
		e.ep = epLogin
		g.request(e, t)
		switch u := g.r.IntN(1000); {
		case u < 1:
			e.status = 200 // a guessed password
		case u < 150:
			e.status = 429
		default:
			e.status = 401
		}
	case kindExfil:
		e.class = classBrowser
		e.ep = [...]int{epReports, epListCSV}[g.r.IntN(2)]
		g.request(e, t)
		e.status = 200
	default:
		panic("BUG: no extra lines for incident " + inc.label.Kind)
	}
	g.response(e, false)
	e.appMsg = ""
	g.write(e)
}

func pick5xx(percent int, outage bool) int {
	if outage {
		switch {
		case percent < 45:
			return 502
		case percent < 90:
			return 503
		}
		return 504
	}
	switch {
	case percent < 70:
		return 500
	case percent < 85:
		return 502
	case percent < 95:
		return 503
	}
	return 504
}

// appMessages are the application errors of JSON logs; db timeouts come
// twice as often as the others.
var appMessages = [...]string{"db timeout", "redis: connection pool exhausted", "upstream request failed", "db timeout"}

// appErrorShare is the share of JSON lines that are application errors.
func appErrorShare(inc *incident) float64 {
	if inc == nil {
		return appErrorRate
	}
	switch inc.kind {
	case kindOutage:
		return 50 * appErrorRate
	case kindErrorRate, kindPayment:
		return 10 * appErrorRate
	}
	return appErrorRate
}

// request draws the request side of e: logged time, target, user,
// protocol and referer.
func (g *generator) request(e *event, t float64) {
	e.ms = g.clock.startMS + int64(t*1000)
	if g.r.Float64() < oooRate {
		// A worker that logs late: the line lands among newer ones.
		e.ms -= 500 + g.r.Int64N(oooMaxMS-500)
	}
	spec := &catalog[e.ep]
	e.target = g.appendTarget(e.target[:0], spec, &e.c)
	e.user = 0
	if strings.HasPrefix(spec.path, "/api/") {
		e.user = e.c.user
	}
	e.proto = "HTTP/1.1"
	e.referer, e.refID = "", 0
	if e.class != classBrowser {
		return
	}
	if g.r.Float64() < http2Share {
		e.proto = "HTTP/2.0"
	}
	u := g.r.Float64()
	if spec.prof == profPage {
		switch {
		case u < 0.3:
			e.referer = "https://www.google.com/"
		case u < 0.35:
			e.referer = "https://www.bing.com/"
		case u < 0.4:
			e.referer = "https://www.facebook.com/"
		}
		return
	}
	switch {
	case u < 0.4:
		e.referer = "https://homes.example.com/"
	case u < 0.8:
		e.referer = "https://homes.example.com/properties/"
		e.refID = 1000 + g.r.IntN(99000)
	default:
		e.referer = "https://homes.example.com/search?city=lisbon"
	}
}

// appendTarget appends a request target for spec: its path with the
// placeholders filled in, and sometimes a query string.
func (g *generator) appendTarget(dst []byte, spec *endpointSpec, c *client) []byte {
	p := spec.path
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			dst = append(dst, p...)
			break
		}
		dst = append(dst, p[:i]...)
		j := i + strings.IndexByte(p[i:], '}')
		switch p[i+1 : j] {
		case "n":
			dst = strconv.AppendInt(dst, int64(1000+g.r.IntN(99000)), 10)
		case "uuid":
			id := c.uuid
			if c.user == 0 || g.r.Float64() >= ownProfile {
				id = [2]uint64{g.r.Uint64(), g.r.Uint64()}
			}
			dst = appendUUID(dst, id)
		case "hex":
			dst = appendHex(dst, g.r.Uint64(), 16)
			dst = appendHex(dst, g.r.Uint64(), 8)
		default:
			panic("BUG: unknown placeholder in " + spec.path)
		}
		p = p[j+1:]
	}
	if len(spec.queries) == 0 || g.r.Float64() >= spec.queryP {
		return dst
	}
	q := spec.queries[g.r.IntN(len(spec.queries))]
	dst = append(dst, '?')
	if i := strings.Index(q, "{n}"); i >= 0 {
		dst = append(dst, q[:i]...)
		dst = strconv.AppendInt(dst, int64(1+g.r.IntN(20)), 10)
		return append(dst, q[i+3:]...)
	}
	return append(dst, q...)
}

// response draws the latency and size of e, whose status is set; slow
// applies a latency incident.
func (g *generator) response(e *event, slow bool) {
	spec := &catalog[e.ep]
	ms := spec.medianMS * math.Exp(spec.sigma*g.r.NormFloat64())
	if slow {
		ms = slowMedianMS * math.Exp(slowSigma*g.r.NormFloat64())
	}
	switch s := e.status; {
	case s == 304:
		ms *= 0.5
	case s == 502 || s == 503:
		ms = 5 * math.Exp(0.8*g.r.NormFloat64()) // upstream refused or down
	case s == 504:
		ms = 60000 + 50*g.r.Float64() // nginx proxy_read_timeout
	case s >= 400 && s < 500:
		ms *= 0.3 // rejected early
	}
	if g.r.Float64() < outlierRate {
		ms *= 5 + 25*g.r.Float64()
	}
	e.latency = max(100, int64(ms*1000))
	switch s := e.status; {
	case s == 204 || s == 304:
		e.bytes = 0
	case s < 300:
		e.bytes = int64(spec.bytes * math.Exp(0.4*g.r.NormFloat64()))
	case s < 400:
		e.bytes = 150 + g.r.Int64N(40)
	case s < 500:
		e.bytes = 60 + g.r.Int64N(140)
	default:
		e.bytes = 150 + g.r.Int64N(400)
	}
}
