// A progress bar for training loops: step, loss, rate and time left. On a terminal it redraws one line in
// place; when the output is a file or a CI log it prints just a few plain lines (0%, 25%, ..., 100%).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace rnnlab::lessons {

class Progress {
 public:
  Progress(std::string label, std::size_t total);
  // Call after step `step` (1-based) with the current loss.
  void update(std::size_t step, double loss);
  // One more step done: for runs that share a bar from several threads (parallel_tasks). Thread-safe.
  void advance(double loss);

 private:
  void draw(std::size_t step, double loss, bool final);
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;  // steps counted by advance()
  std::mutex mutex_;
  bool terminal_;
  std::size_t next_plain_ = 0;  // the next quarter to print when not on a terminal
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace rnnlab::lessons
