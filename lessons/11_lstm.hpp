// Lesson 11 — LSTM and the constant error carousel.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lessons/common/data.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/report.hpp"
#include "lessons/common/tasks/adding.hpp"
#include "lessons/common/tasks/error_by_lag.hpp"
#include "lessons/common/tasks/gap.hpp"

namespace rnnlab::lessons::lesson11 {

// ---- the lesson ----

// (1) the adding problem (lessons/common/tasks/adding.hpp), (2) the error's travel back (tasks/error_by_lag.hpp),
// (3) the gap task (tasks/gap.hpp).
struct Config {
  adding::Config adding;
  std::size_t rnn_hidden = 32, lstm_hidden = 16, seeds = 3;
  // (2) how the error travels back through the trained nets: lags 0 .. norm_steps - 1 over norm_sequences
  std::size_t norm_steps = 100, norm_sequences = 64;
  // (3) lesson 08's language task, every model trained on gaps mixed from 0 to train_gap_max
  gap::Config gap;
  std::optional<real> classifier_forget_bias = 2.0;
  // The other regime: LSTMs trained at this one gap only (0: skip)
  std::size_t fixed_gap = 40;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct NormCurve {
  std::string name;
  std::vector<double> median_by_lag;
};

struct Result {
  std::vector<adding::Trained> rnn, lstm;  // one per seed
  std::vector<NormCurve> norms;
  // The cell state of the first LSTM over one test sequence: [t][unit], with its markers
  std::vector<std::vector<double>> cell_state;
  std::size_t first_marker = 0, second_marker = 0;
  double target = 0, prediction = 0;
  std::vector<gap::Point> gaps_tanh, gaps_lstm, gaps_gru;
  std::vector<gap::Point> gaps_lstm_fixed;  // trained and tested at fixed_gap only
};

// The median over sequences of ||dL/ds_{T-k}|| for L = u . s_T (u a random unit vector per sequence), where s is
// the LSTM's cell state c (cell_path = true) or the hidden state h, for the LSTM or RNN of `model`, on adding
// sequences of `steps` steps.
std::vector<double> state_gradient_by_lag(const adding::Model& model, bool cell_path, std::size_t steps,
                                          std::size_t sequences, std::uint64_t seed);

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson11
