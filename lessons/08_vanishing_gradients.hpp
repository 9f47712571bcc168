// Lesson 08 — vanishing and exploding gradients.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lessons/common/data.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "nn/module.hpp"

namespace rnnlab::lessons::lesson08 {

// ---- (1) how the backpropagated error shrinks or grows with the distance it travels ----

enum class Activation { tanh, sigmoid, linear };

struct NormConfig {
  std::size_t hidden = 32, inputs = 8, sequences = 64, steps = 100;
};

// h_t = f(x_t W^T + h_{t-1} U^T) with U = rho Q (Q random orthogonal, so rho is U's spectral radius and every
// singular value), x_t ~ N(0, 1), W ~ N(0, 1/inputs). For L = u . h_T (u a random unit vector per sequence), returns for every lag
// k = 0 .. steps-1 the median over sequences of ||dL/dh_{T-k}||, the norm of the error that reached k steps back.
// Computed by the autograd graph itself: every h_t keeps its gradient (retain_grad).
std::vector<double> error_norm_by_lag(Activation f, double rho, const NormConfig& config, std::uint64_t seed);

// The measurement itself, for any recurrent net: `states` are s_1 .. s_T of B independent sequences ([B, H] each,
// retain_grad() called on each). Backpropagates L = sum_b u_b . s_T[b] with u_b random unit vectors drawn from
// `rng`, and returns for k = 0 .. T-1 the median over the sequences of ||dL/ds_(T-k)[b]||.
std::vector<double> median_error_norm_by_lag(const std::vector<Var>& states, Rng& rng);

// ---- (4) the long-term dependency: "i grew up in france ... i speak fluent ___" ----

// A model for the gap sweep: reads a batch of sentences and returns logits [B, 4] for the language.
class SentenceClassifier : public nn::Module {
 public:
  // With `states`, every hidden state h_t is kept there with retain_grad(), to inspect dL/dh_t after backward.
  virtual Var logits(const data::LanguageBatch& batch, std::vector<Var>* states = nullptr) = 0;
};
using ClassifierFactory = std::function<std::unique_ptr<SentenceClassifier>(Rng& rng)>;

struct GapConfig {
  std::vector<std::size_t> gaps = {2, 5, 10, 20, 40};  // the gaps tested
  // Without a value, one model per tested gap, trained at that gap only. With one, one model per seed, trained on
  // batches whose gap is drawn uniformly from 0..train_gap_max (easy and hard examples mixed), tested at every gap.
  std::optional<std::size_t> train_gap_max;
  std::size_t seeds = 3, steps = 500, batch = 32, test_sentences = 500;
  std::size_t embedding = 16, hidden = 32;
  double learning_rate = 1e-2, clip = 1;
};

struct GapPoint {
  std::size_t gap = 0;
  std::vector<double> accuracy;  // test accuracy per seed, each model trained at this gap
};

// Trains fresh models (Adam, gradient clipping) as config says, in parallel, and tests them on fresh sentences.
std::vector<GapPoint> gap_sweep(const GapConfig& config, const ClassifierFactory& factory, const std::string& label,
                                std::uint64_t seed);
// Embedding -> tanh RNN cell -> a linear readout of the last state.
std::unique_ptr<SentenceClassifier> tanh_classifier(Rng& rng, const GapConfig& config);

// ---- the lesson ----

struct Config {
  NormConfig norms;
  std::vector<double> rhos = {0.5, 0.9, 1.0, 1.5};
  // (2) the gradient heat map: a tanh RNN trained at one gap, dL/dh_t recorded as it learns
  std::size_t heat_gap = 12, heat_steps = 300, heat_every = 5;
  GapConfig gap;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Result {
  std::vector<std::pair<std::string, std::vector<double>>> norm_curves;  // name -> median norm by lag
  double tanh_fit_r2 = 0, tanh_fit_slope = 0;  // log10(norm) vs lag for tanh, rho = 0.9
  std::size_t heat_rows = 0, heat_cols = 0;    // heat map: rows = position t, cols = recorded training steps
  std::vector<double> heat;                    // [t][column] mean ||dL/dh_t|| over the batch
  std::vector<double> heat_accuracy;           // training-batch accuracy at each recorded step
  std::vector<double> derivative_x, tanh_derivative, sigmoid_derivative;
  std::vector<GapPoint> gaps;
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson08
