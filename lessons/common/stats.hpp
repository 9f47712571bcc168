// Small statistics the lessons report.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace rnnlab::lessons {

// The median of `values` (for an even count, the upper of the two middle values: always one of the values).
inline double median(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median: no values");
  const auto middle = values.begin() + static_cast<long>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace rnnlab::lessons
