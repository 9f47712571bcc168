#include "check.hpp"
#include "lessons/07_letters_and_words.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 07") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 07: every claim holds in the quick configuration") {
  const auto result = lesson07::experiment(lesson07::config(true, 0));
  REQUIRE(result.words.size() == 2);
  CHECK_CLAIMS(lesson07::claims(result));
}
#endif

}  // TEST_SUITE
