#include "check.hpp"
#include "lessons/04_tdnn.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 04") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 04: every claim holds in the quick configuration") {
  const auto result = lesson04::experiment(lesson04::config(true, 0));
  CHECK_CLAIMS(lesson04::claims(result));
  REQUIRE(result.tdnn_by_shift.size() == 7);
  // The shape of the curve, not just its mean: the MLP is good at shift 0 and near chance at +-3.
  CHECK(result.mlp_by_shift[3] >= 0.9);
  CHECK(result.mlp_by_shift[0] <= 0.5);
  CHECK(result.mlp_by_shift[6] <= 0.5);
  for (double a : result.tdnn_by_shift) CHECK(a >= 0.8);
}
#endif

}  // TEST_SUITE
