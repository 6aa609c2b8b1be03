package loggen

import (
	"strings"

	"github.com/vigil-ops/vigil/parsers/endpoint"
)

// profile is the status distribution of an endpoint.
type profile uint8

const (
	profPage profile = iota
	profStatic
	profImage
	profAPIRead
	profAPIAuth
	profAPIWrite
	profAPIDelete
	profBeacon
	profLogin
	profLogout
	profPayment
	profExport
	profHealth
	profJunk
	numProfiles
)

// statusWeights gives, per profile, statuses and their weights (per mille)
// before incidents and the baseline 5xx rate.
var statusWeights = [numProfiles][]struct{ status, weight int }{
	profPage:      {{200, 935}, {304, 25}, {301, 15}, {302, 15}, {404, 10}},
	profStatic:    {{200, 720}, {304, 270}, {404, 10}},
	profImage:     {{200, 800}, {304, 180}, {404, 20}},
	profAPIRead:   {{200, 955}, {304, 10}, {400, 5}, {401, 5}, {404, 25}},
	profAPIAuth:   {{200, 950}, {304, 5}, {401, 25}, {403, 10}, {404, 10}},
	profAPIWrite:  {{200, 600}, {201, 350}, {400, 20}, {401, 10}, {403, 5}, {409, 5}, {422, 10}},
	profAPIDelete: {{204, 950}, {401, 10}, {403, 10}, {404, 30}},
	profBeacon:    {{202, 995}, {400, 5}},
	profLogin:     {{200, 900}, {401, 80}, {403, 5}, {429, 15}},
	profLogout:    {{204, 980}, {401, 20}},
	profPayment:   {{200, 965}, {400, 10}, {401, 5}, {402, 20}},
	profExport:    {{200, 970}, {401, 10}, {403, 10}, {429, 10}},
	profHealth:    {{200, 1000}},
	profJunk:      {{404, 930}, {403, 50}, {400, 20}},
}

// Client classes, in the order of the weight columns of the catalog.
const (
	classBrowser = iota
	classBot
	classTool
	classMonitor
	classNone // no user agent ("-")
	numClasses
)

// endpointSpec describes one endpoint of the simulated service.
type endpointSpec struct {
	method string
	// path is a template: {n} is a decimal id, {uuid} the user's UUID,
	// {hex} a 24-digit hex id.
	path string
	prof profile
	// latency is log-normal with this median (ms) and sigma.
	medianMS, sigma float64
	// bytes is the median body size of a 2xx response.
	bytes float64
	// weight per client class (browser, bot, tool, monitor); see
	// weightColumn.
	weight [4]float64
	// queries are optional query strings ({n} allowed), used with
	// probability queryP.
	queries []string
	queryP  float64
}

