// Exercise 5 checks: your clipping agrees with optim::clip_grad_norm, and on lesson 10's cliff it turns a jump
// across the landscape into a step of bounded size.
#include <algorithm>
#include <cmath>
#include <functional>

#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"
#include "nn/optim.hpp"
#include "tests/check.hpp"

namespace rnnlab::exercises {
namespace {

// Two parameters with the same random gradients, one for each clipping function to work on.
std::vector<Var> with_gradients(std::uint64_t seed, real scale) {
  Rng rng(seed);
  std::vector<Var> params = {Var(Tensor::zeros({3, 4}), true), Var(Tensor::zeros({5}), true),
                             Var(Tensor::zeros({2}), true)};  // the last one gets no gradient
  params[0].set_grad(Tensor::normal({3, 4}, 0, scale, rng));
  params[1].set_grad(Tensor::normal({5}, 0, scale, rng));
  return params;
}

// Lesson 10's one-unit network: x_t = w sigmoid(x_(t-1)) + b from x_0 = 0.5 for 50 steps,
// E = (sigmoid(x_50) - 0.7)^2.
Var cliff_error(const Var& w, const Var& b) {
  Var x(Tensor::scalar(0.5));
  for (int t = 0; t < 50; ++t) x = w * sigmoid(x) + b;
  const Var miss = sigmoid(x) - 0.7;
  return miss * miss;
}

// Gradient descent (learning rate 0.5, 20 steps) from starts on the wall of lesson 10's cliff: w = 5 and b in
// [-2.6124, -2.6120], where the error falls from 0.35 to 0.01 within 1e-3 and the gradient reaches ~80.
// Returns the length of every step from every start.
std::vector<double> descent_step_lengths(const std::function<void(const std::vector<Var>&)>& clip) {
  std::vector<double> lengths;
  for (int start = 0; start <= 20; ++start) {
    Var w(Tensor::scalar(5), true), b(Tensor::scalar(-2.6124 + 2e-5 * start), true);
    for (int step = 0; step < 20; ++step) {
      w.zero_grad();
      b.zero_grad();
      backward(cliff_error(w, b));
      clip({w, b});
      const real dw = -0.5 * w.grad().item(), db = -0.5 * b.grad().item();
      w.mutable_value()[0] += dw;
      b.mutable_value()[0] += db;
      lengths.push_back(std::hypot(dw, db));
    }
  }
  return lengths;
}

}  // namespace

TEST_SUITE("exercise 5") {

TEST_CASE("exercise 5: small gradients are left alone and their norm returned") {
  const std::vector<Var> params = with_gradients(1, 0.01);
  const Tensor before = params[0].grad();
  double squares = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    for (real g : params[i].grad().values()) squares += g * g;
  }
  CHECK(clip_by_total_norm(params, 1) == doctest::Approx(std::sqrt(squares)).epsilon(1e-12));
  CHECK_TENSOR_CLOSE(params[0].grad(), before, 0, 0);
}

TEST_CASE("exercise 5: large gradients are scaled together exactly as clip_grad_norm does") {
  const std::vector<Var> yours = with_gradients(2, 10), reference = with_gradients(2, 10);
  const real norm = clip_by_total_norm(yours, 1);
  CHECK(norm == doctest::Approx(optim::clip_grad_norm(reference, 1)).epsilon(1e-12));
  for (std::size_t i = 0; i < 2; ++i) CHECK_TENSOR_CLOSE(yours[i].grad(), reference[i].grad(), 1e-12, 1e-15);
  CHECK_FALSE(yours[2].has_grad());
  double squares = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    for (real g : yours[i].grad().values()) squares += g * g;
  }
  CHECK(std::sqrt(squares) == doctest::Approx(1).epsilon(1e-5));
}

TEST_CASE("exercise 5: on lesson 10's cliff clipping bounds every step") {
  const std::vector<double> plain = descent_step_lengths([](const std::vector<Var>&) {});
  const std::vector<double> yours = descent_step_lengths([](const std::vector<Var>& p) { clip_by_total_norm(p, 1); });
  const std::vector<double> reference =
      descent_step_lengths([](const std::vector<Var>& p) { optim::clip_grad_norm(p, 1); });
  const double longest_plain = *std::max_element(plain.begin(), plain.end());
  const double longest_yours = *std::max_element(yours.begin(), yours.end());
  MESSAGE("longest step: without clipping " << longest_plain << ", with yours " << longest_yours);
  CHECK(longest_plain > 10);              // the cliff throws plain descent far across the landscape
  CHECK(longest_yours <= 0.5 + 1e-9);     // learning rate x max_norm
  for (std::size_t i = 0; i < yours.size(); ++i) CHECK(yours[i] == doctest::Approx(reference[i]).epsilon(1e-12));
}

}  // TEST_SUITE
}  // namespace rnnlab::exercises
