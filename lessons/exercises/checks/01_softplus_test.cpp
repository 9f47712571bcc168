// Exercise 1 checks: softplus is the right function, stable, one op, and its backward passes gradcheck.
#include <cmath>

#include "autograd/gradcheck.hpp"
#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"
#include "tests/check.hpp"

namespace rnnlab::exercises {
TEST_SUITE("exercise 1") {

TEST_CASE("exercise 1: softplus(x) = log(1 + e^x)") {
  const Tensor x = Tensor::from({5}, {-3, -0.5, 0, 0.5, 3});
  Tensor expected({5});
  for (std::size_t i = 0; i < 5; ++i) expected[i] = std::log(1 + std::exp(x[i]));
  CHECK_TENSOR_CLOSE(softplus(Var(x)).value(), expected, 1e-12, 1e-14);
}

TEST_CASE("exercise 1: softplus stays finite and exact far from 0") {
  // log(1 + e^800) overflows to Inf when computed as written; the true value is 800 (to 1e-300).
  const Tensor y = softplus(Var(Tensor::from({2}, {800, -800}))).value();
  INFO("softplus(800) = " << y[0] << ", softplus(-800) = " << y[1]);
  CHECK(y[0] == 800);
  CHECK(std::isfinite(y[1]));
  CHECK(y[1] >= 0);
  CHECK(y[1] < 1e-300);
}

TEST_CASE("exercise 1: softplus is one op with its own backward") {
  const Var x(Tensor::from({3}, {-1, 0, 1}), true);
  const Var y = softplus(x);
  INFO("the result was made by '" << y.op() << "': record it as \"softplus\", one node, not composed of exp and log");
  CHECK(std::string(y.op()) == "softplus");
  CHECK(y.node()->inputs.size() == 1);
}

TEST_CASE("exercise 1: the derivative of softplus is the sigmoid") {
  Rng rng(1);
  const Var x(Tensor::uniform({4, 5}, -6, 6, rng), true);
  backward(sum(softplus(x)));
  CHECK_TENSOR_CLOSE(x.grad(), sigmoid(Var(x.value())).value(), 1e-12, 1e-14);
}

TEST_CASE("exercise 1: softplus passes gradcheck") {
  Rng rng(2);
  testing::check_gradcheck(gradcheck([](const std::vector<Var>& in) { return softplus(in[0]); },
                                     {Tensor::uniform({3, 4}, -5, 5, rng)}));
}

}  // TEST_SUITE
}  // namespace rnnlab::exercises
