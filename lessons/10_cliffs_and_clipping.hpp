// Lesson 10 — exploding gradients are cliffs; clip them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson10 {

struct Config {
  std::size_t grid = 401;  // grid points along w and along b
  double w_low = 0, w_high = 10, b_low = -8, b_high = 2;
  std::size_t starts = 200, steps = 200;
  double learning_rate = 0.5, clip = 1;
  // (c) A real exploding RNN: the IRNN on the adding problem, plain SGD.
  std::size_t explode_length = 400, explode_hidden = 32, explode_batch = 32, explode_steps = 100;
  double explode_learning_rate = 0.01;
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

// (c) The IRNN (Le, Jaitly & Hinton 2015: ReLU units, recurrent weights initialized to the identity) on the adding
// problem, trained with SGD three times from the same start: without clipping until the loss is NaN or Inf (at
// most explode_steps), again under anomaly detection, and with clipping for explode_steps.
struct Explosion {
  std::vector<double> plain_losses;    // the last one is the first NaN or Inf (if any appeared)
  std::vector<double> clipped_losses;  // explode_steps of them
  // ||h_t|| of the first sequence at every time step, in the forward pass of training step 0 and of the step
  // whose loss was not finite; the second stops where that sequence's state stops being finite.
  std::vector<double> state_norms_first, state_norms_last;
  std::size_t overflow_time_step = 0;  // in that last forward pass, the first time step (0-based) with a NaN or Inf state
  std::string anomaly;                 // the AnomalyError's message in the run with anomaly detection on
  std::size_t anomaly_training_step = 0;  // the training step during which it was thrown
};
Explosion explode(const Config& config);

struct Result {
  std::vector<double> grid_error, grid_gradient_norm;  // [b index][w index]
  double max_over_median_gradient = 0;
  double cliff_drop = 0;  // E(w = 5, b = -2.75) - E(w = 5, b = -2.5)
  std::vector<Run> plain, clipped;  // the same starts, without and with clipping
  Explosion explosion;
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson10
