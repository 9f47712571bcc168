#include "check.hpp"
#include "lessons/13_gru_vs_lstm.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;

TEST_SUITE("lesson 13") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 13: every claim holds in the quick configuration") {
  const auto config = lesson13::config(true, 0);
  const auto result = lesson13::experiment(config);
  CHECK_CLAIMS(lesson13::claims(result, config));
  // At equal width the GRU's recurrent layer has exactly 3/4 of the LSTM's parameters.
  REQUIRE(result.timings.size() == 3);
  CHECK(result.timings[1].cell == rnnlab::nn::CellKind::gru);
  CHECK(4 * result.timings[1].parameters == 3 * result.timings[2].parameters);
}
#endif

}  // TEST_SUITE
