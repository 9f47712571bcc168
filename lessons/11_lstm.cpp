// Lesson 11 — LSTM and the constant error carousel (Hochreiter & Schmidhuber 1997, "Long short-term memory";
// the forget gate: Gers, Schmidhuber & Cummins 2000, "Learning to forget").
//
// Lesson 08 showed why a tanh RNN cannot learn long dependencies: the error sent back k steps is multiplied by
// k Jacobians diag(tanh') U, and shrinks exponentially. Hochreiter's 1991 thesis had found the same. His answer
// with Schmidhuber, in 1997: give the network a unit whose error does NOT shrink. A linear unit connected to
// itself with weight 1.0,
//     c_t = c_{t-1} + (input),          so   dc_t / dc_{t-1} = 1,
// passes the error back unchanged through any number of steps: the "constant error carousel" (CEC). Around it,
// multiplicative gates decide what enters and what leaves:
//     c_t = c_{t-1} + i_t * g_t         (the 1997 cell: the input gate i protects c from irrelevant inputs)
//     h_t = o_t * tanh(c_t)             (the output gate o protects the rest of the net from irrelevant memory)
// with i, o = sigmoid(...) and g = tanh(...) of the input and the previous h. On a long stream the 1997 cell's
// state can only grow; Gers, Schmidhuber & Cummins (2000) added the forget gate f that lets the cell reset:
//     c_t = f_t * c_{t-1} + i_t * g_t,  so   dc_t / dc_{t-1} = f_t   (along the cell path alone).
// That is the LSTM of today, and of PyTorch's nn.LSTM (nn/gated.hpp). The carousel is exact only while f = 1:
// the error along the cell path is multiplied by the forget gates and nothing else, so the network itself decides
// how long to remember, where the tanh RNN has no choice.
//
// The test is the adding problem (data::adding_batch): only two of T inputs matter, and the answer needs both.
#include "lessons/11_lstm.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/optim.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson11 {

const LessonInfo info = {
    11, "11_lstm", {"LSTM and the constant error carousel",
                    "LSTM과 상수 오차 회전목마"},
    {"Hochreiter & Schmidhuber (1997) built a unit whose error cannot vanish: a linear self-loop of weight 1, the "
     "constant error carousel, guarded by multiplicative input and output gates. Gers, Schmidhuber & Cummins (2000) "
     "added the forget gate. The LSTM solves long-lag problems on which every earlier recurrent net failed.",
     "Hochreiter & Schmidhuber(1997)는 오차가 사라질 수 없는 유닛을 만들었다: 가중치 1의 선형 자기 고리, 즉 상수 오차 "
     "회전목마(constant error carousel)를 곱셈 입력 게이트와 출력 게이트가 지킨다. Gers, Schmidhuber & Cummins(2000)는 "
     "망각 게이트를 더했다. LSTM은 이전의 모든 순환 신경망이 실패한 긴 시차 문제를 푼다."},
    {"On the adding problem (T = 50) an LSTM with 16 units learns to near-zero error where a tanh RNN of the same size "
     "stays at the trivial baseline; its error travels back along the cell state; gated nets keep \"france\" in mind "
     "over 60 filler words.",
     "덧셈 문제(T = 50)에서 유닛 16개의 LSTM은 오차를 거의 0까지 줄이는데, 같은 크기의 tanh RNN은 자명한 기준선에 "
     "머문다. LSTM의 오차는 셀 상태를 따라 거슬러 가고, 게이트를 가진 신경망은 채움 단어 60개를 넘어서도 "
     "\"france\"를 기억한다."}};

// ---- the adding problem ----

std::string name_of(Cell cell) {
  switch (cell) {
    case Cell::tanh: return "tanh RNN";
    case Cell::lstm: return "LSTM";
    case Cell::gru: return "GRU";
  }
  return "?";
}

namespace {

std::unique_ptr<nn::RecurrentLayers> make_layer(Cell cell, std::size_t hidden, Rng& rng, std::optional<real> forget_bias) {
  switch (cell) {
    case Cell::tanh: return std::make_unique<nn::RNN>(2, hidden, rng);
    case Cell::lstm: return std::make_unique<nn::LSTM>(2, hidden, rng, nn::RecurrentOptions{}, forget_bias);
    case Cell::gru: return std::make_unique<nn::GRU>(2, hidden, rng);
  }
  return nullptr;
}

// Predicting the mean of the target: the MSE a net scores without using its memory.
double baseline_mse(data::AddingForm form) {
  // le_2015: Var(X1 + X2) = 2 / 12. hochreiter_1997: Var(0.5 + (X1 + X2) / 4) = (2 / 3) / 16.
  return form == data::AddingForm::le_2015 ? 1.0 / 6 : 1.0 / 24;
}

}  // namespace

