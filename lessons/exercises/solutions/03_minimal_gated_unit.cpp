// Exercise 3, a solution: one step of the minimal gated unit, composed from autograd ops.
#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"

namespace rnnlab::exercises {

Var minimal_gated_step(const Var& x, const Var& h, const MinimalGatedWeights& w) {
  const Var f = sigmoid(linear(x, w.w_f, w.b_f) + linear(h, w.u_f, Var()));       // the one gate
  const Var n = tanh(linear(x, w.w_n, w.b_n) + linear(f * h, w.u_n, Var()));       // the candidate state
  return (1.0 - f) * h + f * n;                                                   // keep or replace, per unit
}

}  // namespace rnnlab::exercises
