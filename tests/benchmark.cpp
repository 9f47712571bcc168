// rnnlab's benchmark: throughput of the workloads in shared/bench/WORKLOADS.md, printed one per line as
// `NAME f64 VALUE UNIT`, the format of the PyTorch reference script, so the two can be compared side by side.
// Built by CMake, never run by ctest: timings belong here, not in tests.
//
//   rnnlab_benchmark [--threads N] [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tensor/matmul.hpp"
#include "tensor/parallel.hpp"

using namespace rnnlab;

namespace {

using Clock = std::chrono::steady_clock;

// Calls per second of `step`: a warm-up, then `repeats` timed runs of at least `min_seconds` each; the median.
double rate(const std::function<void()>& step, double min_seconds, int repeats) {
  for (int i = 0; i < 2; ++i) step();
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    std::size_t n = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      step();
      ++n;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < min_seconds);
    rates.push_back(static_cast<double>(n) / elapsed);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      set_num_threads(static_cast<std::size_t>(std::stoul(argv[++i])));
    } else {
      std::fprintf(stderr, "usage: rnnlab_benchmark [--threads N] [--quick]\n");
      return 2;
    }
  }
  const double seconds = quick ? 0.2 : 1.0;
  const int repeats = quick ? 1 : 5;
  Rng rng(0);
  for (std::size_t n : {128, 512, 1024}) {
    const Tensor a = Tensor::normal({n, n}, 0, 1, rng), b = Tensor::normal({n, n}, 0, 1, rng);
    const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
    const double blocked = rate([&] { (void)matmul(a, b); }, seconds, repeats) * flops / 1e9;
    std::printf("matmul%zu f64 %.1f GFLOP/s\n", n, blocked);
    std::fflush(stdout);
    if (n <= 512 || !quick) {
      const double naive = rate([&] { (void)matmul_naive(a, b); }, seconds, quick ? 1 : 3) * flops / 1e9;
      std::printf("matmul%zu_naive f64 %.2f GFLOP/s\n", n, naive);
      std::fflush(stdout);
    }
  }
  std::printf("threads %zu\n", num_threads());
  return 0;
}
