// Exercise 2 checks: the value is still tanh's, the derivative is not, gradcheck notices, and lesson 08's
// measurement of vanishing gradients quietly changes.
#include <cmath>
#include <functional>

#include "autograd/gradcheck.hpp"
#include "autograd/ops.hpp"
#include "lessons/exercises/exercises.hpp"
#include "tests/check.hpp"

namespace rnnlab::exercises {
namespace {

// Lesson 08's measurement, small: a tanh RNN h_t = act(x_t + h_(t-1) U^T) (32 units, inputs N(0, 1) so units
// work across their whole range), L = r . h_T for a random r; returns ||dL/dh_(T-k)|| for k = 0 .. T-1.
std::vector<double> error_norm_by_lag(const std::function<Var(const Var&)>& activation) {
  constexpr std::size_t units = 32, steps = 40, batch = 1;
  Rng rng(8);
  const real bound = 1 / std::sqrt(static_cast<real>(units));
  const Var recurrent(Tensor::uniform({units, units}, -bound, bound, rng));
  Var h(Tensor::zeros({batch, units}), true);
  std::vector<Var> states;
  for (std::size_t t = 0; t < steps; ++t) {
    h = activation(Var(Tensor::normal({batch, units}, 0, 1, rng)) + linear(h, recurrent, Var()));
    h.retain_grad();
    states.push_back(h);
  }
  backward(sum(h * Var(Tensor::normal({batch, units}, 0, 1, rng))));
  std::vector<double> norms;
  for (std::size_t k = 0; k < steps; ++k) {
    const Tensor& g = states[steps - 1 - k].grad();
    double squares = 0;
    for (real v : g.values()) squares += v * v;
    norms.push_back(std::sqrt(squares));
  }
  return norms;
}

}  // namespace

TEST_SUITE("exercise 2") {

TEST_CASE("exercise 2: the value is tanh's") {
  const Tensor x = Tensor::from({5}, {-3, -0.5, 0, 0.5, 3});
  CHECK_TENSOR_CLOSE(tanh_with_wrong_derivative(Var(x)).value(), tanh(Var(x)).value(), 0, 0);
}

TEST_CASE("exercise 2: the derivative is wrong") {
  Rng rng(3);
  const Var x(Tensor::uniform({20}, -2, 2, rng), true);
  backward(sum(tanh_with_wrong_derivative(x)));
  const Tensor right = Tensor::ones({20}) - tanh(Var(x.value())).value() * tanh(Var(x.value())).value();
  INFO("your derivative: " << x.grad());
  INFO("1 - tanh(x)^2:   " << right);
  CHECK(max_abs_diff(x.grad(), right) > 1e-3);
}

TEST_CASE("exercise 2: gradcheck catches the wrong derivative") {
  Rng rng(4);
  const GradcheckResult r = gradcheck([](const std::vector<Var>& in) { return tanh_with_wrong_derivative(in[0]); },
                                      {Tensor::uniform({3, 4}, -2, 2, rng)});
  MESSAGE("what gradcheck reports: " << r.report);
  CHECK_FALSE(r.passed);
  CHECK(r.max_abs_error > 1e-3);
}

TEST_CASE("exercise 2: lesson 08's curve changes without any error message") {
  const std::vector<double> right = error_norm_by_lag([](const Var& v) { return tanh(v); });
  const std::vector<double> wrong = error_norm_by_lag([](const Var& v) { return tanh_with_wrong_derivative(v); });
  for (std::size_t k : {0, 10, 20, 30}) {
    MESSAGE("||dL/dh_(T-" << k << ")||: right derivative " << right[k] << ", yours " << wrong[k]);
  }
  // Both runs train nothing and throw nothing: the only sign of the bug is that the plot is wrong.
  CHECK(right[0] == doctest::Approx(wrong[0]));  // the last state's gradient passes no derivative
  const double ratio = wrong[30] / right[30];
  INFO("30 steps back, yours / right = " << ratio);
  CHECK(std::abs(std::log10(ratio)) > std::log10(2.0));
}

}  // TEST_SUITE
}  // namespace rnnlab::exercises
