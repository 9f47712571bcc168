#include "check.hpp"
#include "lessons/01_sequence_data.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 01") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 01: every claim holds in the quick configuration") {
  const auto result = lesson01::experiment(lesson01::config(true, 0));
  CHECK_CLAIMS(lesson01::claims(result));
}
#endif

TEST_CASE("lesson 01: the Markov chain's accuracy matches its transition probabilities") {
  // Predicting "same as now" is right with probability pi 0.85 + (1 - pi) 0.90 = 0.88 (pi = 0.4 rain).
  const auto r = lesson01::experiment(lesson01::config(true, 1));
  CHECK(r.markov.with_previous == doctest::Approx(0.88).epsilon(0.02));
  CHECK(r.markov.without_previous == doctest::Approx(0.60).epsilon(0.03));
}

}  // TEST_SUITE
