#include <cmath>
#include <filesystem>
#include <fstream>

#include "check.hpp"
#include "lessons/17_forecasting.hpp"
#include "lessons/common/input.hpp"
#include "tensor/matmul.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 17") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 17: every claim holds in the quick configuration") {
  const auto config = lesson17::config(true, 0);
  Rng rng(config.seed + 17);
  const lesson17::Weather w = lesson17::weather_series(config.hours, rng);
  const auto result = lesson17::experiment(config, w.temperature, w.rain);
  CHECK_CLAIMS(lesson17::claims(result, config));
  REQUIRE(result.models.size() == 4);
  CHECK(result.models[1].mse < result.models[0].mse);  // the daily cycle makes "same hour yesterday" beat "now"
}
#endif

TEST_CASE("the weather: rain comes in spells and cools") {
  Rng rng(1);
  const lesson17::Weather w = lesson17::weather_series(20000, rng);
  std::size_t rainy = 0, spells = 0;
  for (std::size_t t = 0; t < w.rain.size(); ++t) {
    rainy += w.rain[t];
    spells += w.rain[t] && (t == 0 || !w.rain[t - 1]);
  }
  // Stationary share 0.015 / (0.015 + 0.04) = 0.27; mean spell 1 / 0.04 = 25 hours.
  CHECK(static_cast<double>(rainy) / 20000 == doctest::Approx(0.27).epsilon(0.2));
  CHECK(static_cast<double>(rainy) / static_cast<double>(spells) == doctest::Approx(25).epsilon(0.25));
  double dry = 0, wet = 0;
  for (std::size_t t = 0; t < w.rain.size(); ++t) (w.rain[t] ? wet : dry) += w.temperature[t];
  CHECK(wet / static_cast<double>(rainy) < dry / static_cast<double>(20000 - rainy) - 2);
}

TEST_CASE("windows and the naive forecasts on a known series") {
  const std::vector<double> series = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const lesson17::Windows w = lesson17::make_windows(series, 4, 2, 3);  // starts 0 and 3 (6 + 4 > 10)
  REQUIRE(w.starts == std::vector<std::size_t>{0, 3});
  CHECK(w.inputs.at({3, 1, 0}) == 6);
  CHECK(w.targets.at({1, 0}) == 7);
  CHECK(w.targets.at({1, 1}) == 8);
  const Tensor last = lesson17::persistence_forecast(w), earlier = lesson17::seasonal_naive_forecast(w, 2);
  CHECK(last.at({0, 1}) == 3);
  CHECK(earlier.at({0, 0}) == 2);  // two steps before the target 4
  CHECK(earlier.at({1, 1}) == 6);
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { (void)lesson17::make_windows(series, 8, 4, 1); }), "no window");
}

TEST_CASE("least squares: solve_spd and the linear forecast recover an exact linear rule") {
  // M = A^T A for a well-conditioned A; X known; R = M X.
  Rng rng(2);
  const Tensor a = Tensor::normal({12, 5}, 0, 1, rng), x = Tensor::normal({5, 2}, 0, 1, rng);
  const Tensor m = matmul(a, a, Transpose::first);
  CHECK_TENSOR_CLOSE(lesson17::solve_spd(m, matmul(m, x), 0), x, 1e-10, 1e-10);
  CHECK_CONTAINS(message_of<std::invalid_argument>([] {
    (void)lesson17::solve_spd(Tensor::from({2, 2}, {1, 2, 2, 1}), Tensor::zeros({2, 1}), 0);
  }), "not positive definite");
  // A series that is exactly linear in its past: y_t = 0.5 y_(t-1) + 0.3 y_(t-2) + 1 + tiny noise.
  std::vector<double> series = {0, 1};
  for (int t = 2; t < 400; ++t) series.push_back(0.5 * series[t - 1] + 0.3 * series[t - 2] + 1 + rng.normal(0, 1e-3));
  const lesson17::Windows train = lesson17::make_windows(series, 6, 1, 1);
  const Tensor f = lesson17::linear_forecast(train, train);
  double worst = 0;
  for (std::size_t i = 0; i < train.starts.size(); ++i) worst = std::max(worst, std::abs(f.at({i, 0}) - train.targets.at({i, 0})));
  CHECK(worst < 1e-2);
}

TEST_CASE("a learner's series: one number a line and the bad line named") {
  const lesson17::Config c = lesson17::config(true, 0);
  const std::size_t n = lesson17::minimum_series_length(c);
  CHECK(n * 4 / 5 >= c.history + c.horizon);
  CHECK(n - n * 4 / 5 >= c.horizon);
  std::string text = "# hourly\n\n+1.5\n  -2 \r\n3e1\n";
  for (std::size_t i = 3; i < n; ++i) text += std::to_string(i % 7) + "\n";
  const std::vector<double> series = lesson17::parse_series(text, "s.txt", c);
  REQUIRE(series.size() == n);
  CHECK(std::vector<double>(series.begin(), series.begin() + 3) == std::vector<double>{1.5, -2, 30});
  // One value short of the minimum, and the experiment itself refuses what the reader would.
  const std::string short_text = text.substr(0, text.rfind('\n', text.size() - 2) + 1);
  CHECK_CONTAINS(message_of<lessons::InputError>([&] { (void)lesson17::parse_series(short_text, "s.txt", c); }),
                 "s.txt: has " + std::to_string(n - 1) + " values");
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { (void)lesson17::experiment(c, {1, 2, 3}, {}); }), "too short");
  CHECK_CONTAINS(message_of<lessons::InputError>([&] { (void)lesson17::parse_series("1\n2\nwarm\n", "s.txt", c); }),
                 "s.txt line 3: expected a number, got 'warm'");
}

}  // TEST_SUITE
