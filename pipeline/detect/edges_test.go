package detect

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// TestPaymentEdges measures how close to the truth the start and end of
// payment incidents are at a few payments a minute (docs/rules.md,
// Limits): 1 % of payments fail normally, 40 % during an incident of 5 to
// 15 minutes; 900 other requests a minute. At 10 a minute, the rule's 50
// payments in 5 minutes are reached in about half the windows only.
func TestPaymentEdges(t *testing.T) {
	trials := 300
	if testing.Short() {
		trials = 60
	}
	f := func(rate float64, minWithin, maxMissed float64, maxWorst int) {
		t.Helper()
		within, missed, worst := paymentEdges(rate, trials)
		t.Logf("%g payments a minute, %d trials: %.1f%% with start and end within one minute, %.1f%% missed, worst %d minutes off",
			rate, trials, 100*within, 100*missed, worst)
		if within < minWithin || missed > maxMissed || worst > maxWorst {
			t.Fatalf("unexpected edges for %g payments a minute; got %.3f within a minute, %.3f missed, worst %d; want at least %.2f, at most %.2f, at most %d",
				rate, within, missed, worst, minWithin, maxMissed, maxWorst)
		}
	}
	f(10, 0.6, 0.2, 15)
	f(15, 0.95, 0.01, 3)
	f(20, 0.95, 0.01, 3)
	f(40, 0.99, 0, 1)
}

// paymentEdges runs trials at rate payments a minute and returns the
// share of incidents found with both edges within a minute, the share not
// found as one incident, and the worst edge error of those found.
func paymentEdges(rate float64, trials int) (within, missed float64, worst int) {
	rng := rand.New(rand.NewPCG(7, uint64(rate)))
	poisson := func(mean float64) uint64 { // Knuth's method, fine for small means
		var n uint64
		for p, l := rng.Float64(), math.Exp(-mean); p > l; p *= rng.Float64() {
			n++
		}
		return n
	}
	var nWithin, nMissed int
	for range trials {
		start := 60 + rng.IntN(10)
		end := start + 5 + rng.IntN(11)
		e := New(Rules{})
		for i := range 120 {
			w := newWin(t0.Add(time.Duration(i)*time.Minute), time.Minute)
			load{endpoint: search, n: 900, e5xx: uint64(3 + i%5)}.addTo(w)
			p := 0.01
			if i >= start && i < end {
				p = 0.4
			}
			n, k := poisson(rate), uint64(0)
			for range n {
				if rng.Float64() < p {
					k++
				}
			}
			load{endpoint: charge, n: n, e5xx: k}.addTo(w)
			e.Push(w.closed())
		}
		e.Close()
		var got []incident.Incident
		for _, in := range e.Incidents() {
			if in.Kind == incident.PaymentFailures {
				got = append(got, in)
			}
		}
		if len(got) != 1 {
			nMissed++
			continue
		}
		ds, de := abs(minutes(got[0].Start)-start), abs(minutes(got[0].End)-end)
		if ds <= 1 && de <= 1 {
			nWithin++
		}
		worst = max(worst, ds, de)
	}
	return float64(nWithin) / float64(trials), float64(nMissed) / float64(trials), worst
}

func abs(x int) int { return max(x, -x) }
