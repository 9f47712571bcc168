// Lesson 13 — GRU vs LSTM vs tanh RNN.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "lessons/common/tasks/adding.hpp"

namespace rnnlab::lessons::lesson13 {

struct Config {
  std::vector<std::size_t> lengths = {40, 80};  // the adding problem at each T
  // The budget at each T, the same for every net: every LSTM had solved T = 40 by step 900 and T = 80 by step 1400
  // (12 seeds each; see config()), so each leaves a fifth more.
  std::vector<std::size_t> training_steps = {1100, 1700};
  adding::Config adding;  // steps and training_steps are set from the two above
  std::size_t tanh_hidden = 32, gru_hidden = 18, lstm_hidden = 16, seeds = 2;
  std::optional<real> lstm_forget_bias = 1.0;  // lesson 12's advice
  // Time per training step at equal width, fused cells and their composed reference.
  std::size_t timing_hidden = 32, timing_steps = 50, timing_repeats = 5, timing_updates = 10;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

inline const std::vector<nn::CellKind> cells = {nn::CellKind::tanh_rnn, nn::CellKind::gru, nn::CellKind::lstm};

// The three ways to run the same recurrence, in order of what they fuse:
//   composed     each step built from basic ops as the equations read (nn::lstm_step_composed): ~20 nodes a step
//   fused_cell   each step's elementwise part as one node (nn::lstm_step): a product and a cell node a step
//   fused_layer  the whole recurrence as one node (autograd's fused_lstm_layer): what nn::LSTM and nn::GRU run
enum class Form { composed, fused_cell, fused_layer };

struct Timing {
  nn::CellKind cell;
  std::size_t parameters = 0;  // of the recurrent layer, at timing_hidden
  // Median milliseconds per training step. The tanh RNN has one form (its step is a product and a tanh, run by
  // nn::RNN), timed as its layer; its other two are NaN.
  double composed_ms = 0, fused_cell_ms = 0, fused_layer_ms = 0;
};

// Median milliseconds for one training step (forward, backward, clipping, Adam) of an adding model of `hidden`
// units on a batch of config.adding.batch sequences of timing_steps steps, run in the given form.
double milliseconds_per_step(nn::CellKind cell, std::size_t hidden, Form form, const Config& config);

struct Result {
  std::vector<std::vector<adding::Trained>> runs;  // [length][cell * seeds + seed], cells in `cells` order
  std::vector<Timing> timings;                     // in `cells` order
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson13
