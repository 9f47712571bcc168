// Lesson 12 — the forget gate and its bias.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "lessons/common/tasks/gap.hpp"

namespace rnnlab::lessons::lesson12 {

struct Config {
  std::vector<double> biases = {0, 1, 2};
  // (a) an untrained LSTM on random inputs: the forget gates' product along the cell path
  std::size_t hidden = 32, inputs = 8, sequences = 64, lags = 100;
  // (b) lesson 08's language task, trained on mixed gaps as in lesson 11: gap.seeds LSTMs per bias
  gap::Config gap;
  double solved_at = 0.9;  // a run "solves" the task when its accuracy at every tested gap is at least this
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

// The median over sequences and units of f_T f_(T-1) ... f_(T-k+1), for k = 1 .. lags (index k - 1): how much of
// the error at c_T reaches c_(T-k) along the cell path, in an LSTM just initialized with this forget bias.
std::vector<double> forget_product_by_lag(double forget_bias, const Config& config);

struct Result {
  std::vector<std::vector<double>> products;             // [bias][lag - 1]
  std::vector<std::vector<gap::Point>> accuracy;        // [bias][tested gap], one accuracy per seed
  std::vector<std::vector<double>> lowest;                // [bias][seed]: the accuracy at the hardest tested gap
  std::vector<std::size_t> solved;                        // [bias]
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson12