AddingModel::AddingModel(Cell cell, std::size_t hidden, Rng& rng, std::optional<real> forget_bias)
    : cell_(cell), layer_(make_layer(cell, hidden, rng, forget_bias)), readout_(hidden, 1, rng) {
  register_module("rnn", *layer_);
  register_module("readout", readout_);
}

Var AddingModel::forward(const Var& x) {
  Var output;
  switch (cell_) {
    case Cell::tanh: output = static_cast<const nn::RNN&>(*layer_)(x).output; break;
    case Cell::lstm: output = static_cast<const nn::LSTM&>(*layer_)(x).output; break;
    case Cell::gru: output = static_cast<const nn::GRU&>(*layer_)(x).output; break;
  }
  return readout_.forward(select(output, 0, x.shape()[0] - 1));  // read the answer from the last state
}

Var AddingModel::forward_by_steps(const Var& x, bool fused) {
  return readout_.forward(unroll_steps(cell_, weights(), x, fused).back().h);
}

const nn::RecurrentLayers::Weights& AddingModel::weights() const { return layer_->weights(0); }

std::vector<nn::RecurrentState> unroll_steps(Cell cell, const nn::RecurrentLayers::Weights& w, const Var& x, bool fused) {
  const std::size_t steps = x.shape()[0], batch = x.shape()[1], hidden = w.weight_hh.shape()[1];
  const Var projected = linear(x, w.weight_ih, w.bias_ih);  // [T, B, G*H], every step's input at once
  nn::RecurrentState state{Var(Tensor::zeros({batch, hidden})), Var(Tensor::zeros({batch, hidden}))};
  if (cell != Cell::lstm) state.c = Var();
  std::vector<nn::RecurrentState> states;
  states.reserve(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    const Var x_t = select(projected, 0, t);
    switch (cell) {
      case Cell::lstm:
        state = fused ? nn::lstm_step(x_t, state, w.weight_hh, w.bias_hh)
                      : nn::lstm_step_composed(x_t, state, w.weight_hh, w.bias_hh);
        break;
      case Cell::gru:
        state.h = fused ? nn::gru_step(x_t, state.h, w.weight_hh, w.bias_hh)
                        : nn::gru_step_composed(x_t, state.h, w.weight_hh, w.bias_hh);
        break;
      case Cell::tanh: state.h = tanh(x_t + linear(state.h, w.weight_hh, w.bias_hh)); break;
    }
    states.push_back(state);
  }
  return states;
}

AddingRun train_adding(AddingModel& model, const AddingConfig& c, Rng& rng, Progress* progress) {
  const data::AddingBatch test = data::adding_batch(c.steps, c.test_sequences, rng, c.form);
  AddingRun run;
  run.parameters = model.num_parameters();
  auto evaluate = [&](std::size_t step) {
    NoGradGuard no_grad;
    run.step.push_back(static_cast<double>(step));
    run.test_mse.push_back(mse_loss(model.forward(Var(test.inputs)), Var(test.targets)).item());
  };
  optim::Adam adam(model.parameters(), c.learning_rate);
  double training_seconds = 0;
  evaluate(0);
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const data::AddingBatch batch = data::adding_batch(c.steps, c.batch, rng, c.form);
    const auto start = std::chrono::steady_clock::now();
    adam.zero_grad();
    const Var loss = mse_loss(model.forward(Var(batch.inputs)), Var(batch.targets));
    backward(loss);
    optim::clip_grad_norm(model.parameters(), c.clip);
    adam.step();
    training_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress) progress->advance(loss.item());
    if (step % c.evaluate_every == 0 || step == c.training_steps) evaluate(step);
  }
  run.final_mse = run.test_mse.back();
  run.seconds_per_step = training_seconds / static_cast<double>(c.training_steps);
  return run;
}

std::vector<TrainedAdding> train_adding_jobs(const std::vector<AddingJob>& jobs, const AddingConfig& config,
                                             const std::string& label) {
  std::vector<TrainedAdding> out(jobs.size());
  Progress progress(label, jobs.size() * config.training_steps);
  parallel_tasks(jobs.size(), [&](std::size_t k) {
    const AddingJob& job = jobs[k];
    Rng rng(job.seed);
    auto model = std::make_shared<AddingModel>(job.cell, job.hidden, rng, job.forget_bias);
    const AddingRun run = train_adding(*model, config, rng, &progress);
    out[k] = {job, model, run};
  });
  return out;
}

// ---- how far the error travels ----

