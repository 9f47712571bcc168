// The long-term dependency of the source notes: "i grew up in france ... i speak fluent ___" (data::language_batch),
// with g filler words between the country and the question. Lesson 08 shows a tanh RNN fail as g grows;
// lessons 11 and 12 train the gated cells on it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lessons/common/data.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::gap {

struct Config {
  std::vector<std::size_t> gaps = {2, 5, 10, 20, 40};  // the gaps tested
  // Without a value, one model per tested gap, trained at that gap only. With one, one model per seed, trained on
  // batches whose gap is drawn uniformly from 0..train_gap_max (easy and hard examples mixed), tested at every gap.
  std::optional<std::size_t> train_gap_max;
  std::size_t seeds = 3, steps = 500, batch = 32, test_sentences = 500;
  std::size_t embedding = 16, hidden = 32;
  double learning_rate = 1e-2, clip = 1;
};

// Embedding -> a recurrent layer of any kind -> a linear readout of the last state: logits [B, 4] for the language.
class Classifier : public nn::Module {
 public:
  // forget_bias: the LSTM's only (nn::make_recurrent).
  Classifier(nn::CellKind kind, Rng& rng, const Config& config, std::optional<real> forget_bias = std::nullopt);
  // With `states`, the layer runs step by step (nn::run_steps) and every h_t is kept there with retain_grad(), to
  // inspect dL/dh_t after backward; without, it runs as one fused layer.
  Var logits(const data::LanguageBatch& batch, std::vector<Var>* states = nullptr);

 private:
  nn::CellKind kind_;
  nn::Embedding embedding_;
  std::unique_ptr<nn::RecurrentLayers> layer_;
  nn::Linear readout_;
};

struct Point {
  std::size_t gap = 0;
  std::vector<double> accuracy;  // test accuracy per seed
};

// Trains fresh classifiers of `kind` (Adam, gradient clipping) as config says, in parallel, and tests them on
// fresh sentences. `label` names the progress bar. Model s of every sweep draws from Rng(seed * 1000 + s).
std::vector<Point> sweep(const Config& config, nn::CellKind kind, const std::string& label, std::uint64_t seed,
                         std::optional<real> forget_bias = std::nullopt);

// Several sweeps at once, for a lesson that compares models: all their training runs share the cores in one
// pool, the longest first, so the lesson waits for its slowest run once instead of for each sweep's slowest in
// turn. The numbers are those of each sweep alone; results in the order of `arms`.
struct Arm {
  Config config;
  nn::CellKind kind;
  std::optional<real> forget_bias;
};
std::vector<std::vector<Point>> sweeps(const std::vector<Arm>& arms, const std::string& label, std::uint64_t seed);

// The share of rows of logits [B, C] whose largest entry is at the label.
double accuracy_of(const Tensor& logits, const std::vector<std::size_t>& labels);

}  // namespace rnnlab::lessons::gap
