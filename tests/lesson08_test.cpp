#include <cmath>

#include "check.hpp"
#include "lessons/08_vanishing_gradients.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 08") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 08: every claim holds in the quick configuration") {
  const auto config = lesson08::config(true, 0);
  const auto result = lesson08::experiment(config);
  CHECK_CLAIMS(lesson08::claims(result, config));
}
#endif

TEST_CASE("lesson 08: a linear orthogonal network passes the error on at exactly rho per step") {
  // With f the identity and U = rho Q orthogonal, ||dL/dh_(T-k)|| = rho^k ||u|| = rho^k exactly.
  RandomNetConfig small;
  small.steps = 30;
  small.sequences = 5;
  const auto norms = error_norm_by_lag(Activation::linear, 0.8, small, 3);
  for (std::size_t k = 0; k < norms.size(); ++k) {
    CAPTURE(k);
    CHECK(norms[k] == doctest::Approx(std::pow(0.8, static_cast<double>(k))).epsilon(1e-9));
  }
}

}  // TEST_SUITE
