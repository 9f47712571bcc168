// Lesson 10 — exploding gradients are cliffs; clip them.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson10 {

struct Config {
  std::size_t grid = 401;  // grid points along w and along b
  double w_low = 0, w_high = 10, b_low = -8, b_high = 2;
  std::size_t starts = 200, steps = 200;
  double learning_rate = 0.5, clip = 1;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

// x_t = w sigmoid(x_{t-1}) + b from x_0 = 0.5 for 50 steps; E = (sigmoid(x_50) - 0.7)^2. For many (w, b) at once:
// returns E, dE/dw and dE/db for each pair.
struct Surface {
  std::vector<double> error, grad_w, grad_b;
};
Surface evaluate(const std::vector<double>& w, const std::vector<double>& b);

struct Run {
  std::vector<double> w, b;  // the path, start included
  std::vector<double> step_sizes;
  double final_error = 0;
};

struct Result {
  std::vector<double> grid_error, grid_gradient_norm;  // [b index][w index]
  double max_over_median_gradient = 0;
  double cliff_drop = 0;  // E(w = 5, b = -2.75) - E(w = 5, b = -2.5)
  std::vector<Run> plain, clipped;  // the same starts, without and with clipping
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson10
