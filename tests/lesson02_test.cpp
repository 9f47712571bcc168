#include "check.hpp"
#include "lessons/02_autograd.hpp"

using namespace rnnlab::lessons;

TEST_SUITE("lesson 02") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 02: every claim holds in the quick configuration") {
  const auto config = lesson02::config(true, 0);
  const auto result = lesson02::experiment(config);
  CHECK_CLAIMS(lesson02::claims(result, config));
  CHECK_CONTAINS(result.dot, "tanh");
  CHECK_CONTAINS(result.graph_svg, "grad");
}
#endif

}  // TEST_SUITE