std::vector<double> state_gradient_by_lag(const AddingModel& model, bool cell_path, std::size_t steps,
                                          std::size_t sequences, std::uint64_t seed) {
  if (cell_path && model.cell() != Cell::lstm) {
    throw std::invalid_argument("state_gradient_by_lag: only an LSTM has a cell state, this is a " + name_of(model.cell()));
  }
  Rng rng(seed);
  const data::AddingBatch batch = data::adding_batch(steps, sequences, rng);
  std::vector<Var> watched;
  for (nn::RecurrentState& state : unroll_steps(model.cell(), model.weights(), Var(batch.inputs))) {
    Var& s = cell_path ? state.c : state.h;
    s.retain_grad();  // keep each state's gradient
    watched.push_back(s);
  }
  return lesson08::median_error_norm_by_lag(watched, rng);
}

// ---- the language task with gated cells ----

namespace {

class GatedClassifier : public lesson08::SentenceClassifier {
 public:
  GatedClassifier(Cell cell, Rng& rng, const lesson08::GapConfig& c, std::optional<real> forget_bias)
      : cell_(cell),
        embedding_(data::language_vocabulary().size(), c.embedding, rng),
        layer_(cell == Cell::lstm ? std::unique_ptr<nn::RecurrentLayers>(std::make_unique<nn::LSTM>(
                                        c.embedding, c.hidden, rng, nn::RecurrentOptions{}, forget_bias))
                                  : std::make_unique<nn::GRU>(c.embedding, c.hidden, rng)),
        readout_(c.hidden, data::language_count, rng) {
    register_module("embedding", embedding_);
    register_module("rnn", *layer_);
    register_module("readout", readout_);
  }
  Var logits(const data::LanguageBatch& batch, std::vector<Var>*) override {
    const Var words = embedding_.forward(batch.tokens, {batch.steps, batch.batch});  // [T, B, E]
    const Var output = cell_ == Cell::lstm ? static_cast<const nn::LSTM&>(*layer_)(words).output
                                           : static_cast<const nn::GRU&>(*layer_)(words).output;
    return readout_(select(output, 0, batch.steps - 1));
  }

 private:
  Cell cell_;
  nn::Embedding embedding_;
  std::unique_ptr<nn::RecurrentLayers> layer_;
  nn::Linear readout_;
};

}  // namespace

std::unique_ptr<lesson08::SentenceClassifier> make_gated_classifier(Cell cell, Rng& rng, const lesson08::GapConfig& config,
                                                                    std::optional<real> forget_bias) {
  return std::make_unique<GatedClassifier>(cell, rng, config, forget_bias);
}

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  c.gap.gaps = {5, 20, 40, 60};
  c.gap.train_gap_max = 60;
  c.gap.steps = 1000;
  if (quick) {
    c.adding.steps = 20;
    c.adding.training_steps = 600;
    c.adding.test_sequences = 200;
    c.seeds = 1;
    c.norm_sequences = 16;
    c.gap.gaps = {5, 25};
    c.gap.train_gap_max = 25;
    c.gap.seeds = 1;
    c.gap.steps = 400;
    c.fixed_gap = 0;
    c.gap.test_sentences = 200;
  }
  return c;
}

