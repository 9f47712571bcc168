// The squashing functions for one number, as every kernel uses them (tensor/ops.cpp, the fused cells).
//
// tanh: glibc's tanh costs ~19 ns a call on this project's test machine and was a third of an LSTM's training
// time; this one costs ~7 ns and agrees with it to 7e-16 relative (tests/tensor_test.cpp checks it):
//     |x| >= 0.25:  tanh x = 1 - 2 / (e^(2|x|) + 1), with the sign of x   (one exp, no cancellation here)
//     |x| <  0.25:  the Taylor series x - x^3/3 + 2x^5/15 - 17x^7/315 + ... to x^21, where the formula above
//                   would lose digits to cancellation (the next term is below 1e-17 of tanh x).
// sigmoid: for x >= 0, 1 / (1 + e^-x); for x < 0 the same value written as e^x / (1 + e^x), so e^(large)
// never overflows.
#pragma once

#include <cmath>

#include "tensor/shape.hpp"

namespace rnnlab::math {

inline real tanh(real x) {
  const real a = std::fabs(x);
  if (a >= 0.25) return std::copysign(1 - 2 / (std::exp(2 * a) + 1), x);
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
  return x + x * x2 * p;
}

inline real sigmoid(real x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const real e = std::exp(x);
  return e / (1 + e);
}

}  // namespace rnnlab::math
