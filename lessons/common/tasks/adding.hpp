// The adding problem (Hochreiter & Schmidhuber 1997, Experiment 4; here in the form of Le, Jaitly & Hinton 2015):
// each step of a sequence gives a value and a marker, exactly two steps are marked, and at the end the net must
// output the sum of the two marked values (data::adding_batch). Lessons 11 and 13 train every cell kind on it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lessons/common/data.hpp"
#include "lessons/common/progress.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::adding {

// Predicting the mean of the target: the MSE a net scores without using its memory.
double baseline_mse(data::AddingForm form);

// A recurrent layer of `hidden` units (PyTorch's nn.RNN, nn.LSTM or nn.GRU) and a linear readout of its last
// state: x [T, B, 2] -> prediction [B, 1].
class Model : public nn::Module {
 public:
  Model(nn::CellKind kind, std::size_t hidden, Rng& rng, std::optional<real> forget_bias = std::nullopt);
  Var forward(const Var& x);
  // The same function step by step (nn::run_steps), with the fused cells or their composed reference (lesson 13
  // times the three; a test checks they agree).
  Var forward_by_steps(const Var& x, bool fused);
  nn::CellKind kind() const { return kind_; }
  // The recurrent layer's weights, to run its steps by hand and look inside (nn::run_steps).
  const nn::RecurrentLayers::Weights& weights() const { return layer_->weights(0); }

 private:
  nn::CellKind kind_;
  std::unique_ptr<nn::RecurrentLayers> layer_;
  nn::Linear readout_;
};

struct Config {
  std::size_t steps = 50;  // T
  data::AddingForm form = data::AddingForm::le_2015;
  std::size_t training_steps = 2000, batch = 32, test_sequences = 500, evaluate_every = 100;
  double learning_rate = 1e-2, clip = 1;
};

struct Run {
  std::vector<double> step, test_mse;  // the learning curve: test MSE after `step` updates
  double final_mse = 0;
  double seconds_per_step = 0;
  std::size_t parameters = 0;
};

// Trains `model` with Adam and gradient clipping on fresh batches; the test set is drawn first from `rng`.
Run train(Model& model, const Config& config, Rng& rng, Progress* progress = nullptr);

// One training run of an experiment's grid: which cell, how wide, which forget bias, which seed, on what.
struct Job {
  nn::CellKind kind;
  std::size_t hidden;
  std::uint64_t seed;
  std::optional<real> forget_bias;
  Config config;
};
struct Trained {
  Job job;
  std::shared_ptr<Model> model;
  Run run;
};
// Runs the jobs in parallel (parallel_tasks), the longest first, each with its own Rng(seed); results in the
// jobs' order, the same however they are scheduled.
std::vector<Trained> train_jobs(const std::vector<Job>& jobs, const std::string& label);

}  // namespace rnnlab::lessons::adding
