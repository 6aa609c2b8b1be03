package loggen

import (
	"math"
	"math/rand/v2"
)

// PCG stream selectors: each random aspect of a log has its own stream, so
// that the arrival times can be replayed alone to plan incidents.
const (
	streamArrivals = 0xa77a1
	streamPlan     = 0x91a4
	streamContent  = 0xc0427e47
)

// diurnal is the relative traffic at hour h (UTC, fractional): 0.3 at
// 04:00, 1 at 16:00, a raised cosine between. Its mean over a day is
// diurnalMean.
func diurnal(h float64) float64 {
	return 0.3 + 0.7*(0.5-0.5*math.Cos(2*math.Pi*(h-4)/24))
}

const diurnalMean = 0.65

// minuteNoise is the sigma of the log-normal factor that scales the rate of
// each minute, so that per-minute counts vary more than a Poisson process
// would, as real traffic does.
const minuteNoise = 0.15

// arrivals generates the event times of the baseline traffic, in seconds
// since the start: a Poisson process whose rate is constant within each
// minute, Rate × diurnal / diurnalMean × a log-normal noise factor.
type arrivals struct {
	r         *rand.Rand
	rate      float64 // mean lines per second
	start     int64   // Unix seconds of the start
	t         float64 // time of the last event
	minute    int64   // current minute, in Unix minutes
	minuteEnd float64 // end of the current minute
	perSec    float64 // rate in the current minute
}

func newArrivals(seed uint64, rate float64, start int64) *arrivals {
	a := &arrivals{r: rand.New(rand.NewPCG(seed, streamArrivals)), rate: rate, start: start}
	a.minute = start / 60
	if start%60 < 0 {
		a.minute-- // floor division for times before 1970
	}
	a.enterMinute()
	return a
}

// enterMinute sets the rate and end of a.minute.
func (a *arrivals) enterMinute() {
	a.minuteEnd = float64((a.minute+1)*60 - a.start)
	h := math.Mod((float64(a.minute)+0.5)/60, 24)
	if h < 0 {
		h += 24
	}
	noise := math.Exp(minuteNoise*a.r.NormFloat64() - minuteNoise*minuteNoise/2)
	a.perSec = a.rate * diurnal(h) / diurnalMean * noise
}

// next returns the time of the next event. A gap that crosses a minute
// boundary is redrawn from the boundary with the next minute's rate, which
// is exact for a Poisson process.
func (a *arrivals) next() float64 {
	for {
		gap := a.r.ExpFloat64() / a.perSec
		if a.t+gap < a.minuteEnd {
			a.t += gap
			return a.t
		}
		a.t = a.minuteEnd
		a.minute++
		a.enterMinute()
	}
}