// catalog is the simulated e-commerce / real-estate service: HTML pages,
// static assets, a JSON API, health checks and the junk paths scanners try.
var catalog = [...]endpointSpec{
	{method: "GET", path: "/", prof: profPage, medianMS: 45, sigma: 0.5, bytes: 18000, weight: [4]float64{5, 10, 1, 10}, queries: []string{"utm_source=newsletter&utm_medium=email", "utm_source=google&utm_medium=cpc", "ref=partner{n}"}, queryP: 0.1},
	{method: "GET", path: "/properties/{n}", prof: profPage, medianMS: 80, sigma: 0.5, bytes: 42000, weight: [4]float64{8, 30, 0, 0}},
	{method: "GET", path: "/search", prof: profPage, medianMS: 120, sigma: 0.6, bytes: 35000, weight: [4]float64{3, 8, 0, 0}, queries: []string{"city=lisbon", "city=porto&beds=2", "city=madrid&max_price=450000", "city=berlin&type=rent&page={n}"}, queryP: 0.9},
	{method: "GET", path: "/agents/{n}", prof: profPage, medianMS: 70, sigma: 0.5, bytes: 25000, weight: [4]float64{1, 6, 0, 0}},
	{method: "GET", path: "/robots.txt", prof: profStatic, medianMS: 1, sigma: 0.4, bytes: 310, weight: [4]float64{0, 4, 0.5, 0}},
	{method: "GET", path: "/sitemap.xml", prof: profStatic, medianMS: 150, sigma: 0.4, bytes: 520000, weight: [4]float64{0, 3, 0, 0}},
	{method: "GET", path: "/favicon.ico", prof: profStatic, medianMS: 1, sigma: 0.4, bytes: 4286, weight: [4]float64{3, 1, 0, 0}},
	{method: "GET", path: "/static/js/app.5f3a9c1e.js", prof: profStatic, medianMS: 3, sigma: 0.5, bytes: 412000, weight: [4]float64{6, 1, 0, 0}},
	{method: "GET", path: "/static/css/main.8e1b2c3d.css", prof: profStatic, medianMS: 2, sigma: 0.5, bytes: 58000, weight: [4]float64{6, 1, 0, 0}},
	{method: "GET", path: "/static/img/logo.svg", prof: profStatic, medianMS: 1, sigma: 0.4, bytes: 7300, weight: [4]float64{5, 0.5, 0, 0}},
	{method: "GET", path: "/images/properties/{n}/cover.jpg", prof: profImage, medianMS: 8, sigma: 0.6, bytes: 180000, weight: [4]float64{10, 6, 0, 0}},
	{method: "GET", path: "/images/properties/{n}/thumb.jpg", prof: profImage, medianMS: 5, sigma: 0.6, bytes: 22000, weight: [4]float64{12, 3, 0, 0}, queries: []string{"w=320", "w=640"}, queryP: 0.3},
	{method: "GET", path: "/api/properties", prof: profAPIRead, medianMS: 90, sigma: 0.5, bytes: 24000, weight: [4]float64{6, 0, 12, 0}, queries: []string{"city=lisbon&page={n}", "city=porto&sort=price", "city=madrid&beds=3&page={n}", "agent={n}"}, queryP: 0.8},
	{method: "GET", path: "/api/properties/{n}", prof: profAPIRead, medianMS: 35, sigma: 0.5, bytes: 6200, weight: [4]float64{10, 2, 15, 0}},
	{method: "GET", path: "/api/properties/{n}/photos", prof: profAPIRead, medianMS: 40, sigma: 0.5, bytes: 3100, weight: [4]float64{4, 0, 3, 0}},
	{method: "POST", path: "/api/properties", prof: profAPIWrite, medianMS: 150, sigma: 0.5, bytes: 800, weight: [4]float64{0.3, 0, 1, 0}},
	{method: "PUT", path: "/api/properties/{n}", prof: profAPIWrite, medianMS: 120, sigma: 0.5, bytes: 800, weight: [4]float64{0.3, 0, 1, 0}},
	{method: "DELETE", path: "/api/properties/{n}", prof: profAPIDelete, medianMS: 60, sigma: 0.5, bytes: 0, weight: [4]float64{0.05, 0, 0.3, 0}},
	{method: "GET", path: "/api/search", prof: profAPIRead, medianMS: 250, sigma: 0.6, bytes: 30000, weight: [4]float64{4, 0, 5, 0}, queries: []string{"q=sea+view", "q=garden&city=lisbon", "q=penthouse", "q=t2+alfama&page={n}"}, queryP: 0.95},
	{method: "GET", path: "/api/geo/autocomplete", prof: profAPIRead, medianMS: 20, sigma: 0.4, bytes: 1200, weight: [4]float64{4, 0, 1, 0}, queries: []string{"q=lis", "q=port", "q=mad", "q=ber"}, queryP: 1},
	{method: "GET", path: "/api/recommendations", prof: profAPIRead, medianMS: 300, sigma: 0.5, bytes: 9000, weight: [4]float64{2, 0, 0, 0}},
	{method: "GET", path: "/api/users/{uuid}", prof: profAPIAuth, medianMS: 30, sigma: 0.5, bytes: 1500, weight: [4]float64{2, 0, 2, 0}},
	{method: "PATCH", path: "/api/users/{uuid}", prof: profAPIWrite, medianMS: 70, sigma: 0.5, bytes: 1500, weight: [4]float64{0.2, 0, 0.2, 0}},
	{method: "GET", path: "/api/users/{uuid}/favorites", prof: profAPIAuth, medianMS: 45, sigma: 0.5, bytes: 5200, weight: [4]float64{1.5, 0, 0, 0}},
	{method: "POST", path: "/api/users/{uuid}/favorites", prof: profAPIWrite, medianMS: 55, sigma: 0.5, bytes: 300, weight: [4]float64{0.6, 0, 0, 0}},
	{method: "DELETE", path: "/api/users/{uuid}/favorites/{n}", prof: profAPIDelete, medianMS: 40, sigma: 0.5, bytes: 0, weight: [4]float64{0.2, 0, 0, 0}},
	{method: "GET", path: "/api/cart", prof: profAPIAuth, medianMS: 25, sigma: 0.5, bytes: 2100, weight: [4]float64{2, 0, 0, 0}},
	{method: "POST", path: "/api/cart/items", prof: profAPIWrite, medianMS: 60, sigma: 0.5, bytes: 2300, weight: [4]float64{0.8, 0, 0, 0}},
	{method: "DELETE", path: "/api/cart/items/{n}", prof: profAPIDelete, medianMS: 40, sigma: 0.5, bytes: 0, weight: [4]float64{0.2, 0, 0, 0}},
	{method: "POST", path: "/api/orders", prof: profAPIWrite, medianMS: 220, sigma: 0.5, bytes: 1900, weight: [4]float64{0.4, 0, 0.2, 0}},
	{method: "GET", path: "/api/orders", prof: profAPIAuth, medianMS: 80, sigma: 0.5, bytes: 7400, weight: [4]float64{0.6, 0, 0.5, 0}, queries: []string{"status=open", "page={n}"}, queryP: 0.3},
	{method: "GET", path: "/api/orders/{n}", prof: profAPIAuth, medianMS: 40, sigma: 0.5, bytes: 2600, weight: [4]float64{0.6, 0, 0.5, 0}},
	{method: "POST", path: "/api/payments/{n}/charge", prof: profPayment, medianMS: 280, sigma: 0.45, bytes: 600, weight: [4]float64{1.2, 0, 0.3, 0}},
	{method: "GET", path: "/api/payments/{n}", prof: profAPIAuth, medianMS: 50, sigma: 0.5, bytes: 900, weight: [4]float64{0.3, 0, 0.3, 0}},
	{method: "POST", path: "/api/auth/login", prof: profLogin, medianMS: 120, sigma: 0.3, bytes: 420, weight: [4]float64{1, 0, 1.5, 0}},
	{method: "POST", path: "/api/auth/logout", prof: profLogout, medianMS: 15, sigma: 0.4, bytes: 0, weight: [4]float64{0.3, 0, 0, 0}},
	{method: "POST", path: "/api/auth/refresh", prof: profAPIWrite, medianMS: 30, sigma: 0.4, bytes: 380, weight: [4]float64{1.5, 0, 1, 0}},
	{method: "GET", path: "/api/export/reports", prof: profExport, medianMS: 600, sigma: 0.5, bytes: 850000, weight: [4]float64{0.01, 0, 0.05, 0}, queries: []string{"format=csv&from=2026-01-01", "format=xlsx", "page={n}"}, queryP: 0.7},
	{method: "GET", path: "/api/export/listings.csv", prof: profExport, medianMS: 800, sigma: 0.5, bytes: 2400000, weight: [4]float64{0.005, 0, 0.05, 0}, queries: []string{"page={n}"}, queryP: 0.5},
	{method: "GET", path: "/api/agents/{n}", prof: profAPIRead, medianMS: 30, sigma: 0.5, bytes: 2000, weight: [4]float64{1, 0, 1, 0}},
	{method: "GET", path: "/api/agents/{n}/listings", prof: profAPIRead, medianMS: 85, sigma: 0.5, bytes: 14000, weight: [4]float64{0.8, 0, 1, 0}},
	{method: "POST", path: "/api/messages", prof: profAPIWrite, medianMS: 90, sigma: 0.5, bytes: 450, weight: [4]float64{0.3, 0, 0, 0}},
	{method: "GET", path: "/api/messages/{hex}", prof: profAPIAuth, medianMS: 35, sigma: 0.5, bytes: 1800, weight: [4]float64{0.5, 0, 0, 0}},
	{method: "POST", path: "/api/uploads", prof: profAPIWrite, medianMS: 700, sigma: 0.4, bytes: 350, weight: [4]float64{0.1, 0, 0.1, 0}},
	{method: "POST", path: "/api/events", prof: profBeacon, medianMS: 8, sigma: 0.5, bytes: 0, weight: [4]float64{6, 0, 0, 0}},
	{method: "GET", path: "/health", prof: profHealth, medianMS: 2, sigma: 0.3, bytes: 15, weight: [4]float64{0, 0, 0, 75}},
	{method: "GET", path: "/api/status", prof: profHealth, medianMS: 6, sigma: 0.3, bytes: 230, weight: [4]float64{0, 0, 0.3, 15}},
	{method: "GET", path: "/wp-login.php", prof: profJunk, medianMS: 3, sigma: 0.5, bytes: 150, weight: [4]float64{0, 0.8, 1, 0}},
	{method: "GET", path: "/.env", prof: profJunk, medianMS: 2, sigma: 0.5, bytes: 150, weight: [4]float64{0, 0.4, 0.6, 0}},
	{method: "POST", path: "/xmlrpc.php", prof: profJunk, medianMS: 2, sigma: 0.5, bytes: 150, weight: [4]float64{0, 0.15, 0.3, 0}},
	{method: "GET", path: "/.git/config", prof: profJunk, medianMS: 2, sigma: 0.5, bytes: 150, weight: [4]float64{0, 0.15, 0.3, 0}},
}

