// Lesson 08 — vanishing and exploding gradients.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lessons/common/data.hpp"
#include "lessons/common/tasks/error_by_lag.hpp"
#include "lessons/common/tasks/gap.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson08 {

// ---- the lesson ----

// (1) is error_norm_by_lag (lessons/common/tasks/error_by_lag.hpp) in random nets; (3) the gap task
// (lessons/common/tasks/gap.hpp) with a tanh RNN.
struct Config {
  RandomNetConfig norms;
  std::vector<double> rhos = {0.5, 0.9, 1.0, 1.5};
  // (2) the gradient heat map: a tanh RNN trained at one gap, dL/dh_t recorded as it learns
  std::size_t heat_gap = 12, heat_steps = 300, heat_every = 5;
  gap::Config gap;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Result {
  std::vector<std::pair<std::string, std::vector<double>>> norm_curves;  // name -> median norm by lag
  double tanh_fit_r2 = 0, tanh_fit_slope = 0;  // log10(norm) vs lag for tanh, rho = 0.9
  std::size_t heat_rows = 0, heat_cols = 0;    // heat map: rows = position t, cols = recorded training steps
  std::vector<double> heat;                    // [t][column] mean ||dL/dh_t|| over the batch
  std::vector<double> heat_accuracy;           // training-batch accuracy at each recorded step
  std::vector<double> derivative_x, tanh_derivative, sigmoid_derivative;
  std::vector<gap::Point> gaps;
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson08
