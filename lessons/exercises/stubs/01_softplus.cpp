// Exercise 1: softplus, a new op with its own backward. Read ../01_softplus.md first.
#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"
#include "tensor/elementwise.hpp"

namespace rnnlab::exercises {

Var softplus(const Var& /*x*/) {
  // Your code: compute the value with map(), then record("softplus", value, {x}, backward) as the ops in
  // autograd/elementwise.cpp do.
  throw NotImplemented(1);
}

}  // namespace rnnlab::exercises
