#include "nn/ctc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "tensor/math.hpp"

namespace rnnlab::nn {

namespace {

using math::log_add;
constexpr real minus_infinity = -std::numeric_limits<real>::infinity();

void check_log_probs(const char* op, const Tensor& log_probs, std::size_t blank) {
  if (log_probs.dim() != 2 || log_probs.shape()[1] < 2 || blank >= log_probs.shape()[1]) {
    throw ShapeError(std::string(op) + ": log_probs of shape " + to_string(log_probs.shape()) +
                     " need shape [T, C] with C >= 2 classes, the blank " + std::to_string(blank) + " among them");
  }
}

}  // namespace

std::vector<std::size_t> ctc_greedy_decode(const Tensor& log_probs, std::size_t blank) {
  check_log_probs("ctc_greedy_decode", log_probs, blank);
  const std::size_t steps = log_probs.shape()[0], classes = log_probs.shape()[1];
  std::vector<std::size_t> labels;
  std::size_t previous = blank;
  for (std::size_t t = 0; t < steps; ++t) {
    const real* row = log_probs.data() + t * classes;
    const auto best = static_cast<std::size_t>(std::max_element(row, row + classes) - row);
    if (best != blank && best != previous) labels.push_back(best);
    previous = best;
  }
  return labels;
}

std::vector<std::size_t> ctc_beam_search(const Tensor& log_probs, std::size_t beam, std::size_t blank) {
  check_log_probs("ctc_beam_search", log_probs, blank);
  if (beam == 0) throw ShapeError("ctc_beam_search: a beam of 0 keeps no prefix");
  const std::size_t steps = log_probs.shape()[0], classes = log_probs.shape()[1];
  struct Ends {
    real blank = minus_infinity, label = minus_infinity;  // log p of the prefix's paths ending in each
    real total() const { return log_add(blank, label); }
  };
  std::vector<std::pair<std::vector<std::size_t>, Ends>> kept = {{{}, {0, minus_infinity}}};
  for (std::size_t t = 0; t < steps; ++t) {
    const real* lp = log_probs.data() + t * classes;
    std::map<std::vector<std::size_t>, Ends> next;
    for (const auto& [prefix, p] : kept) {
      Ends& same = next[prefix];
      same.blank = log_add(same.blank, p.total() + lp[blank]);  // a blank: the prefix stays, now ending in blank
      if (!prefix.empty()) same.label = log_add(same.label, p.label + lp[prefix.back()]);  // its last label again
      for (std::size_t k = 0; k < classes; ++k) {
        if (k == blank) continue;
        std::vector<std::size_t> longer = prefix;
        longer.push_back(k);
        // After its own last label, k only extends the prefix from paths that ended in a blank.
        const real from = !prefix.empty() && k == prefix.back() ? p.blank : p.total();
        Ends& extended = next[longer];
        extended.label = log_add(extended.label, from + lp[k]);
      }
    }
    kept.assign(next.begin(), next.end());
    const std::size_t keep = std::min(beam, kept.size());
    // The most likely first; ties by the prefix itself, so that the result does not depend on the sort.
    std::partial_sort(
        kept.begin(), kept.begin() + static_cast<long>(keep), kept.end(), [](const auto& a, const auto& b) {
          return a.second.total() != b.second.total() ? a.second.total() > b.second.total() : a.first < b.first;
        });
    kept.resize(keep);
  }
  return kept.front().first;
}

std::size_t edit_distance(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  // row[j]: the distance between the first i symbols of a and the first j of b, one row i at a time.
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace rnnlab::nn
