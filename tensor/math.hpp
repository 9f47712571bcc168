// The squashing functions for one number, as every kernel uses them (tensor/ops.cpp, the fused cells).
//
// They are written without branches or calls into libm, so a loop over an array of them compiles to vector
// instructions (4 doubles at a time with AVX2, 2 with the portable build's SSE2): an LSTM step evaluates five of
// them per unit, and glibc's scalar exp (~5 ns) and tanh (~19 ns) were a third of an LSTM's training time.
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

inline real exp_nonpositive(real x) {
  constexpr real log2_e = 1.4426950408889634;
  constexpr real ln2_head = 6.93147180369123816490e-01;  // ln 2's leading 32 bits: n ln2_head is exact
  constexpr real ln2_tail = 1.90821492927058770002e-10;
  constexpr real shifter = 0x1.8p52;  // adding it rounds to an integer, which lands in the low mantissa bits
  const real clamped = x < -708 ? real{-708} : x;  // (NaN passes through: the comparison is false)
  const real shifted = clamped * log2_e + shifter;
  const real n = shifted - shifter;
  const real r = (clamped - n * ln2_head) - n * ln2_tail;
  // e^r = sum r^k / k!, k = 0..13, in Horner form.
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
  p = p * r + 1;
  // 2^n: the biased exponent n + 1023 in bits 52..62. n's two's-complement bits are shifted's low bits.
  const std::uint64_t n_bits = bit_cast<std::uint64_t>(shifted) - bit_cast<std::uint64_t>(shifter);
  const real two_to_n = bit_cast<real>((n_bits + 1023) << 52);
  return x < -708 ? real{0} : p * two_to_n;
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
  return high + std::log1p(std::exp(low - high));
}

}  // namespace rnnlab::math
