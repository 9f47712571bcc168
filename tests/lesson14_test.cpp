#include "check.hpp"
#include "lessons/14_deep_rnn.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;

TEST_SUITE("lesson 14") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 14: every claim holds in the quick configuration") {
  const auto config = lesson14::config(true, 0);
  const auto result = lesson14::experiment(config);
  CHECK_CLAIMS(lesson14::claims(result, config));
}
#endif

TEST_CASE("the disk latch: written with [x1 > 0] inside the disk and kept outside") {
  Rng rng(2);
  const lesson14::LatchBatch b = lesson14::disk_latch_batch(30, 40, rng);
  REQUIRE(b.inputs.shape() == Shape{30, 40, 2});
  REQUIRE(b.targets.shape() == Shape{30, 40, 1});
  std::size_t writes = 0;
  for (std::size_t s = 0; s < 40; ++s) {
    double latch = 0;
    for (std::size_t t = 0; t < 30; ++t) {
      const double x1 = b.inputs.at({t, s, 0}), x2 = b.inputs.at({t, s, 1});
      CHECK(std::abs(x1) <= 1);
      if (x1 * x1 + x2 * x2 < 0.5) {
        latch = x1 > 0 ? 1 : 0;
        ++writes;
      }
      CHECK(b.targets.at({t, s, 0}) == latch);
    }
  }
  // The disk covers pi/8 of the square's area: about 39% of the steps write.
  CHECK(static_cast<double>(writes) / 1200 == doctest::Approx(0.39).epsilon(0.15));
}

TEST_CASE("stacked models: parameter counts and the output shape") {
  Rng rng(3);
  lesson14::StackedModel shallow(1, 56, rng), deep(2, 32, rng);
  // One layer: 56 x 2 + 56 x 56 + 2 x 56, readout 57. Two: (32 x 2 + 32 x 32 + 64) + (32 x 32 + 32 x 32 + 64) + 33.
  CHECK(shallow.num_parameters() == 3417);
  CHECK(deep.num_parameters() == 3297);
  CHECK(deep.rnn().num_layers() == 2);
  CHECK(deep.forward(Var(Tensor::zeros({7, 3, 2}))).shape() == Shape{7, 3, 1});
}

TEST_CASE("the error through depth: one number per layer and the residual stack keeps more of it") {
  lesson14::Config config = lesson14::config(true, 0);
  const std::vector<double> plain = lesson14::gradient_by_layer(4, 8, false, config);
  const std::vector<double> residual = lesson14::gradient_by_layer(4, 8, true, config);
  REQUIRE(plain.size() == 4);
  REQUIRE(residual.size() == 4);
  for (std::size_t l = 0; l + 1 < 4; ++l) CHECK(plain[l] < plain[l + 1]);  // it shrinks on its way down
  CHECK(residual.front() / residual.back() > plain.front() / plain.back());
}

}  // TEST_SUITE
