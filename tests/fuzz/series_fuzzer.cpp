// libFuzzer target for lesson 17's --data reader (a series, one number a line).
#include <cmath>

#include "lessons/17_forecasting.hpp"
#include "text_reader.hpp"

using namespace rnnlab::lessons;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lesson17::Config config = lesson17::config(true, 0);
  return rnnlab::fuzz::read_or_refuse(
      data, size, [](const std::string& text) { return lesson17::parse_series(text, "fuzz input", config); },
      [](const std::vector<double>& series) {
        if (series.size() < lesson17::minimum_series_length(config) || series.size() > lesson17::max_series_values) return false;
        for (double v : series) {
          if (!(std::abs(v) <= 1e15)) return false;
        }
        return true;
      });
}
