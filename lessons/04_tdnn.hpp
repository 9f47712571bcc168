// Lesson 04 — the time-delay neural network: shared weights over time give shift invariance.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson04 {

struct Config {
  std::size_t train_tokens = 600, test_tokens = 1000, tokens_per_shift = 300;
  std::size_t steps = 1500, batch = 64;
  double learning_rate = 3e-3;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Result {
  std::size_t tdnn_parameters = 0, mlp_parameters = 0;
  double tdnn_aligned = 0, mlp_aligned = 0;  // accuracy on tokens at the training alignment
  double tdnn_shifted = 0, mlp_shifted = 0;  // accuracy on tokens shifted by -3 .. +3 frames
  std::vector<double> tdnn_by_shift, mlp_by_shift;  // accuracy at each shift -3 .. +3
  std::vector<double> example_tokens;         // three example tokens (b, d, g) side by side, for the plot
  std::vector<double> layer1_activations;     // [13 frames x 8 units] of the first TDNN layer for one token
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson04
