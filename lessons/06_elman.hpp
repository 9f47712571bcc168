// Lesson 06 — Elman's simple recurrent network and backpropagation through time.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson06 {

struct Config {
  std::size_t train_bits = 3000, test_bits = 1200;  // the temporal XOR stream of lesson 03
  std::size_t hidden = 8;
  std::size_t window = 24;  // training sequences: 24 bits, each predicting the next
  std::size_t batch = 32, steps = 1500;
  double learning_rate = 1e-2;
  std::size_t seeds = 5;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

// How a network is trained: the context is a copy of the last hidden state with no gradient through it
// (Elman's 1990 training), or the whole window is backpropagated (BPTT).
enum class Training { elman_copy, bptt };

struct Run {
  Training training;
  std::uint64_t seed = 0;
  double mse_by_phase[3] = {0, 0, 0};  // on the test stream, by position in the triple (2 = the XOR bit)
  std::vector<double> rms_by_position;  // 12 consecutive positions (4 triples), RMS error over the test stream
};

struct Result {
  std::vector<Run> runs;
  std::vector<double> window_rms[2];  // the best window of k = 1, 2 bits (what lesson 03's nets reach), 12 positions
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson06
