#include "check.hpp"
#include "lessons/06_elman.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 06") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 06: every claim holds in the quick configuration") {
  const auto result = lesson06::experiment(lesson06::config(true, 0));
  CHECK_CLAIMS(lesson06::claims(result));
  // Elman's Fig. 3: the error dips at every third position, and only there.
  for (const auto& run : result.runs) {
    REQUIRE(run.rms_by_position.size() == 12);
    for (std::size_t p = 0; p < 12; ++p) {
      CAPTURE(p);
      if (p % 3 == 2) CHECK(run.rms_by_position[p] < 0.4);
      if (p % 3 != 2) CHECK(run.rms_by_position[p] > 0.45);
    }
  }
}
#endif

}  // TEST_SUITE
