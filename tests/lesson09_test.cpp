#include "check.hpp"
#include "lessons/09_latch.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 09") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 09: every claim holds in the quick configuration") {
  const auto config = lesson09::config(true, 0);
  const auto result = lesson09::experiment(config);
  REQUIRE(result.success.size() == config.lengths.size());
  CHECK_CLAIMS(lesson09::claims(result, config));
}
#endif

}  // TEST_SUITE
