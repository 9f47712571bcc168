// Lesson 15 — bidirectional RNNs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "nn/layers.hpp"
#include "nn/recurrent.hpp"

namespace rnnlab::lessons::lesson15 {

// Random bits x_t in {0, 1}; the target y_t = x_(t-lag) + x_(t+lag), a bit outside the sequence counting as 0.
// At an interior step one half of the answer lies in the past and the other in the future.
struct ContextBatch {
  Tensor inputs;   // [T, B, 1]
  Tensor targets;  // [T, B, 1]
};
ContextBatch context_batch(std::size_t steps, std::size_t batch, std::size_t lag, Rng& rng);

// The reading direction of a model: forward (t = 0 .. T-1), backward (T-1 .. 0), or both (a BRNN).
enum class Reading { forward, backward, both };
std::string name_of(Reading reading);

// A tanh RNN reading in one direction or both (Schuster & Paliwal's BRNN: PyTorch's bidirectional = true) and a
// linear readout at every step of its output (both directions' states concatenated for the BRNN).
class ContextModel : public nn::Module {
 public:
  ContextModel(Reading reading, std::size_t hidden, Rng& rng);
  Var forward(const Var& x);  // x [T, B, 1] -> predictions [T, B, 1]

 private:
  Reading reading_;
  nn::RNN rnn_;
  nn::Linear readout_;
};

// x reversed along time (dimension 0).
Var reverse_time(const Var& x);

struct Config {
  std::size_t steps = 20, lag = 2, hidden = 16, seeds = 3;
  std::size_t training_steps = 1500, batch = 32, test_sequences = 1000;
  double learning_rate = 1e-2, clip = 1;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Models {
  std::vector<double> forward, backward, merge, brnn;  // test MSE at each position t
};

struct Result {
  std::vector<Models> seeds;  // per seed
};

// The mean over the interior positions t in [lag, T - lag) of a per-position MSE.
double interior_mse(const std::vector<double>& by_position, const Config& config);

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson15
