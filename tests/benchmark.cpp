// rnnlab's benchmark: throughput of the workloads in shared/bench/WORKLOADS.md, printed one per line as
// `NAME f64 VALUE UNIT`, the format of the PyTorch reference script, so the two can be compared side by side.
// Built by CMake, never run by ctest: timings belong here, not in tests.
//
//   rnnlab_benchmark [--threads N] [--quick]
//
// W1_charlstm   one-hot (V = 65) -> LSTM H = 128 -> Linear(128, 65), T = 64, B = 32, cross-entropy, Adam 1e-3
// W2_elman      tanh RNN 1 -> 32 -> Linear(32, 1), T = 50, B = 16, MSE, SGD 0.01
// W2b_elman_composed  the same, written step by step from basic ops with the loss summed over steps
// W3_grudeep    GRU 32 -> 256, 2 layers, T = 100, B = 32, backward of the sum of all outputs (no optimizer)
// matmulN       C = A B, N x N, GFLOP/s = 2 N^3 / time (and the naive reference kernel beside it)
// W1 peak memory and W1 at T = 64, 256, 1024: each measured in a fresh process (this program, re-run with
// --w1-memory T), so the peak resident size is W1's own.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd/ops.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"
#include "tensor/kernels.hpp"
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

// ---- the workloads: each returns one training step as a closure that owns its model and data ----

using Workload = std::function<void()>;

std::vector<Var> parameters_of(const std::vector<std::shared_ptr<nn::Module>>& modules) {
  std::vector<Var> out;
  for (const auto& m : modules) {
    for (const Var& p : m->parameters()) out.push_back(p);
  }
  return out;
}

Workload char_lstm(std::size_t steps, Rng& rng) {
  const std::size_t V = 65, H = 128, B = 32;
  auto lstm = std::make_shared<nn::LSTM>(V, H, rng);
  auto head = std::make_shared<nn::Linear>(H, V, rng);
  auto adam = std::make_shared<optim::Adam>(parameters_of({lstm, head}), 1e-3);
  Tensor one_hot = Tensor::zeros({steps, B, V});
  std::vector<std::size_t> next(steps * B);
  for (std::size_t i = 0; i < steps * B; ++i) {
    one_hot[i * V + rng.below(V)] = 1;
    next[i] = rng.below(V);
  }
  const Var x(std::move(one_hot));
  return [=] {
    adam->zero_grad();
    const Var logits = head->forward((*lstm)(x).output);  // [T, B, V]
    backward(cross_entropy(reshape(logits, {-1, static_cast<long>(V)}), next));
    adam->step();
  };
}

Workload elman(Rng& rng) {
  const std::size_t H = 32, T = 50, B = 16;
  auto rnn = std::make_shared<nn::RNN>(1, H, rng);
  auto head = std::make_shared<nn::Linear>(H, 1, rng);
  auto sgd = std::make_shared<optim::SGD>(parameters_of({rnn, head}), 0.01);
  const Var x(Tensor::normal({T, B, 1}, 0, 1, rng)), y(Tensor::normal({T, B, 1}, 0, 1, rng));
  return [=] {
    sgd->zero_grad();
    backward(mse_loss(head->forward((*rnn)(x).output), y));
    sgd->step();
  };
}

Workload elman_composed(Rng& rng) {
  const std::size_t H = 32, T = 50, B = 16;
  auto cell = std::make_shared<nn::RNNCell>(1, H, rng);
  auto head = std::make_shared<nn::Linear>(H, 1, rng);
  auto sgd = std::make_shared<optim::SGD>(parameters_of({cell, head}), 0.01);
  const Var x(Tensor::normal({T, B, 1}, 0, 1, rng)), y(Tensor::normal({T, B, 1}, 0, 1, rng));
  return [=] {
    sgd->zero_grad();
    Var h(Tensor::zeros({B, H}));
    Var loss(Tensor::scalar(0));
    for (std::size_t t = 0; t < T; ++t) {
      h = (*cell)(select(x, 0, t), h);
      loss = loss + mse_loss(head->forward(h), select(y, 0, t));
    }
    backward(loss * (1.0 / static_cast<double>(T)));
    sgd->step();
  };
}

