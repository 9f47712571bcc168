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
#include "lessons/11_lstm.md.hpp"
#include "lessons/11_lstm.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/optim.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson11 {

const LessonInfo info = {11, "11_lstm", narration_markdown, nullptr, source_files};

// ---- how far the error travels ----

// >>> state-gradient-by-lag
std::vector<double> state_gradient_by_lag(const adding::Model& model, bool cell_path, std::size_t steps,
                                          std::size_t sequences, std::uint64_t seed) {
  if (cell_path && model.kind() != nn::CellKind::lstm) {
    throw std::invalid_argument("state_gradient_by_lag: only an LSTM has a cell state, this is a " + nn::name_of(model.kind()));
  }
  Rng rng(seed);
  const data::AddingBatch batch = data::adding_batch(steps, sequences, rng);
  std::vector<Var> watched;
  for (nn::RecurrentState& state : nn::run_steps(model.kind(), model.weights(), Var(batch.inputs))) {
    Var& s = cell_path ? state.c : state.h;
    s.retain_grad();  // keep each state's gradient
    watched.push_back(s);
  }
  return median_error_norm_by_lag(watched, rng);
}
// <<< state-gradient-by-lag

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  c.gap.gaps = {5, 20, 40, 60};
  c.gap.train_gap_max = 60;
  // 700 steps: every LSTM and GRU of seeds 0-2 answered every gap (accuracy 1, as at 1000 steps). The adding
  // problem: an LSTM leaves the baseline's plateau after 500 to 1100 steps, and at 1200 the last one had only just
  // arrived (test MSE 0.0055, the claim's bound 0.01): 1600 steps leave it 500 more.
  c.gap.steps = 700;
  c.adding.training_steps = 1600;
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
  std::vector<adding::Job> jobs;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    jobs.push_back({nn::CellKind::tanh_rnn, c.rnn_hidden, c.seed * 100 + s, std::nullopt, c.adding});
    jobs.push_back({nn::CellKind::lstm, c.lstm_hidden, c.seed * 100 + s, std::nullopt, c.adding});
  }
  for (adding::Trained& t : adding::train_jobs(jobs, "adding problem")) {
    (t.job.kind == nn::CellKind::lstm ? r.lstm : r.rnn).push_back(std::move(t));
  }

  // The first LSTM's cell state over one test sequence.
  {
    NoGradGuard no_grad;
    Rng rng(c.seed + 7);
    const data::AddingBatch one = data::adding_batch(c.adding.steps, 1, rng, c.adding.form);
    adding::Model& model = *r.lstm.front().model;
    for (const nn::RecurrentState& state : nn::run_steps(nn::CellKind::lstm, model.weights(), Var(one.inputs))) {
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
    RandomNetConfig norms;
    norms.steps = c.norm_steps;
    norms.sequences = c.norm_sequences;
    r.norms.push_back({"lesson 08: tanh RNN at init, rho = 1",
                       error_norm_by_lag(Activation::tanh, 1.0, norms, c.seed + 1)});
    r.norms.push_back({"trained tanh RNN: ||dL/dh||",
                       state_gradient_by_lag(*r.rnn.front().model, false, c.norm_steps, c.norm_sequences, c.seed + 2)});
    r.norms.push_back({"trained LSTM: ||dL/dh||",
                       state_gradient_by_lag(*r.lstm.front().model, false, c.norm_steps, c.norm_sequences, c.seed + 2)});
    r.norms.push_back({"trained LSTM: ||dL/dc||",
                       state_gradient_by_lag(*r.lstm.front().model, true, c.norm_steps, c.norm_sequences, c.seed + 2)});
    Rng rng(c.seed + 3);
    const adding::Model untrained(nn::CellKind::lstm, c.lstm_hidden, rng);
    r.norms.push_back({"LSTM before training: ||dL/dc||",
                       state_gradient_by_lag(untrained, true, c.norm_steps, c.norm_sequences, c.seed + 2)});
  }

  // (3) Lesson 08's language task, every model trained on gaps mixed from 0 to train_gap_max.
  gap::Config fixed = c.gap;  // the other regime: trained and tested at one long gap
  fixed.gaps = {c.fixed_gap};
  fixed.train_gap_max.reset();
  std::vector<gap::Arm> arms = {{c.gap, nn::CellKind::tanh_rnn, std::nullopt},
                                {c.gap, nn::CellKind::lstm, c.classifier_forget_bias},
                                {c.gap, nn::CellKind::gru, std::nullopt}};
  if (c.fixed_gap > 0) arms.push_back({fixed, nn::CellKind::lstm, c.classifier_forget_bias});
  std::vector<std::vector<gap::Point>> sweeps = gap::sweeps(arms, "language task", c.seed + 5);
  r.gaps_tanh = sweeps[0], r.gaps_lstm = sweeps[1], r.gaps_gru = sweeps[2];
  if (c.fixed_gap > 0) r.gaps_lstm_fixed = sweeps[3];
  return r;
}

