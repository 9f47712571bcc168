#include "check.hpp"
#include "lessons/10_cliffs_and_clipping.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 10") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 10: every claim holds in the quick configuration") {
  const auto config = lesson10::config(true, 0);
  const auto result = lesson10::experiment(config);
  CHECK_CLAIMS(lesson10::claims(result, config));
}
#endif

TEST_CASE("lesson 10: the batched surface gradient equals finite differences") {
  // evaluate() differentiates many independent models at once; check one point against central differences.
  const double w = 5, b = -2.6, eps = 1e-6;
  const auto at = lesson10::evaluate({w, w + eps, w - eps, w, w}, {b, b, b, b + eps, b - eps});
  CHECK(at.grad_w[0] == doctest::Approx((at.error[1] - at.error[2]) / (2 * eps)).epsilon(1e-5));
  CHECK(at.grad_b[0] == doctest::Approx((at.error[3] - at.error[4]) / (2 * eps)).epsilon(1e-5));
}

}  // TEST_SUITE
