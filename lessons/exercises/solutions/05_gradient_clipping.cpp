// Exercise 5, a solution: clip all gradients together by their joint L2 norm.
#include <cmath>

#include "lessons/exercises/exercises.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::exercises {

real clip_by_total_norm(const std::vector<Var>& params, real max_norm) {
  real squares = 0;
  for (const Var& p : params) {
    if (!p.has_grad()) continue;
    for (real g : p.grad().values()) squares += g * g;
  }
  const real norm = std::sqrt(squares);
  const real factor = max_norm / (norm + 1e-6);
  if (factor < 1) {
    for (const Var& p : params) {
      if (p.has_grad()) Var(p).set_grad(p.grad() * factor);
    }
  }
  return norm;
}

}  // namespace rnnlab::exercises
