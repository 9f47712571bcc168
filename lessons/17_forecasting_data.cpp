#include "lessons/17_forecasting.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "lessons/common/input.hpp"

namespace rnnlab::lessons::lesson17 {

// ---- the data ----

Weather weather_series(std::size_t hours, Rng& rng) {
  Weather w;
  w.temperature.resize(hours);
  w.rain.resize(hours);
  bool raining = false;
  const double two_pi = 2 * std::numbers::pi;
  for (std::size_t t = 0; t < hours; ++t) {
    // Rain persists: it goes on with probability 0.96 per hour (spells of ~25 h) and starts with 0.015 (~67 h dry).
    raining = raining ? rng.bernoulli(0.96) : rng.bernoulli(0.015);
    const double hour = static_cast<double>(t);
    const double year = 12 - 8 * std::cos(two_pi * hour / 8760);    // cold in winter, warm in summer
    const double swing = raining ? 1.5 : 6.0;                       // clouds damp the daily swing
    const double day = swing * std::sin(two_pi * (hour - 9) / 24);  // warmest mid-afternoon
    w.temperature[t] = year + day - (raining ? 3.0 : 0.0) + rng.normal(0, 0.6);
    w.rain[t] = raining ? 1 : 0;
  }
  return w;
}

Windows make_windows(const std::vector<double>& series, std::size_t history, std::size_t horizon, std::size_t stride) {
  if (series.size() < history + horizon) {
    throw std::invalid_argument("make_windows: a series of " + std::to_string(series.size()) +
                                " values has no window of " + std::to_string(history) + " + " +
                                std::to_string(horizon));
  }
  Windows w;
  for (std::size_t s = 0; s + history + horizon <= series.size(); s += stride) w.starts.push_back(s);
  const std::size_t n = w.starts.size();
  w.inputs = Tensor({history, n, 1});
  w.targets = Tensor({n, horizon});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t t = 0; t < history; ++t) w.inputs.at({t, i, 0}) = series[w.starts[i] + t];
    for (std::size_t h = 0; h < horizon; ++h) w.targets.at({i, h}) = series[w.starts[i] + history + h];
  }
  return w;
}

// ---- a learner's own series ----

std::size_t minimum_series_length(const Config& c) {
  // The experiment's split: the first 80% must hold one training window, the rest one test forecast.
  std::size_t n = c.history + c.horizon;
  while (n * 4 / 5 < c.history + c.horizon || n - n * 4 / 5 < c.horizon) ++n;
  return n;
}

std::vector<double> parse_series(std::string_view text, const std::string& name, const Config& c) {
  std::vector<double> series;
  const std::vector<std::string_view> lines = text_lines(text, name, 200);
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    const std::vector<std::string_view> fields = split_words(lines[number - 1]);
    if (fields.empty() || fields.front().front() == '#') continue;
    if (fields.size() > 1) {
      refuse_line(name, number,
                  "expected one number, got " + std::to_string(fields.size()) + " fields " + quoted(lines[number - 1]));
    }
    const double value = number_field(fields.front(), name, number, 1e15, "1e15");
    if (series.size() == max_series_values) {
      throw InputError(name + ": has more than " + std::to_string(max_series_values) +
                       " values; the lesson reads at most that many");
    }
    series.push_back(value);
  }
  const std::size_t needed = minimum_series_length(c);
  if (series.size() < needed) {
    throw InputError(name + ": has " + std::to_string(series.size()) + " values; a forecast from " +
                     std::to_string(c.history) + " values of the next " + std::to_string(c.horizon) +
                     ", trained on 80% and tested on 20%, needs at least " + std::to_string(needed));
  }
  if (std::all_of(series.begin(), series.end(), [&](double v) { return v == series.front(); })) {
    throw InputError(name + ": all " + std::to_string(series.size()) +
                     " values are equal; there is nothing to forecast");
  }
  return series;
}

std::vector<double> read_series(const std::string& path, const Config& c) {
  return parse_series(read_input_file(path), path, c);
}

}  // namespace rnnlab::lessons::lesson17