Result experiment(const Config& c) {
  Result r;
  // (1) The adding problem: every seed of both nets, side by side on the cores.
  std::vector<AddingJob> jobs;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    jobs.push_back({Cell::tanh, c.rnn_hidden, c.seed * 100 + s, std::nullopt});
    jobs.push_back({Cell::lstm, c.lstm_hidden, c.seed * 100 + s, std::nullopt});
  }
  for (TrainedAdding& t : train_adding_jobs(jobs, c.adding, "adding problem")) {
    (t.job.cell == Cell::lstm ? r.lstm : r.rnn).push_back(std::move(t));
  }

  // The first LSTM's cell state over one test sequence.
  {
    NoGradGuard no_grad;
    Rng rng(c.seed + 7);
    const data::AddingBatch one = data::adding_batch(c.adding.steps, 1, rng, c.adding.form);
    AddingModel& model = *r.lstm.front().model;
    for (const nn::RecurrentState& state : unroll_steps(Cell::lstm, model.weights(), Var(one.inputs))) {
      const auto values = state.c.value().values();
      r.cell_state.emplace_back(values.begin(), values.end());
    }
    r.first_marker = one.first_marker[0];
    r.second_marker = one.second_marker[0];
    r.target = one.targets[0];
    r.prediction = model.forward(Var(one.inputs)).item();
  }

  // (2) How far the error travels back, in the trained nets and (for contrast) an LSTM before training.
  {
    lesson08::NormConfig norms;
    norms.steps = c.norm_steps;
    norms.sequences = c.norm_sequences;
    r.norms.push_back({"lesson 08: tanh RNN at init, rho = 1",
                       lesson08::error_norm_by_lag(lesson08::Activation::tanh, 1.0, norms, c.seed + 1)});
    r.norms.push_back({"trained tanh RNN: ||dL/dh||",
                       state_gradient_by_lag(*r.rnn.front().model, false, c.norm_steps, c.norm_sequences, c.seed + 2)});
    r.norms.push_back({"trained LSTM: ||dL/dh||",
                       state_gradient_by_lag(*r.lstm.front().model, false, c.norm_steps, c.norm_sequences, c.seed + 2)});
    r.norms.push_back({"trained LSTM: ||dL/dc||",
                       state_gradient_by_lag(*r.lstm.front().model, true, c.norm_steps, c.norm_sequences, c.seed + 2)});
    Rng rng(c.seed + 3);
    const AddingModel untrained(Cell::lstm, c.lstm_hidden, rng);
    r.norms.push_back({"LSTM before training: ||dL/dc||",
                       state_gradient_by_lag(untrained, true, c.norm_steps, c.norm_sequences, c.seed + 2)});
  }

  // (3) Lesson 08's language task, every model trained on gaps mixed from 0 to train_gap_max.
  const lesson08::GapConfig& g = c.gap;
  r.gaps_tanh = lesson08::gap_sweep(g, [&](Rng& rng) { return lesson08::tanh_classifier(rng, g); }, "tanh RNN, gaps", c.seed + 5);
  r.gaps_lstm = lesson08::gap_sweep(g, [&](Rng& rng) {
    return make_gated_classifier(Cell::lstm, rng, g, c.classifier_forget_bias);
  }, "LSTM, gaps", c.seed + 5);
  r.gaps_gru = lesson08::gap_sweep(g, [&](Rng& rng) {
    return make_gated_classifier(Cell::gru, rng, g, std::nullopt);
  }, "GRU, gaps", c.seed + 5);
  if (c.fixed_gap > 0) {
    lesson08::GapConfig fixed = g;
    fixed.gaps = {c.fixed_gap};
    fixed.train_gap_max.reset();
    r.gaps_lstm_fixed = lesson08::gap_sweep(fixed, [&](Rng& rng) {
      return make_gated_classifier(Cell::lstm, rng, fixed, c.classifier_forget_bias);
    }, "LSTM, one gap", c.seed + 5);
  }
  return r;
}

namespace {

double worst_mse(const std::vector<TrainedAdding>& runs) {
  double worst = 0;
  for (const TrainedAdding& t : runs) worst = std::max(worst, t.run.final_mse);
  return worst;
}

double best_mse(const std::vector<TrainedAdding>& runs) {
  double best = 1e300;
  for (const TrainedAdding& t : runs) best = std::min(best, t.run.final_mse);
  return best;
}

double lowest_accuracy(const std::vector<lesson08::GapPoint>& points) {
  double low = 1;
  for (const lesson08::GapPoint& p : points) low = std::min(low, *std::min_element(p.accuracy.begin(), p.accuracy.end()));
  return low;
}

const std::vector<double>& norm_curve(const Result& r, const std::string& name) {
  for (const NormCurve& n : r.norms) {
    if (n.name == name) return n.median_by_lag;
  }
  static const std::vector<double> none;
  return none;
}

}  // namespace

