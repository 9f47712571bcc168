// Lesson 11 — LSTM and the constant error carousel.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lessons/08_vanishing_gradients.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/report.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::lesson11 {

// ---- the adding problem, shared with lessons 12 and 13 ----

enum class Cell { tanh, lstm, gru };
std::string name_of(Cell cell);  // "tanh RNN", "LSTM", "GRU"

// A recurrent layer of `hidden` units (PyTorch's nn.RNN, nn.LSTM or nn.GRU) and a linear readout of its last
// state: x [T, B, 2] -> prediction [B, 1].
class AddingModel : public nn::Module {
 public:
  AddingModel(Cell cell, std::size_t hidden, Rng& rng, std::optional<real> forget_bias = std::nullopt);
  Var forward(const Var& x);
  // The same function computed by unroll_steps, with the fused cells or their composed reference (lesson 13
  // times the two; a test checks all three agree).
  Var forward_by_steps(const Var& x, bool fused);
  Cell cell() const { return cell_; }
  // The recurrent layer's weights, to run its steps by hand (lessons 11 and 12 inspect c_t and h_t).
  const nn::RecurrentLayers::Weights& weights() const;

 private:
  Cell cell_;
  std::unique_ptr<nn::RecurrentLayers> layer_;
  nn::Linear readout_;
};

// Runs a recurrent layer's steps by hand over x [T, B, in] from zero states and returns every step's state (h, and
// c for the LSTM), so a lesson can look inside or keep their gradients (retain_grad). `fused` picks nn::lstm_step
// and nn::gru_step or their composed versions; the tanh RNN has one form.
std::vector<nn::RecurrentState> unroll_steps(Cell cell, const nn::RecurrentLayers::Weights& weights, const Var& x,
                                             bool fused = true);

struct AddingConfig {
  std::size_t steps = 50;  // T
  data::AddingForm form = data::AddingForm::le_2015;
  std::size_t training_steps = 2000, batch = 32, test_sequences = 500, evaluate_every = 100;
  double learning_rate = 1e-2, clip = 1;
};

struct AddingRun {
  std::vector<double> step, test_mse;  // the learning curve: test MSE after `step` updates
  double final_mse = 0;
  double seconds_per_step = 0;
  std::size_t parameters = 0;
};

// Trains `model` with Adam and gradient clipping on fresh batches; the test set is drawn first from `rng`.
AddingRun train_adding(AddingModel& model, const AddingConfig& config, Rng& rng, Progress* progress = nullptr);

// One training run of the experiment grid: which cell, how wide, which forget bias, which seed.
struct AddingJob {
  Cell cell;
  std::size_t hidden;
  std::uint64_t seed;
  std::optional<real> forget_bias;
};
struct TrainedAdding {
  AddingJob job;
  std::shared_ptr<AddingModel> model;
  AddingRun run;
};
// Runs the jobs in parallel (parallel_tasks), each with its own Rng(seed); results in the jobs' order.
std::vector<TrainedAdding> train_adding_jobs(const std::vector<AddingJob>& jobs, const AddingConfig& config,
                                             const std::string& label);

// For lesson 08's language task: embedding -> LSTM or GRU -> a linear readout of the last state.
std::unique_ptr<lesson08::SentenceClassifier> make_gated_classifier(Cell cell, Rng& rng, const lesson08::GapConfig& config,
                                                                    std::optional<real> forget_bias);

// ---- the lesson ----

struct Config {
  AddingConfig adding;
  std::size_t rnn_hidden = 32, lstm_hidden = 16, seeds = 3;
  // (2) how the error travels back through the trained nets: lags 0 .. norm_steps - 1 over norm_sequences
  std::size_t norm_steps = 100, norm_sequences = 64;
  // (3) lesson 08's language task, every model trained on gaps mixed from 0 to train_gap_max
  lesson08::GapConfig gap;
  std::optional<real> classifier_forget_bias = 2.0;
  // The other regime: LSTMs trained at this one gap only (0: skip)
  std::size_t fixed_gap = 40;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct NormCurve {
  std::string name;
  std::vector<double> median_by_lag;
};

struct Result {
  std::vector<TrainedAdding> rnn, lstm;  // one per seed
  std::vector<NormCurve> norms;
  // The cell state of the first LSTM over one test sequence: [t][unit], with its markers
  std::vector<std::vector<double>> cell_state;
  std::size_t first_marker = 0, second_marker = 0;
  double target = 0, prediction = 0;
  std::vector<lesson08::GapPoint> gaps_tanh, gaps_lstm, gaps_gru;
  std::vector<lesson08::GapPoint> gaps_lstm_fixed;  // trained and tested at fixed_gap only
};

// The median over sequences of ||dL/ds_{T-k}|| for L = u . s_T (u a random unit vector per sequence), where s is
// the LSTM's cell state c (cell_path = true) or the hidden state h, for the LSTM or RNN of `model`, on adding
// sequences of `steps` steps.
std::vector<double> state_gradient_by_lag(const AddingModel& model, bool cell_path, std::size_t steps,
                                          std::size_t sequences, std::uint64_t seed);

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson11
