// Lesson 13 — GRU vs LSTM vs tanh RNN.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/11_lstm.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson13 {

struct Config {
  std::vector<std::size_t> lengths = {50, 100};  // the adding problem at each T
  lesson11::AddingConfig adding;                 // adding.steps is set from `lengths`
  std::size_t tanh_hidden = 32, gru_hidden = 18, lstm_hidden = 16, seeds = 2;
  std::optional<real> lstm_forget_bias = 1.0;  // lesson 12's advice
  // Time per training step at equal width, fused cells and their composed reference.
  std::size_t timing_hidden = 32, timing_steps = 50, timing_repeats = 5, timing_updates = 10;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

inline const std::vector<lesson11::Cell> cells = {lesson11::Cell::tanh, lesson11::Cell::gru, lesson11::Cell::lstm};

struct Timing {
  lesson11::Cell cell;
  std::size_t parameters = 0;          // of the recurrent layer, at timing_hidden
  double fused_ms = 0, composed_ms = 0;  // median milliseconds per training step; composed is NaN for the tanh
                                         // RNN, which has one form
};

// Median milliseconds for one training step (forward, backward, clipping, Adam) of an adding model of `hidden`
// units on a batch of config.adding.batch sequences of timing_steps steps, on this thread.
double milliseconds_per_step(lesson11::Cell cell, std::size_t hidden, bool fused, const Config& config);

struct Result {
  std::vector<std::vector<lesson11::TrainedAdding>> runs;  // [length][cell * seeds + seed], cells in `cells` order
  std::vector<Timing> timings;                             // in `cells` order
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson13
