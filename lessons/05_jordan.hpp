// Lesson 05 — Jordan's network: fed-back outputs produce serial order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson05 {

struct Config {
  std::vector<double> mus = {0.5, 0.0};  // the state units' self-connection (decay)
  std::size_t seeds = 3;
  std::size_t epochs = 3000;  // each epoch presents both plans once, with one update after each
  std::size_t hidden = 8;
  double learning_rate = 0.5;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Run {
  double mu = 0;
  std::uint64_t seed = 0;
  double max_error = 0;             // largest |generated - target| over both free-running sequences
  std::string generated[2];         // the symbols generated for plans A and B ("abcbad"; '?' if unclear)
  std::vector<double> outputs[2];   // [6 steps x 4 units] free-running outputs, step-major
};

struct Result {
  std::vector<Run> runs;
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson05
