// The elementary functions for one number, as every kernel and loss uses them (tensor/ops.cpp, the fused cells,
// autograd's losses, the random normals).
//
// The squashing functions are written without branches or calls into libm, so a loop over an array of them
// compiles to vector instructions (4 doubles at a time with AVX2, 2 with the portable build's SSE2): an LSTM step
// evaluates five of them per unit, and glibc's scalar exp (~5 ns) and tanh (~19 ns) were a third of an LSTM's
// training time. And being ours, written in plain double arithmetic, they give the same bits wherever the program
// runs: C libraries differ in the last bit of exp and log now and then (glibc's and the web build's musl at 136
// and 3 of 200,000 arguments), and a training run carries such a bit on.
//
// exp_nonpositive: e^x for x <= 0, the only exponentials tanh and sigmoid need (Cody & Waite's reduction):
//     x = n ln 2 + r with n = round(x / ln 2) and |r| <= ln(2)/2, ln 2 split into a head and a tail so that
//     n ln 2 is exact;  e^x = 2^n e^r, with e^r from its Taylor series to r^13 (the next term is below 1e-17 of
//     e^r), and 2^n built directly as the bits of a double. Below -708 (where 2^n leaves the normal doubles) the
//     result is 0; the exact value there is under 3e-308.
// tanh:   |x| >= 0.25:  tanh|x| = (1 - e^-2|x|) / (1 + e^-2|x|), with the sign of x (no cancellation here)
//         |x| <  0.25:  the Taylor series x - x^3/3 + 2x^5/15 - 17x^7/315 + ... to x^21, where the formula above
//                       would lose digits to cancellation (the next term is below 1e-17 of tanh x).
// sigmoid: 1 / (1 + e^-|x|) for x >= 0, and the same value written as e^x / (1 + e^x) for x < 0, so the
//          exponential never overflows.
// exp:    e^x for any x, the same reduction and series; for x > 0 the scale 2^n (n up to 1024) is applied as
//         2^(n-1) * 2, which stays a normal double; above 709.78 the result is +inf.
// log:    x = 2^k m with m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact), s = f / (2 + f), and
//         log(1 + f) = 2 atanh(s) = 2s + 2s^3/3 + 2s^5/5 + ...  Since 2s = f - s f, this is
//         log(1 + f) = f - (f^2/2 - s (f^2/2 + R)),  R = 2s^2/3 + 2s^4/5 + ... + 2s^22/23,
//         summed with the small terms first; |s| <= 0.172, so the next term is below 1e-18 of the whole. Then
//         log x = k ln 2 + log(1 + f), with ln 2 split as in exp. log 0 = -inf, log of a negative = NaN.
// log1p:  log(1 + x) = log(u) x / (u - 1) for u = 1 + x rounded (u - 1 is exact, and the ratio corrects the
//         rounding of u), and x itself where u == 1.
// Each agrees with libm to 2e-15 relative over the whole range (tests/tensor_test.cpp sweeps it); NaN stays NaN.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "tensor/shape.hpp"