// Endpoints that incidents refer to, by index in catalog.
var (
	epLogin   = catalogIndex("POST", "/api/auth/login")
	epCharge  = catalogIndex("POST", "/api/payments/{n}/charge")
	epReports = catalogIndex("GET", "/api/export/reports")
	epListCSV = catalogIndex("GET", "/api/export/listings.csv")
	// latencyCandidates are the busy API endpoints a latency incident may
	// hit.
	latencyCandidates = [...]int{
		catalogIndex("GET", "/api/properties"),
		catalogIndex("GET", "/api/properties/{n}"),
		catalogIndex("GET", "/api/search"),
		catalogIndex("GET", "/api/geo/autocomplete"),
	}
)

func catalogIndex(method, path string) int {
	for i := range catalog {
		if catalog[i].method == method && catalog[i].path == path {
			return i
		}
	}
	panic("BUG: no catalog entry " + method + " " + path)
}

// key returns the endpoint key of catalog entry i, as parsers/endpoint
// computes it.
func key(i int) string {
	e := &catalog[i]
	sample := strings.NewReplacer("{n}", "61058", "{uuid}", "550e8400-e29b-41d4-a716-446655440000", "{hex}", "65a1f0c2b9e4d3a1f0c2b9e4").Replace(e.path)
	return string(endpoint.Append(nil, []byte(e.method), []byte(sample)))
}
