#include "check.hpp"
#include "lessons/05_jordan.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 05") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 05: every claim holds in the quick configuration") {
  const auto config = lesson05::config(true, 0);
  const auto result = lesson05::experiment(config);
  REQUIRE(result.runs.size() == 6);
  CHECK_CLAIMS(lesson05::claims(result, config));
  for (const auto& run : result.runs) {
    if (run.mu == 0.5) {
      CHECK(run.generated[0] == "abcbad");
      CHECK(run.generated[1] == "cbabcd");
    }
  }
}
#endif

}  // TEST_SUITE