Workload gru_deep(Rng& rng) {
  const std::size_t I = 32, H = 256, T = 100, B = 32;
  auto gru = std::make_shared<nn::GRU>(I, H, rng, nn::RecurrentOptions{.num_layers = 2});
  const Var x(Tensor::normal({T, B, I}, 0, 1, rng));
  return [=] {
    gru->zero_grad();
    backward(sum((*gru)(x).output));
  };
}

double peak_resident_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Runs W1 at `steps` in this process and prints its step rate and the process's peak resident memory.
int w1_memory(std::size_t steps, double seconds) {
  Rng rng(1);
  const Workload w = char_lstm(steps, rng);
  const double steps_per_second = rate(w, seconds, 1);
  std::printf("%.4f %.1f\n", steps_per_second, peak_resident_mib());
  return 0;
}

// Runs this program again with --w1-memory T and reads its two numbers.
bool w1_in_fresh_process(const char* self, std::size_t steps, bool quick, double& steps_per_second, double& mib) {
  const std::string command = std::string(self) + " --w1-memory " + std::to_string(steps) + " --threads " +
                              std::to_string(num_threads()) + (quick ? " --quick" : "");
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return false;
  const int read = std::fscanf(pipe, "%lf %lf", &steps_per_second, &mib);
  return pclose(pipe) == 0 && read == 2;
}

void print(const char* name, double value, const char* unit) {
  std::printf("%s f64 %.2f %s\n", name, value, unit);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  long memory_steps = -1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      set_num_threads(static_cast<std::size_t>(std::stoul(argv[++i])));
    } else if (std::strcmp(argv[i], "--w1-memory") == 0 && i + 1 < argc) {
      memory_steps = std::stol(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: rnnlab_benchmark [--threads N] [--quick]\n");
      return 2;
    }
  }
  const double seconds = quick ? 0.3 : 2.0;
  const int repeats = quick ? 1 : 5;
  if (memory_steps > 0) return w1_memory(static_cast<std::size_t>(memory_steps), quick ? 0.3 : 2.0);

  // Which kernels run (tensor/kernels.hpp), as a comment line the comparison with PyTorch's lines skips.
  std::printf("# kernels: %s (%s; set RNNLAB_ISA=portable to compare)\n", isa_name(active_isa()),
              isa_description(active_isa()));
  Rng rng(0);
  print("W1_charlstm", rate(char_lstm(64, rng), seconds, repeats), "steps/s");
  print("W2_elman", rate(elman(rng), seconds, repeats), "steps/s");
  print("W2b_elman_composed", rate(elman_composed(rng), seconds, repeats), "steps/s");
  print("W3_grudeep", rate(gru_deep(rng), seconds, repeats), "steps/s");

  for (std::size_t n : {128, 512, 1024}) {
    const Tensor a = Tensor::normal({n, n}, 0, 1, rng), b = Tensor::normal({n, n}, 0, 1, rng);
    const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
    const std::string name = "matmul" + std::to_string(n);
    print(name.c_str(), rate([&] { (void)matmul(a, b); }, seconds / 2, repeats) * flops / 1e9, "GFLOP/s");
    if (n <= 512 || !quick) {
      const std::string naive = name + "_naive";
      print(naive.c_str(), rate([&] { (void)matmul_naive(a, b); }, seconds / 2, quick ? 1 : 3) * flops / 1e9,
            "GFLOP/s");
    }
  }

  // W1's memory, and how its time and memory grow with T (each in a fresh process).
  for (std::size_t steps : {64, 256, 1024}) {
    double steps_per_second = 0, mib = 0;
    if (!w1_in_fresh_process(argv[0], steps, quick, steps_per_second, mib)) {
      std::fprintf(stderr, "rnnlab_benchmark: the W1 run at T = %zu failed\n", steps);
      return 1;
    }
    const std::string time_name = "W1_T" + std::to_string(steps) + "_ms_per_step";
    const std::string memory_name = "W1_T" + std::to_string(steps) + "_peak_memory";
    print(time_name.c_str(), 1000 / steps_per_second, "ms");
    print(memory_name.c_str(), mib, "MiB");
  }
  std::printf("threads %zu\n", num_threads());
  return 0;
}
