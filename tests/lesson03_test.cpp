#include "check.hpp"
#include "lessons/03_window_problem.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 03") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 03: every claim holds in the quick configuration") {
  const auto result = lesson03::experiment(lesson03::config(true, 0));
  REQUIRE(result.windows.size() == 2);
  CHECK_CLAIMS(lesson03::claims(result));
}
#endif

}  // TEST_SUITE
