// Exercise 2: tanh with a derivative broken on purpose. Read ../02_wrong_derivative.md first.
#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::exercises {

Var tanh_with_wrong_derivative(const Var& /*x*/) {
  // Your code: copy tanh from autograd/elementwise.cpp and change its derivative.
  throw NotImplemented(2);
}

}  // namespace rnnlab::exercises