std::vector<Claim> claims(const Result& r, const Config& c) {
  const double baseline = baseline_mse(c.adding.form);
  const std::string seeds = " over " + std::to_string(c.seeds) + " seeds";
  const double lstm_worst = worst_mse(r.lstm), rnn_best = best_mse(r.rnn);
  // The error k = T/2 steps back, relative to where it starts: along the LSTM's cell state and the RNN's h.
  const std::size_t lag = c.norm_steps / 2;
  const std::vector<double>& cell = norm_curve(r, "trained LSTM: ||dL/dc||");
  const std::vector<double>& rnn = norm_curve(r, "trained tanh RNN: ||dL/dh||");
  const double cell_kept = cell[lag] / cell[0], rnn_kept = rnn[lag] / rnn[0];
  const std::string lag_text = std::to_string(lag) + " steps back";
  const double gated_lowest = std::min(lowest_accuracy(r.gaps_lstm), lowest_accuracy(r.gaps_gru));
  double tanh_long = 0;  // the tanh RNN's best accuracy at the longest gap
  const lesson08::GapPoint& longest = r.gaps_tanh.back();
  tanh_long = *std::max_element(longest.accuracy.begin(), longest.accuracy.end());
  return {
      {"adding problem: the LSTM's highest test MSE" + seeds, lstm_worst, "< " + plot::format_number(0.06 * baseline),
       lstm_worst < 0.06 * baseline},
      {"adding problem: the tanh RNN's lowest test MSE" + seeds + " (baseline " + plot::format_number(baseline) + ")",
       rnn_best, "> " + plot::format_number(0.6 * baseline), rnn_best > 0.6 * baseline},
      // How much of the error survives the trip back varies with the trained weights (the LSTM's cell kept from
      // 0.2% to over 100%, the tanh RNN's h from 1e-24 to 13% over 24 quick runs); which net keeps more does not.
      {"trained nets, " + lag_text + ": the LSTM's ||dL/dc|| kept / the tanh RNN's ||dL/dh|| kept", cell_kept / rnn_kept,
       "> 1", cell_kept > rnn_kept},
      {"language task: the LSTM's lowest test accuracy over every gap and seed", lowest_accuracy(r.gaps_lstm), ">= 0.9",
       lowest_accuracy(r.gaps_lstm) >= 0.9},
      {"language task: the GRU's lowest test accuracy over every gap and seed", lowest_accuracy(r.gaps_gru), ">= 0.9",
       lowest_accuracy(r.gaps_gru) >= 0.9},
      // Near chance in most runs, but in some the tanh RNN gets part of the way (0.52 the highest in 24 quick runs):
      // what holds is that it stays far below the gated nets.
      {"language task: the tanh RNN's highest accuracy at gap " + std::to_string(longest.gap) + " (chance 0.25)", tanh_long,
       "<= the gated nets' lowest - 0.3", tanh_long <= gated_lowest - 0.3},
  };
}

