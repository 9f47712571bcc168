// Lesson 01 — sequence data: some data must be read in order.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson01 {

struct Config {
  std::size_t steps = 200000;  // length of each weather series (half to learn the predictor, half to test it)
  double p_stay_rain = 0.85;   // the Markov chain: P(rain next | rain now)
  double p_start_rain = 0.10;  //                   P(rain next | dry now)
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

// Test accuracy of the best predictor of the next step without and with the current step, learned by
// counting on the first half of a series and tested on the second half.
struct Accuracy {
  double rain_rate = 0;
  double without_previous = 0;
  double with_previous = 0;
};

struct Result {
  Accuracy markov, independent, shuffled;  // shuffled: the Markov series with its order destroyed
  std::vector<int> markov_series, independent_series;  // the first steps, for the plot
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson01
