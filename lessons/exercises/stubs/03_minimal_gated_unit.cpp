// Exercise 3: the minimal gated unit. Read ../03_minimal_gated_unit.md first.
#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"

namespace rnnlab::exercises {

Var minimal_gated_step(const Var& /*x*/, const Var& /*h*/, const MinimalGatedWeights& /*weights*/) {
  // Your code: the three equations in exercises.hpp, with linear(), sigmoid(), tanh() and the arithmetic
  // operators of autograd/ops.hpp. No backward to write: autograd composes it.
  throw NotImplemented(3);
}

}  // namespace rnnlab::exercises