namespace {

double worst_mse(const std::vector<adding::Trained>& runs) {
  double worst = 0;
  for (const adding::Trained& t : runs) worst = std::max(worst, t.run.final_mse);
  return worst;
}

double best_mse(const std::vector<adding::Trained>& runs) {
  double best = 1e300;
  for (const adding::Trained& t : runs) best = std::min(best, t.run.final_mse);
  return best;
}

double lowest_accuracy(const std::vector<gap::Point>& points) {
  double low = 1;
  for (const gap::Point& p : points) low = std::min(low, *std::min_element(p.accuracy.begin(), p.accuracy.end()));
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
  const double baseline = adding::baseline_mse(c.adding.form);
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
  const gap::Point& longest = r.gaps_tanh.back();
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

// ---- what the lesson shows ----

namespace {

// The adding problem's learning curves: every seed of both nets.
void show_adding_curves(Report& report, const Result& r, const Config& c) {
  const double baseline = adding::baseline_mse(c.adding.form);
  plot::LineChart curves;
  curves.title = "The adding problem, T = " + std::to_string(c.adding.steps) + ": test error while training";
  curves.x_label = "training step";
  curves.y_label = "test MSE (log scale)";
  curves.log_y = true;
  for (const auto* runs : {&r.rnn, &r.lstm}) {
    for (std::size_t s = 0; s < runs->size(); ++s) {
      const adding::Trained& t = (*runs)[s];
      const std::string name = s == 0 ? nn::name_of(t.job.kind) + " (" + std::to_string(t.run.parameters) + " parameters)" : "";
      curves.series.push_back(
          {.name = name, .x = t.run.step, .y = t.run.test_mse, .color = plot::color_of(t.job.kind), .dashed = s > 0});
    }
  }
  curves.reference_lines = {{baseline, "always answering the mean"}};
  report.plot("adding_curves.svg", curves.svg(), {}, curves.text(60, 12));
  for (std::size_t s = 0; s < r.lstm.size(); ++s) {
    report.figure("seed " + std::to_string(s) + ": tanh RNN final test MSE", r.rnn[s].run.final_mse);
    report.figure("seed " + std::to_string(s) + ": LSTM final test MSE", r.lstm[s].run.final_mse);
  }
}

// Inside the first trained LSTM: its cell state over one test sequence.
void show_cell_state(Report& report, const Result& r) {
  plot::LineChart cell;
  cell.title = "Inside the trained LSTM: its cell state c_t over one test sequence";
  cell.x_label = "step t (vertical lines: the two marked steps)";
  cell.y_label = "c_t, one line per unit";
  for (std::size_t j = 0; j < r.cell_state.front().size(); ++j) {
    plot::Series unit;
    for (std::size_t t = 0; t < r.cell_state.size(); ++t) {
      unit.x.push_back(static_cast<double>(t));
      unit.y.push_back(r.cell_state[t][j]);
    }
    cell.series.push_back(unit);
  }
  cell.x_marks = {static_cast<double>(r.first_marker), static_cast<double>(r.second_marker)};
  report.plot("cell_state.svg", cell.svg(), {{"target", r.target}, {"prediction", r.prediction}});
}

// How far the error travels back, in the trained nets and the references.
void show_error_by_lag(Report& report, const Result& r, const Config& c) {
  plot::LineChart norms;
  norms.title = "How far the error travels back";
  norms.x_label = "k: steps back from the end";
  norms.y_label = "median ||dL/ds_(T-k)|| (log scale)";
  norms.log_y = true;
  for (const NormCurve& n : r.norms) {
    const std::vector<double> lags = plot::integers(0, n.median_by_lag.size());
    const bool reference = n.name.rfind("lesson 08", 0) == 0 || n.name.rfind("LSTM before", 0) == 0;
    norms.series.push_back({.name = n.name, .x = lags, .y = n.median_by_lag, .dashed = reference});
  }
  report.plot("error_by_lag.svg", norms.svg(), {}, norms.text(60, 12));
  const std::size_t lag = c.norm_steps / 2;
  for (const NormCurve& n : r.norms) report.figure(n.name + ", " + std::to_string(lag) + " steps back", n.median_by_lag[lag]);
}

// The gap task: accuracy by gap, every model trained on mixed gaps, and the fixed-gap LSTMs.
void show_gap_accuracy(Report& report, const Result& r, const Config& c) {
  plot::LineChart gaps;
  gaps.title = "\"i grew up in france ... i speak fluent ___\": trained on mixed gaps";
  gaps.x_label = "g: filler words between the country and the question";
  gaps.y_label = "test accuracy (mean of seeds; dashed: single seeds)";
  gaps.y_min = 0;
  gaps.y_max = 1.02;
  const std::vector<std::pair<nn::CellKind, const std::vector<gap::Point>*>> models = {
      {nn::CellKind::tanh_rnn, &r.gaps_tanh}, {nn::CellKind::lstm, &r.gaps_lstm}, {nn::CellKind::gru, &r.gaps_gru}};
  for (std::size_t m = 0; m < models.size(); ++m) {
    const auto& [kind, points] = models[m];
    const std::string name = nn::name_of(kind);
    plot::Series mean{.name = name,
                      .color = plot::color_of(kind),
                      .markers = true,
                      .dashed = m == 2};  // the GRU dashed: it covers the LSTM
    for (const gap::Point& p : *points) {
      double sum = 0;
      for (double a : p.accuracy) sum += a;
      mean.x.push_back(static_cast<double>(p.gap));
      mean.y.push_back(sum / static_cast<double>(p.accuracy.size()));
      report.figure(name + ", gap " + std::to_string(p.gap) + ": mean test accuracy", mean.y.back());
    }
    for (std::size_t s = 0; s < c.gap.seeds; ++s) {
      plot::Series seed{.color = plot::color_of(kind), .dashed = true};
      for (const gap::Point& p : *points) {
        seed.x.push_back(static_cast<double>(p.gap));
        seed.y.push_back(p.accuracy[s]);
      }
      gaps.series.push_back(seed);
    }
    gaps.series.push_back(mean);
  }
  gaps.reference_lines = {{0.25, "chance: 1/4"}};
  if (r.gaps_lstm_fixed.empty()) {  // the quick run trains none at one gap only
    report.skip("accuracy_by_gap.svg");
    report.plot("accuracy_by_gap.svg", gaps.svg(), {}, gaps.text(56, 10), "accuracy-by-gap-mixed-only");
    return;
  }
  report.skip("accuracy-by-gap-mixed-only");
  const gap::Point& p = r.gaps_lstm_fixed.front();
  plot::Series fixed{.name = "LSTM, trained at gap " + std::to_string(p.gap) + " only", .color = "#000000", .scatter = true};
  std::size_t learned = 0;  // runs well above chance (1/4)
  for (std::size_t s = 0; s < p.accuracy.size(); ++s) {
    fixed.x.push_back(static_cast<double>(p.gap));
    fixed.y.push_back(p.accuracy[s]);
    learned += p.accuracy[s] > 0.5;
    report.figure("LSTM trained at gap " + std::to_string(p.gap) + " only, seed " + std::to_string(s) + ": test accuracy",
                  p.accuracy[s]);
  }
  gaps.series.push_back(fixed);
  report.plot("accuracy_by_gap.svg", gaps.svg(),
              {{"fixed_gap", p.gap}, {"fixed_learned", learned}, {"fixed_runs", p.accuracy.size()}}, gaps.text(56, 10));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"lstm_hidden", c.lstm_hidden}, {"rnn_hidden", c.rnn_hidden}}));
  report.say("adding-problem", {{"steps", c.adding.steps}});
  report.say("original-adding-problem");
  report.say("rnn-against-lstm", {{"rnn_hidden", c.rnn_hidden},
                                  {"lstm_hidden", c.lstm_hidden},
                                  {"batch", c.adding.batch},
                                  {"training_steps", c.adding.training_steps},
                                  {"seeds", c.seeds},
                                  {"test_sequences", c.adding.test_sequences}});
  report.code("lstm-step");
  report.code("lstm-backward");
  report.code("adding-training");
  const Result r = experiment(c);

  show_adding_curves(report, r, c);

  show_cell_state(report, r);

  report.say("error-by-lag", {{"norm_sequences", c.norm_sequences}, {"norm_steps", c.norm_steps}});
  report.code("state-gradient-by-lag");
  show_error_by_lag(report, r, c);

  report.say("gap-task", {{"train_gap_max", *c.gap.train_gap_max},
                          {"embedding", c.gap.embedding},
                          {"hidden", c.gap.hidden},
                          {"classifier_forget_bias", c.classifier_forget_bias.value_or(0)},
                          {"steps", c.gap.steps},
                          {"seeds", c.gap.seeds}});
  show_gap_accuracy(report, r, c);
  report.say("a-simple-path");
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson11
