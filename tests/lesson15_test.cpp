#include "autograd/ops.hpp"
#include "check.hpp"
#include "lessons/15_bidirectional.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;

TEST_SUITE("lesson 15") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 15: every claim holds in the quick configuration") {
  const auto config = lesson15::config(true, 0);
  const auto result = lesson15::experiment(config);
  CHECK_CLAIMS(lesson15::claims(result, config));
}
#endif

TEST_CASE("the two-sided task: y_t = x_(t-2) + x_(t+2) with missing bits as 0") {
  Rng rng(4);
  const lesson15::ContextBatch b = lesson15::context_batch(9, 5, 2, rng);
  for (std::size_t s = 0; s < 5; ++s) {
    for (std::size_t t = 0; t < 9; ++t) {
      const double x = b.inputs.at({t, s, 0});
      CHECK((x == 0 || x == 1));
      const double before = t >= 2 ? b.inputs.at({t - 2, s, 0}) : 0, after = t + 2 < 9 ? b.inputs.at({t + 2, s, 0}) : 0;
      CHECK(b.targets.at({t, s, 0}) == before + after);
    }
  }
}

TEST_CASE("the backward model is the forward model run on the reversed sequence") {
  Rng a(5), b(5);
  lesson15::ContextModel forward(lesson15::Reading::forward, 4, a);
  lesson15::ContextModel backward(lesson15::Reading::backward, 4, b);  // the same weights
  Rng rng(6);
  const Var x(Tensor::normal({6, 2, 1}, 0, 1, rng));
  CHECK(lesson15::reverse_time(lesson15::reverse_time(x)).value() == x.value());
  CHECK(backward.forward(x).value() == lesson15::reverse_time(forward.forward(lesson15::reverse_time(x))).value());
  lesson15::ContextModel both(lesson15::Reading::both, 4, rng);
  CHECK(both.forward(x).shape() == Shape{6, 2, 1});
}

TEST_CASE("interior_mse averages the positions with context on both sides") {
  lesson15::Config config = lesson15::config(true, 0);
  config.steps = 6;
  config.lag = 2;
  CHECK(lesson15::interior_mse({9, 9, 1, 3, 9, 9}, config) == 2);
}

}  // TEST_SUITE
