// Exercise 5: gradient-norm clipping. Read ../05_gradient_clipping.md first.
#include <cmath>

#include "lessons/exercises/exercises.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::exercises {

real clip_by_total_norm(const std::vector<Var>& /*params*/, real /*max_norm*/) {
  // Your code: sum the squares of every gradient (p.has_grad(), p.grad()), take the square root, and if it is
  // above max_norm replace each gradient by a scaled copy with p.set_grad().
  throw NotImplemented(5);
}

}  // namespace rnnlab::exercises
