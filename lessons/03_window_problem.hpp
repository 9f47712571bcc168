// Lesson 03 — the window problem: a feedforward net sees only its window.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson03 {

struct Config {
  std::size_t train_bits = 3000, test_bits = 1200;  // Elman's temporal XOR stream
  std::vector<std::size_t> windows = {1, 2};        // how many past bits each MLP sees
  std::size_t hidden = 16;
  std::size_t steps = 3000;  // full-batch Adam steps
  double learning_rate = 1e-2;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct WindowResult {
  std::size_t window = 0;
  double mse_by_phase[3] = {0, 0, 0};  // test MSE for targets at position 0, 1, 2 of each triple (2 = the XOR bit)
  std::vector<double> train_loss;      // every 10th step
};

struct Result {
  std::vector<WindowResult> windows;
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson03
