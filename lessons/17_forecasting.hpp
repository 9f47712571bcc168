// Lesson 17 — time-series forecasting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::lesson17 {

// An hourly synthetic weather record: a rain/no-rain Markov chain (as in lesson 01) that persists for hours, and a
// temperature with a yearly cycle, a daily cycle whose swing rain damps, a drop while it rains, and noise.
struct Weather {
  std::vector<double> temperature;
  std::vector<int> rain;
};
Weather weather_series(std::size_t hours, Rng& rng);


// The forecasting set: every window of `history` values and the `horizon` values after it.
struct Windows {
  Tensor inputs;   // [history, N, 1], time-major for the RNN
  Tensor targets;  // [N, horizon]
  std::vector<std::size_t> starts;  // index of each window's first value in the series
};
Windows make_windows(const std::vector<double>& series, std::size_t history, std::size_t horizon, std::size_t stride);

// The baselines, each [N, horizon]:
Tensor persistence_forecast(const Windows& w);              // the last value, repeated
Tensor seasonal_naive_forecast(const Windows& w, std::size_t period);  // the value one period earlier
// Linear autoregression: targets = [inputs, 1] A, fitted by least squares (normal equations with a tiny ridge,
// solved by Cholesky) on `train`; returns its forecast for `test`.
Tensor linear_forecast(const Windows& train, const Windows& test);
// Solves (M + ridge I) X = R for symmetric positive definite M [n, n] and R [n, k] by Cholesky; throws
// std::invalid_argument if M + ridge I is not positive definite.
Tensor solve_spd(const Tensor& m, const Tensor& r, double ridge);

// A GRU reads the history; a linear layer maps its last state to all `horizon` future values at once.
class Forecaster : public nn::Module {
 public:
  Forecaster(std::size_t hidden, std::size_t horizon, Rng& rng);
  Var forward(const Var& history);  // [history, N, 1] -> [N, horizon]

 private:
  nn::GRU gru_;
  nn::Linear head_;
};

struct Config {
  std::size_t hours = 2 * 8760;  // two years
  std::size_t history = 72, horizon = 24, period = 24, stride = 1;
  // 1000 steps: on seeds 0-3 the GRU's gain over the best baseline was 0.15-0.21 (0.20 after 1500 on seed 0).
  std::size_t hidden = 32, batch = 64, training_steps = 1000;
  double learning_rate = 1e-2, clip = 1;
  double margin = 0.1;  // the claim: the GRU's MSE is below every baseline's by at least this fraction
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

// A learner's series (--data FILE): one number per line; blank lines and lines starting with # are skipped.
// parse_series reads the text of the file named `name`; read_series opens it. Refused with an InputError naming
// the file and the line: anything but one number on a line, a value that is not finite or beyond +-1e15, fewer
// values than minimum_series_length or more than max_series_values, and a series whose values are all equal.
inline constexpr std::size_t max_series_values = 1'000'000;
std::size_t minimum_series_length(const Config& c);
std::vector<double> parse_series(std::string_view text, const std::string& name, const Config& c);
std::vector<double> read_series(const std::string& path, const Config& c);

struct Model {
  std::string name;
  Tensor forecast;                  // [N_test, horizon]
  double mse = 0;
  std::vector<double> mse_by_step;  // by horizon step h = 1 .. horizon
};

struct Result {
  std::vector<double> series;  // normalized
  std::vector<int> rain;       // empty with --data
  Windows test;
  std::vector<Model> models;   // persistence, seasonal naive, linear AR, GRU
  std::vector<double> training_curve;
};

Result experiment(const Config& config, const std::vector<double>& series, const std::vector<int>& rain);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson17