namespace rnnlab::math {

// std::bit_cast, which the C++ library of the web build's compiler (Emscripten 3.1) does not have yet; GCC's and
// clang's both implement it with this builtin.
template <class To, class From>
constexpr To bit_cast(const From& from) {
  return __builtin_bit_cast(To, from);
}

inline constexpr real ln2_head = 6.93147180369123816490e-01;  // ln 2's leading 32 bits: n ln2_head is exact
inline constexpr real ln2_tail = 1.90821492927058770002e-10;   // ln 2 - ln2_head

// e^r for |r| <= ln(2)/2: sum r^k / k!, k = 0..13, in Horner form.
inline real exp_reduced(real r) {
  real p = 1.0 / 6227020800;
  p = p * r + 1.0 / 479001600;
  p = p * r + 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  return p * r + 1;
}

inline real exp_nonpositive(real x) {
  constexpr real log2_e = 1.4426950408889634;
  constexpr real shifter = 0x1.8p52;  // adding it rounds to an integer, which lands in the low mantissa bits
  const real clamped = x < -708 ? real{-708} : x;  // (NaN passes through: the comparison is false)
  const real shifted = clamped * log2_e + shifter;
  const real n = shifted - shifter;
  const real p = exp_reduced((clamped - n * ln2_head) - n * ln2_tail);
  // 2^n: the biased exponent n + 1023 in bits 52..62. n's two's-complement bits are shifted's low bits.
  const std::uint64_t n_bits = bit_cast<std::uint64_t>(shifted) - bit_cast<std::uint64_t>(shifter);
  const real two_to_n = bit_cast<real>((n_bits + 1023) << 52);
  return x < -708 ? real{0} : p * two_to_n;
}

inline real exp(real x) {
  if (!(x > 0)) return exp_nonpositive(x);  // x <= 0, and NaN
  constexpr real log2_e = 1.4426950408889634;
  constexpr real shifter = 0x1.8p52;
  const real clamped = x > 710 ? real{710} : x;  // e^710 overflows already
  const real shifted = clamped * log2_e + shifter;
  const real n = shifted - shifter;
  const real p = exp_reduced((clamped - n * ln2_head) - n * ln2_tail);
  const std::uint64_t n_bits = bit_cast<std::uint64_t>(shifted) - bit_cast<std::uint64_t>(shifter);
  return p * bit_cast<real>((n_bits + 1022) << 52) * 2;  // p 2^(n-1) 2: exact, or +inf past the largest double
}

inline real log(real x) {
  if (!(x > 0)) return x == 0 ? -std::numeric_limits<real>::infinity() : std::numeric_limits<real>::quiet_NaN();
  if (x == std::numeric_limits<real>::infinity()) return x;
  int k = 0;
  if (x < std::numeric_limits<real>::min()) {  // a subnormal: scale it into the normal range first
    x *= 0x1p54;
    k = -54;
  }
  // x = 2^e m, m in [1, 2) from the exponent and mantissa bits; then m in [sqrt(1/2), sqrt(2)).
  const std::uint64_t bits = bit_cast<std::uint64_t>(x);
  k += static_cast<int>(bits >> 52) - 1023;
  real m = bit_cast<real>((bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{1023} << 52));
  if (m > 1.4142135623730951) {
    m /= 2;
    k += 1;
  }
  const real f = m - 1, s = f / (2 + f), z = s * s, half_f2 = f * f / 2;
  real R = 2.0 / 23;
  R = R * z + 2.0 / 21;
  R = R * z + 2.0 / 19;
  R = R * z + 2.0 / 17;
  R = R * z + 2.0 / 15;
  R = R * z + 2.0 / 13;
  R = R * z + 2.0 / 11;
  R = R * z + 2.0 / 9;
  R = R * z + 2.0 / 7;
  R = R * z + 2.0 / 5;
  R = R * z + 2.0 / 3;
  R *= z;
  const real kd = k;
  return kd * ln2_head + (f - (half_f2 - (s * (half_f2 + R) + kd * ln2_tail)));
}

// x^p. The powers a loss or a quotient takes (p = 2, 1, 0, -1; a square's derivative takes p - 1 = 1) are the
// correctly rounded product or quotient, the same bits everywhere (C libraries' pow is within about half a unit of
// it, not always on it); other powers are the C library's pow.
inline real pow(real x, real p) {
  if (p == 2) return x * x;
  if (p == 1) return x;
  if (p == 0) return 1;  // as std::pow: even 0^0 and NaN^0
  if (p == -1) return 1 / x;
  return std::pow(x, p);
}

inline real log1p(real x) {
  const real u = 1 + x;
  if (u == 1) return x;
  if (u == std::numeric_limits<real>::infinity()) return u;
  return log(u) * (x / (u - 1));
}

inline real tanh(real x) {
  const real a = std::fabs(x);
  const real e = exp_nonpositive(-2 * a);
  const real large = std::copysign((1 - e) / (1 + e), x);
  // Taylor coefficients of tanh: 1, -1/3, 2/15, -17/315, 62/2835, -1382/155925, 21844/6081075, -929569/638512875,
  // 6404582/10854718875, -443861162/1856156927625, 18888466084/194896477400625 (Horner form in x^2).
  const real x2 = x * x;
  real p = 18888466084.0 / 194896477400625;
  p = p * x2 - 443861162.0 / 1856156927625;
  p = p * x2 + 6404582.0 / 10854718875;
  p = p * x2 - 929569.0 / 638512875;
  p = p * x2 + 21844.0 / 6081075;
  p = p * x2 - 1382.0 / 155925;
  p = p * x2 + 62.0 / 2835;
  p = p * x2 - 17.0 / 315;
  p = p * x2 + 2.0 / 15;
  p = p * x2 - 1.0 / 3;
  const real small = x + x * x2 * p;
  return a >= 0.25 ? large : small;
}

inline real sigmoid(real x) {
  const real e = exp_nonpositive(-std::fabs(x));
  const real s = 1 / (1 + e);
  return x >= 0 ? s : e * s;
}

// log(e^a + e^b) = max + log1p(e^-(|a - b|)): adds two probabilities held as logarithms without leaving log space
// (CTC's recursions and its beam search). Exact where either is -inf, the log of 0.
inline real log_add(real a, real b) {
  if (a == -std::numeric_limits<real>::infinity()) return b;
  if (b == -std::numeric_limits<real>::infinity()) return a;
  const real high = a > b ? a : b, low = a > b ? b : a;
  return high + log1p(exp_nonpositive(low - high));
}

}  // namespace rnnlab::math