// ---- the lesson ----

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  const double baseline = baseline_mse(c.adding.form);
  report.say({"The adding problem. Each step t of a sequence gives two numbers: a value and a marker. Exactly two steps "
             "are marked, one in each half; at the end the net must output the sum of the two marked values. Here in the "
             "form of Le, Jaitly & Hinton (2015): values uniform in [0, 1], T = " + std::to_string(c.adding.steps) +
             " steps. Always answering the mean, 1, scores MSE = Var(X1 + X2) = 1/6 = 0.167: a net must beat that to "
             "show it remembers anything.",
              "덧셈 문제. 시퀀스의 각 스텝 t는 두 수를 준다: 값과 표시. 정확히 두 스텝이 표시되어 있는데 앞뒤 절반에 하나씩이다. "
             "끝에서 신경망은 표시된 두 값의 합을 출력해야 한다. 여기서는 Le, Jaitly & Hinton(2015)의 형태: 값은 [0, 1]에서 "
             "균등 분포, T = " + std::to_string(c.adding.steps) +
             " 스텝. 늘 평균인 1로 답하면 MSE = Var(X1 + X2) = 1/6 = 0.167이다. 무언가를 기억한다는 것을 보이려면 "
             "신경망은 이보다 나아야 한다."});
  report.say({"The original (Hochreiter & Schmidhuber 1997, Experiment 4) is harder to read but the same idea: values in "
             "[-1, 1], X1 among the first 10 steps, X2 among the first T/2 - 1, markers -1 on the first and last step, "
             "target 0.5 + (X1 + X2)/4, and a sequence counts as correct if |error| < 0.04. Their LSTM solved T = 100 "
             "after 74,000 training sequences on average. Set adding.form = data::AddingForm::hochreiter_1997 in "
             "config() to run it.",
              "원조(Hochreiter & Schmidhuber 1997, 실험 4)는 읽기 더 어렵지만 생각은 같다: 값은 [-1, 1], X1은 처음 10 스텝 중에, "
             "X2는 처음 T/2 - 1 스텝 중에 있고, 첫 스텝과 마지막 스텝의 표시는 -1, 목표는 0.5 + (X1 + X2)/4이며, "
             "|오차| < 0.04이면 그 시퀀스는 정답으로 친다. 그들의 LSTM은 평균 74,000개의 학습 시퀀스 뒤에 T = 100을 풀었다. "
             "실행해 보려면 config()에서 adding.form = data::AddingForm::hochreiter_1997로 설정하라."});
  report.say({"(1) A tanh RNN with " + std::to_string(c.rnn_hidden) + " units against an LSTM with " +
             std::to_string(c.lstm_hidden) + " (about the same number of parameters: 4 weight blocks per LSTM unit), "
             "each with a linear readout of its last state. Adam 0.01, batches of " + std::to_string(c.adding.batch) +
             ", gradient norm clipped at 1, " + std::to_string(c.adding.training_steps) + " steps, " +
             std::to_string(c.seeds) + " seeds; the test MSE on " + std::to_string(c.adding.test_sequences) +
             " fixed sequences.",
              "(1) 유닛 " + std::to_string(c.rnn_hidden) + "개의 tanh RNN 대 유닛 " +
             std::to_string(c.lstm_hidden) + "개의 LSTM(매개변수 수가 거의 같다: LSTM 유닛마다 가중치 블록이 4개), "
             "둘 다 마지막 상태에 선형 판독 레이어를 단다. Adam 0.01, 배치 " + std::to_string(c.adding.batch) +
             ", 기울기 노름을 1에서 클리핑, " + std::to_string(c.adding.training_steps) + " 스텝, 시드 " +
             std::to_string(c.seeds) + "개. 고정된 시퀀스 " + std::to_string(c.adding.test_sequences) +
             "개에서의 시험 MSE."});
  const Result r = experiment(c);

  plot::LineChart curves;
  curves.title = "The adding problem, T = " + std::to_string(c.adding.steps) + ": test error while training";
  curves.x_label = "training step";
  curves.y_label = "test MSE (log scale)";
  curves.log_y = true;
  for (const auto* runs : {&r.rnn, &r.lstm}) {
    for (std::size_t s = 0; s < runs->size(); ++s) {
      const TrainedAdding& t = (*runs)[s];
      const std::string name = s == 0 ? name_of(t.job.cell) + " (" + std::to_string(t.run.parameters) + " parameters)" : "";
      curves.series.push_back({name, t.run.step, t.run.test_mse, plot::palette()[t.job.cell == Cell::lstm ? 1 : 0], false, s > 0});
    }
  }
  curves.reference_lines = {{baseline, "always answering the mean"}};
  report.plot("adding_curves.svg", curves.svg(),
              {"Every seed of each net (dashed: seeds after the first). The tanh RNN never gets below the baseline: it "
              "learns to output the mean. The LSTM sits there too for a few hundred steps, then finds the solution and "
              "drops by two orders of magnitude.",
               "각 신경망의 모든 시드(점선: 첫 시드 이후의 시드). tanh RNN은 기준선 아래로 결코 내려가지 못한다: 평균을 출력하는 "
              "법을 배운다. LSTM도 수백 스텝 동안 거기 머물다가, 해를 찾고 두 자릿수만큼 떨어진다."},
              curves.text(60, 12));
  for (std::size_t s = 0; s < r.lstm.size(); ++s) {
    report.figure("seed " + std::to_string(s) + ": tanh RNN final test MSE", r.rnn[s].run.final_mse);
    report.figure("seed " + std::to_string(s) + ": LSTM final test MSE", r.lstm[s].run.final_mse);
  }

  plot::LineChart cell;
  cell.title = "Inside the trained LSTM: its cell state c_t over one test sequence";
  cell.x_label = "step t (vertical lines: the two marked steps)";
  cell.y_label = "c_t, one line per unit";
  for (std::size_t j = 0; j < r.cell_state.front().size(); ++j) {
    plot::Series unit{"", {}, {}, "", false, false};
    for (std::size_t t = 0; t < r.cell_state.size(); ++t) {
      unit.x.push_back(static_cast<double>(t));
      unit.y.push_back(r.cell_state[t][j]);
    }
    cell.series.push_back(unit);
  }
  cell.x_marks = {static_cast<double>(r.first_marker), static_cast<double>(r.second_marker)};
  report.plot("cell_state.svg", cell.svg(),
              {"At a marked step some cell states jump, by an amount that depends on the value read, and carry the jump "
              "to the end; between the markers they change only slowly. That is the carousel at work. (Target " +
                  plot::format_number(r.target) + ", the net answered " + plot::format_number(r.prediction) + ".)",
               "표시된 스텝에서 일부 셀 상태가 읽은 값에 따라 달라지는 크기만큼 뛰어오르고, 그 도약을 끝까지 가져간다. 표시 사이에서는 "
              "천천히만 변한다. 회전목마가 일하는 모습이다. (목표 " + plot::format_number(r.target) +
              ", 신경망의 답 " + plot::format_number(r.prediction) + ".)"});

  report.say({"(2) Lesson 08 measured how the error shrinks as it travels back through a tanh RNN. The same measurement "
             "inside the trained nets: L = u . s_T for a random unit vector u, and the median norm of dL/ds_(T-k) over " +
             std::to_string(c.norm_sequences) + " adding sequences of " + std::to_string(c.norm_steps) +
             " steps, for s = h (the hidden state) and, in the LSTM, s = c (the cell state).",
              "(2) 레슨 08은 tanh RNN을 거슬러 가며 오차가 얼마나 줄어드는지 쟀다. 같은 측정을 학습된 신경망 안에서: 무작위 단위 "
             "벡터 u에 대해 L = u . s_T, 그리고 " + std::to_string(c.norm_steps) + " 스텝짜리 덧셈 시퀀스 " +
             std::to_string(c.norm_sequences) + "개에 걸친 dL/ds_(T-k) 노름의 중앙값. s = h(은닉 상태)와, LSTM에서는 "
             "s = c(셀 상태)에 대해."});
  plot::LineChart norms;
  norms.title = "How far the error travels back";
  norms.x_label = "k: steps back from the end";
  norms.y_label = "median ||dL/ds_(T-k)|| (log scale)";
  norms.log_y = true;
  for (const NormCurve& n : r.norms) {
    std::vector<double> lags(n.median_by_lag.size());
    for (std::size_t k = 0; k < lags.size(); ++k) lags[k] = static_cast<double>(k);
    const bool reference = n.name.rfind("lesson 08", 0) == 0 || n.name.rfind("LSTM before", 0) == 0;
    norms.series.push_back({n.name, lags, n.median_by_lag, "", false, reference});
  }
  report.plot("error_by_lag.svg", norms.svg(),
              {"In the trained tanh RNN the error vanishes exponentially, as lesson 08 predicted. In the trained LSTM it "
              "travels along the cell state much further: the network learned forget gates near 1 (how near varies from "
              "seed to seed; which net keeps more does not). Before "
              "training the LSTM's carousel leaks too (f starts near sigmoid(0) = 0.5): it is a path the net can open, "
              "not a guarantee. Lesson 12 opens it from the start.",
               "학습된 tanh RNN에서 오차는 레슨 08의 예측대로 지수적으로 사라진다. 학습된 LSTM에서는 셀 상태를 따라 훨씬 멀리 "
              "이동한다: 신경망이 1에 가까운 망각 게이트를 배운 것이다(얼마나 가까운지는 시드마다 다르지만, 어느 쪽이 더 많이 "
              "간직하는지는 다르지 않다). 학습 전에는 LSTM의 회전목마도 샌다(f는 "
              "sigmoid(0) = 0.5 근처에서 시작한다). 그것은 신경망이 열 수 있는 길이지 보장이 아니다. 레슨 12는 그 길을 "
              "처음부터 열어 둔다."},
              norms.text(60, 12));
  const std::size_t lag = c.norm_steps / 2;
  for (const NormCurve& n : r.norms) report.figure(n.name + ", " + std::to_string(lag) + " steps back", n.median_by_lag[lag]);

  report.say({"(3) Lesson 08's sentence task, \"i grew up in france ... i speak fluent ___\". Trained on one long gap, "
             "even an LSTM rarely learns it: at first it cannot tell which early word matters, and the error that could "
             "tell it arrives only through 40 steps of a path it has not yet learned to keep open. So every model is "
             "trained on gaps mixed from 0 to " + std::to_string(*c.gap.train_gap_max) +
             " (short, easy sentences teach it what to keep; long ones teach it to keep it), all the same way: "
             "embedding " + std::to_string(c.gap.embedding) + ", " + std::to_string(c.gap.hidden) +
             " units (LSTM with forget bias " + plot::format_number(c.classifier_forget_bias.value_or(0)) +
             "; with bias 1, one of three seeds stayed at chance in our runs: lesson 12 is about this bias), Adam 0.01, "
             "clipping at 1, " + std::to_string(c.gap.steps) + " steps, " + std::to_string(c.gap.seeds) +
             " seeds; tested at each gap.",
              "(3) 레슨 08의 문장 과제, \"i grew up in france ... i speak fluent ___\". 긴 간격 하나로만 학습하면 LSTM조차 "
             "좀처럼 배우지 못한다: 처음에는 앞쪽의 어느 단어가 중요한지 알 수 없고, 그것을 알려 줄 오차는 아직 열어 두는 "
             "법을 배우지 못한 경로의 40 스텝을 거쳐서만 도착한다. 그래서 모든 모델을 0부터 " +
             std::to_string(*c.gap.train_gap_max) +
             "까지 섞인 간격으로 학습한다(짧고 쉬운 문장은 무엇을 간직할지, 긴 문장은 그것을 간직하는 법을 가르친다). "
             "모두 같은 방식이다: 임베딩 " + std::to_string(c.gap.embedding) + ", 유닛 " + std::to_string(c.gap.hidden) +
             "개(LSTM의 망각 편향 " + plot::format_number(c.classifier_forget_bias.value_or(0)) +
             ". 편향 1로 했을 때 우리 실행에서 시드 셋 중 하나가 우연 수준에 머물렀다. 레슨 12가 이 편향을 다룬다), "
             "Adam 0.01, 1에서 클리핑, " + std::to_string(c.gap.steps) + " 스텝, 시드 " + std::to_string(c.gap.seeds) +
             "개. 간격마다 시험한다."});
  plot::LineChart gaps;
  gaps.title = "\"i grew up in france ... i speak fluent ___\": trained on mixed gaps";
  gaps.x_label = "g: filler words between the country and the question";
  gaps.y_label = "test accuracy (mean of seeds; dashed: single seeds)";
  gaps.y_min = 0;
  gaps.y_max = 1.02;
  const std::vector<std::pair<std::string, const std::vector<lesson08::GapPoint>*>> models = {
      {"tanh RNN", &r.gaps_tanh}, {"LSTM", &r.gaps_lstm}, {"GRU", &r.gaps_gru}};
  for (std::size_t m = 0; m < models.size(); ++m) {
    const auto& [name, points] = models[m];
    plot::Series mean{name, {}, {}, plot::palette()[m], true, m == 2};  // the GRU dashed: it covers the LSTM
    for (const lesson08::GapPoint& p : *points) {
      double sum = 0;
      for (double a : p.accuracy) sum += a;
      mean.x.push_back(static_cast<double>(p.gap));
      mean.y.push_back(sum / static_cast<double>(p.accuracy.size()));
      report.figure(name + ", gap " + std::to_string(p.gap) + ": mean test accuracy", mean.y.back());
    }
    for (std::size_t s = 0; s < c.gap.seeds; ++s) {
      plot::Series seed{"", {}, {}, plot::palette()[m], false, true};
      for (const lesson08::GapPoint& p : *points) {
        seed.x.push_back(static_cast<double>(p.gap));
        seed.y.push_back(p.accuracy[s]);
      }
      gaps.series.push_back(seed);
    }
    gaps.series.push_back(mean);
  }
  if (!r.gaps_lstm_fixed.empty()) {
    const lesson08::GapPoint& p = r.gaps_lstm_fixed.front();
    plot::Series fixed{"LSTM, trained at gap " + std::to_string(p.gap) + " only", {}, {}, "#000000", true, false};
    for (double a : p.accuracy) {
      fixed.x.push_back(static_cast<double>(p.gap));
      fixed.y.push_back(a);
      report.figure("LSTM trained at gap " + std::to_string(p.gap) + " only: test accuracy", a);
    }
    // Dots only: a NaN between the points breaks the line.
    for (std::size_t k = fixed.y.size(); k-- > 1;) {
      fixed.x.insert(fixed.x.begin() + static_cast<long>(k), static_cast<double>(p.gap));
      fixed.y.insert(fixed.y.begin() + static_cast<long>(k), std::nan(""));
    }
    gaps.series.push_back(fixed);
  }
  gaps.reference_lines = {{0.25, "chance: 1/4"}};
  report.plot("accuracy_by_gap.svg", gaps.svg(),
              {"Trained on mixed gaps, the LSTM and the GRU answer right at every gap (their lines lie on top of each other "
              "at 1.0); the tanh RNN, trained the same way, stays far below them, near chance in most runs even for the short "
              "gaps, its learning swamped by the long ones. The black dots: LSTMs trained on long sentences only, which mostly never leave chance.",
               "섞인 간격으로 학습한 LSTM과 GRU는 모든 간격에서 정답을 말한다(두 선이 1.0에서 겹친다). 같은 방식으로 학습한 tanh RNN은 "
              "그보다 한참 아래에 머물고, 대부분의 실행에서 짧은 간격에서조차 우연 수준이다. 긴 간격들이 학습을 휩쓸어 버린다. 검은 점: 긴 문장으로만 학습한 "
              "LSTM들로, 대부분 우연 수준을 결코 벗어나지 못한다."},
              gaps.text(56, 10));
  report.say({"The LSTM does not make the error path long by computing something cleverer. It makes the path simple: "
             "along c the error is multiplied by f and nothing else, no weight matrix, no squashing derivative. Where the "
             "net has learned f = 1 the error arrives intact after any number of steps.",
              "LSTM은 더 영리한 무언가를 계산해서 오차 경로를 길게 만드는 것이 아니다. 경로를 단순하게 만든다: c를 따라 오차는 f에만 "
             "곱해진다. 가중치 행렬도, 찌그러뜨리는 도함수도 없다. 신경망이 f = 1을 배운 곳에서는 스텝이 몇 개든 오차가 "
             "온전히 도착한다."});
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson11
