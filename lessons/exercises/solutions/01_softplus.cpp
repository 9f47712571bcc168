// Exercise 1, a solution: softplus as one op with its own backward.
#include <algorithm>
#include <cmath>

#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/math.hpp"

namespace rnnlab::exercises {

Var softplus(const Var& x) {
  // log(1 + e^x) overflows for x > ~709. Written as max(x, 0) + log(1 + e^-|x|) it never does: the exponent is
  // never positive, and log1p keeps the digits of tiny e^-|x|.
  Tensor value = map(x.value(), [](real v) { return std::max(v, real{0}) + std::log1p(std::exp(-std::abs(v))); });
  return record("softplus", std::move(value), {x}, [](Node& y) {
    // d softplus(x)/dx = e^x / (1 + e^x) = sigmoid(x), read from the input x
    accumulate_grad(*y.inputs[0], zip(y.grad, y.inputs[0]->value, [](real g, real v) { return g * math::sigmoid(v); },
                                      "softplus backward"));
  });
}

}  // namespace rnnlab::exercises
