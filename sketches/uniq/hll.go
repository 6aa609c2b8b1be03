package uniq

import (
	"math"
	"math/bits"
)

const (
	precision = 14             // p: 2¹⁴ registers, standard error 1.04/√m ≈ 0.81 %
	registers = 1 << precision // m
	valueBits = 64 - precision // q: hash bits left for the register value
)

// hll is a HyperLogLog sketch of 64-bit hashes, one byte per register.
type hll [registers]uint8

// add records h: the top p bits pick a register, which keeps the largest
// 1 + number of leading zeros seen in the remaining q bits (1 … q+1).
func (r *hll) add(h uint64) {
	// The guard bit caps the count of leading zeros at q.
	v := uint8(bits.LeadingZeros64(h<<precision|1<<(precision-1))) + 1
	i := h >> valueBits
	r[i] = max(r[i], v)
}

// merge takes the register-wise maximum: the sketch of the union.
func (r *hll) merge(o *hll) {
	for i := range r {
		r[i] = max(r[i], o[i])
	}
}

// estimate returns the cardinality estimate of Ertl, "New cardinality
// estimation algorithms for HyperLogLog sketches" (2017),
// https://arxiv.org/abs/1702.01284, Algorithm 6: the improved raw estimator
// built from the histogram of register values. It needs neither the
// empirical bias correction nor the switch to linear counting of the
// original HyperLogLog and is unbiased over the whole range.
func (r *hll) estimate() float64 {
	var c [valueBits + 2]int // c[k]: registers holding k
	for _, v := range r {
		c[v]++
	}
	const m = float64(registers)
	z := m * tau(1-float64(c[valueBits+1])/m)
	for k := valueBits; k >= 1; k-- {
		z = 0.5 * (z + float64(c[k]))
	}
	z += m * sigma(float64(c[0])/m)
	return m * m / (2 * math.Ln2 * z) // α∞ = 1/(2 ln 2)
}

// sigma is σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k-1) from Ertl (2017), eq. 19.
func sigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if z == prev {
			return z
		}
	}
}

// tau is τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^-k))²·2^-k)/3 from Ertl (2017),
// eq. 23.
func tau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == prev {
			return z / 3
		}
	}
}
