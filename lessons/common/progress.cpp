#include "lessons/common/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace rnnlab::lessons {

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total == 0 ? 1 : total),
      terminal_(::isatty(STDOUT_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(std::size_t step, double loss) {
  const bool final = step >= total_;
  if (terminal_) {
    const auto now = std::chrono::steady_clock::now();
    if (final || now - last_draw_ > std::chrono::milliseconds(80)) {
      last_draw_ = now;
      draw(step, loss, final);
    }
  } else if (step * 4 >= next_plain_ * total_) {  // at 0%, 25%, 50%, 75% and 100%
    while (step * 4 >= next_plain_ * total_) ++next_plain_;
    draw(step, loss, final);
  }
}

void Progress::advance(double loss) {
  const std::lock_guard<std::mutex> lock(mutex_);
  update(++done_, loss);
}

void Progress::draw(std::size_t step, double loss, bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(step) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total_ - std::min(step, total_)) / rate : 0;
  constexpr int width = 24;
  const int filled = static_cast<int>(static_cast<double>(step) / static_cast<double>(total_) * width);
  std::string bar;
  for (int i = 0; i < width; ++i) bar += i < filled ? "#" : ".";
  char line[256];
  std::snprintf(line, sizeof line, "  %-18s [%s] %6zu/%-6zu loss %-10.4g %7.0f steps/s  %s %.1fs", label_.c_str(),
                bar.c_str(), step, total_, loss, rate, final ? "took" : "ETA", final ? elapsed : left);
  if (terminal_) {
    std::printf("\r%s\x1b[K%s", line, final ? "\n" : "");
  } else {
    std::printf("%s\n", line);
  }
  std::fflush(stdout);
}

}  // namespace rnnlab::lessons
