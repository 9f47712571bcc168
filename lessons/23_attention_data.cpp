// Lesson 23's test set, how answers are scored, and how long decoding takes.
#include "lessons/23_attention.hpp"

#include <algorithm>
#include <chrono>

namespace rnnlab::lessons::lesson23 {

std::pair<double, double> score(const std::vector<std::vector<std::size_t>>& outputs,
                                const std::vector<std::vector<std::size_t>>& targets) {
  double exact = 0, right = 0, digits = 0;
  for (std::size_t b = 0; b < targets.size(); ++b) {
    exact += outputs[b] == targets[b];
    for (std::size_t i = 0; i < targets[b].size(); ++i)
      right += i < outputs[b].size() && outputs[b][i] == targets[b][i];
    digits += static_cast<double>(std::max(targets[b].size(), outputs[b].size()));
  }
  return {exact / static_cast<double>(targets.size()), right / digits};
}

TestSet test_set(const Config& c) {
  Rng rng(c.seed * 100 + 77);
  TestSet t;
  for (std::size_t length = c.min_length; length <= c.max_length; ++length) {
    t.by_length.push_back(data::reversed_digit_pairs(c.test_per_length, length, length, rng));
  }
  return t;
}

std::vector<double> decoding_seconds(Translator& model, const TestSet& t) {
  std::vector<double> seconds;
  for (const data::SequencePairs& p : t.by_length) {
    std::vector<double> runs;
    for (int k = 0; k < 3; ++k) {
      const auto start = std::chrono::steady_clock::now();
      (void)model.translate(p.sources);
      runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(runs.begin(), runs.end());
    seconds.push_back(runs[1] / static_cast<double>(p.sources.size()));
  }
  return seconds;
}

}  // namespace rnnlab::lessons::lesson23
