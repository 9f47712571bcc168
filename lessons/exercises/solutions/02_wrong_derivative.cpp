// Exercise 2, a solution: tanh's value, with the square forgotten in its derivative.
#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::exercises {

Var tanh_with_wrong_derivative(const Var& x) {
  return record("tanh", tanh(x.value()), {x}, [](Node& y) {
    // WRONG on purpose: d tanh(x)/dx is 1 - y^2; this uses 1 - y. Equal at y = 0, up to 2x too large for y < 0,
    // and too small for y > 0.
    accumulate_grad(*y.inputs[0], zip(y.grad, y.value, [](real g, real t) { return g * (1 - t); }, "tanh backward"));
  });
}

}  // namespace rnnlab::exercises
