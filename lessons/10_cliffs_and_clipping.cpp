// Lesson 10 — cliffs and gradient clipping (Pascanu, Mikolov & Bengio 2013, "On the difficulty of training
// recurrent neural networks", Fig. 6 and Algorithm 1).
//
// The smallest recurrent model, x_t = w sigmoid(x_{t-1}) + b, x_0 = 0.5, 50 steps, E = (sigmoid(x_50) - 0.7)^2, has
// an error surface that is mostly flat with a wall where the dynamics flip from one fixed point to another: a cliff,
// where one plain gradient step throws the parameters far away. Algorithm 1 (nn/optim.hpp's clip_grad_norm): if the
// gradient's norm exceeds a threshold, rescale it to the threshold; the direction is kept, the step is bounded.
// Part (c) meets the cliff in the IRNN (Le, Jaitly & Hinton 2015: ReLU, identity recurrent weights) on the adding
// problem: unclipped, the state overflows and the loss turns to NaN; anomaly detection (autograd/mode.hpp) names
// the op, the training step and the time step of the first NaN or Inf.
#include "lessons/10_cliffs_and_clipping.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/10_cliffs_and_clipping.md.hpp"
#include "lessons/10_cliffs_and_clipping.sources.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/stats.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"

namespace rnnlab::lessons::lesson10 {

const LessonInfo info = {10, "10_cliffs_and_clipping", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.grid = 201;
    c.starts = 100;
  }
  return c;
}

// >>> error-surface
Surface evaluate(const std::vector<double>& w_values, const std::vector<double>& b_values) {
  const std::size_t n = w_values.size();
  // Every (w, b) pair is an independent copy of the model, so all of them run as one batch of vectors; the
  // gradient of the summed error with respect to w[i] is then dE_i/dw_i.
  Var w(Tensor::from({n}, w_values), true), b(Tensor::from({n}, b_values), true);
  Var x(Tensor::full({n}, 0.5));
  for (int t = 0; t < 50; ++t) x = w * sigmoid(x) + b;
  const Var error = pow(sigmoid(x) - 0.7, 2);
  backward(sum(error));
  Surface s;
  s.error.assign(error.value().values().begin(), error.value().values().end());
  s.grad_w.assign(w.grad().values().begin(), w.grad().values().end());
  s.grad_b.assign(b.grad().values().begin(), b.grad().values().end());
  return s;
}
// <<< error-surface

namespace {

std::vector<Run> descend(const std::vector<double>& w0, const std::vector<double>& b0, const Config& c, bool clip,
                         Progress& progress, std::size_t& done) {
  std::vector<Run> runs(w0.size());
  std::vector<double> w = w0, b = b0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    runs[i].w.push_back(w[i]);
    runs[i].b.push_back(b[i]);
  }
  // >>> descent
  for (std::size_t step = 0; step < c.steps; ++step) {
    const Surface s = evaluate(w, b);
    for (std::size_t i = 0; i < runs.size(); ++i) {
      double gw = s.grad_w[i], gb = s.grad_b[i];
      const double norm = std::hypot(gw, gb);
      if (clip && norm > c.clip) {  // Algorithm 1: g <- (threshold / ||g||) g
        gw *= c.clip / norm;
        gb *= c.clip / norm;
      }
      w[i] -= c.learning_rate * gw;
      b[i] -= c.learning_rate * gb;
      runs[i].step_sizes.push_back(c.learning_rate * std::hypot(gw, gb));
      runs[i].w.push_back(w[i]);
      runs[i].b.push_back(b[i]);
    }
    progress.update(++done, 0);
  }
  // <<< descent
  const Surface last = evaluate(w, b);
  for (std::size_t i = 0; i < runs.size(); ++i) runs[i].final_error = last.error[i];
  return runs;
}

// The IRNN and its readout, built the same from the same seed every time.
struct IdentityRNN {
  IdentityRNN(const Config& c, Rng& rng)
      : rnn(2, c.explode_hidden, rng, {}, nn::Nonlinearity::relu), readout(c.explode_hidden, 1, rng) {
    Tensor& recurrent = Var(rnn.weights(0).weight_hh).mutable_value();
    recurrent.fill(0);
    for (std::size_t i = 0; i < c.explode_hidden; ++i) recurrent[i * c.explode_hidden + i] = 1;
    parameters = rnn.parameters();
    for (const Var& p : readout.parameters()) parameters.push_back(p);
  }
  nn::RNN rnn;
  nn::Linear readout;
  std::vector<Var> parameters;
};

// ||h_t|| of sequence 0 for every t until the first non-finite state (which is left out). Scaled by the largest
// |h_tj| so that squaring 1e200 does not overflow before the state itself does.
std::vector<double> state_norms(const Var& states) {
  const std::size_t steps = states.shape()[0], hidden = states.shape()[2];
  const real* h = states.value().data();
  const std::size_t row = states.shape()[1] * hidden;  // one time step of the whole batch
  std::vector<double> norms;
  for (std::size_t t = 0; t < steps; ++t) {
    double largest = 0;
    for (std::size_t j = 0; j < hidden; ++j) largest = std::max(largest, std::abs(h[t * row + j]));
    if (!std::isfinite(largest)) break;
    double squares = 0;
    for (std::size_t j = 0; j < hidden; ++j) squares += largest > 0 ? std::pow(h[t * row + j] / largest, 2) : 0;
    norms.push_back(largest * std::sqrt(squares));
  }
  return norms;
}

// The first time step at which any state of the batch is NaN or Inf (T if none is).
std::size_t first_non_finite_step(const Var& states) {
  const auto values = states.value().values();
  const auto bad = std::find_if(values.begin(), values.end(), [](real v) { return !std::isfinite(v); });
  return static_cast<std::size_t>(bad - values.begin()) / (states.size() / states.shape()[0]);  // its row of [T, B H]
}

enum class Guard { none, clipping, anomaly_detection };

// One run of train_irnn: its losses, and the AnomalyError that stopped it, if one did.
struct IrnnTraining {
  std::vector<double> losses;
  std::string anomaly;
  std::size_t anomaly_step = 0;
};

// Trains from Rng(seed) for up to explode_steps steps, stopping after the first loss that is NaN or Inf (or at
// the first AnomalyError, under anomaly detection). `states_by_step` receives every step's states [T, B, H].
IrnnTraining train_irnn(const Config& c, Guard guard, std::vector<Var>* states_by_step) {
  Rng rng(c.seed);
  IdentityRNN net(c, rng);
  optim::SGD sgd(net.parameters, c.explode_learning_rate);
  std::optional<DetectAnomalyGuard> anomaly;
  if (guard == Guard::anomaly_detection) anomaly.emplace();
  IrnnTraining run;
  // The training step written out, not Trainer::step: this lesson stops at the first non-finite loss and chooses
  // per run whether to clip, between backward and the update.
  for (std::size_t step = 0; step < c.explode_steps; ++step) {
    try {
      const AnomalyScope scope("training step", step);
      const data::AddingBatch batch = data::adding_batch(c.explode_length, c.explode_batch, rng);
      sgd.zero_grad();
      const Var states = net.rnn(Var(batch.inputs)).output;
      if (states_by_step) states_by_step->push_back(states.detach());
      const Var loss = mse_loss(net.readout(select(states, 0, c.explode_length - 1)), Var(batch.targets));
      run.losses.push_back(loss.item());
      if (!std::isfinite(loss.item())) break;
      backward(loss);
      if (guard == Guard::clipping) optim::clip_grad_norm(net.parameters, c.clip);
      sgd.step();
    } catch (const AnomalyError& error) {
      run.anomaly = error.what();
      run.anomaly_step = step;
      break;
    }
  }
  return run;
}

double share_solved(const std::vector<Run>& runs) {
  const auto solved = std::count_if(runs.begin(), runs.end(), [](const Run& r) { return r.final_error < 0.01; });
  return static_cast<double>(solved) / static_cast<double>(runs.size());
}

double longest_step(const Run& run) { return *std::max_element(run.step_sizes.begin(), run.step_sizes.end()); }

}  // namespace

Explosion explode(const Config& c) {
  Explosion e;
  std::vector<Var> states;
  e.plain_losses = train_irnn(c, Guard::none, &states).losses;
  e.state_norms_first = state_norms(states.front());
  e.state_norms_last = state_norms(states.back());
  e.overflow_time_step = first_non_finite_step(states.back());
  e.clipped_losses = train_irnn(c, Guard::clipping, nullptr).losses;
  const IrnnTraining detected = train_irnn(c, Guard::anomaly_detection, nullptr);
  e.anomaly = detected.anomaly;
  e.anomaly_training_step = detected.anomaly_step;
  return e;
}

Result experiment(const Config& c) {
  Result r;
  r.explosion = explode(c);
  // (a) The surface on a grid: row = b, column = w.
  std::vector<double> ws, bs;
  for (std::size_t i = 0; i < c.grid; ++i) {
    for (std::size_t j = 0; j < c.grid; ++j) {
      ws.push_back(c.w_low + (c.w_high - c.w_low) * static_cast<double>(j) / static_cast<double>(c.grid - 1));
      bs.push_back(c.b_low + (c.b_high - c.b_low) * static_cast<double>(i) / static_cast<double>(c.grid - 1));
    }
  }
  const Surface grid = evaluate(ws, bs);
  r.grid_error = grid.error;
  for (std::size_t i = 0; i < ws.size(); ++i)
    r.grid_gradient_norm.push_back(std::hypot(grid.grad_w[i], grid.grad_b[i]));
  r.max_over_median_gradient =
      *std::max_element(r.grid_gradient_norm.begin(), r.grid_gradient_norm.end()) / median(r.grid_gradient_norm);
  const Surface cliff = evaluate({5, 5}, {-2.75, -2.5});
  r.cliff_drop = cliff.error[0] - cliff.error[1];

  // (b) Gradient descent from random starts, without and with clipping.
  Rng rng(c.seed);
  std::vector<double> w0(c.starts), b0(c.starts);
  for (std::size_t i = 0; i < c.starts; ++i) {
    w0[i] = rng.uniform(2, 8);
    b0[i] = rng.uniform(-5, 0);
  }
  Progress progress("gradient descent", 2 * c.steps);
  std::size_t done = 0;
  r.plain = descend(w0, b0, c, false, progress, done);
  r.clipped = descend(w0, b0, c, true, progress, done);
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double longest_clipped = 0, jumped = 0;  // jumped: the plain runs' share that jump
  for (const Run& run : r.clipped) longest_clipped = std::max(longest_clipped, longest_step(run));
  for (const Run& run : r.plain) jumped += longest_step(run) > 2;
  jumped /= static_cast<double>(r.plain.size());
  const double solved_plain = share_solved(r.plain), solved_clipped = share_solved(r.clipped);

  const Explosion& e = r.explosion;
  const bool exploded = !e.plain_losses.empty() && !std::isfinite(e.plain_losses.back());
  const std::size_t first_bad = e.plain_losses.size() - 1;  // its training step, if it exploded
  double clipped_bad = 0;
  for (double loss : e.clipped_losses) clipped_bad += !std::isfinite(loss);
  const std::string named_time_step = "time step " + std::to_string(e.overflow_time_step) + ")";
  const std::string clipping = "clipping at " + plot::format_number(c.clip);
  return {
      {"largest / median gradient norm on the grid", r.max_over_median_gradient, "> 1e3",
       r.max_over_median_gradient > 1e3},
      {"the cliff: E(w = 5, b = -2.75) - E(w = 5, b = -2.5)", r.cliff_drop, "> 0.3", r.cliff_drop > 0.3},
      {"clipped runs: the longest step taken", longest_clipped,
       "<= lr * threshold = " + plot::format_number(c.learning_rate * c.clip),
       longest_clipped <= c.learning_rate * c.clip + 1e-12},
      {"plain runs: share that take a step longer than 2", jumped, ">= 0.1", jumped >= 0.1},
      {"share of runs ending with E < 0.01: clipped minus plain", solved_clipped - solved_plain, ">= 0",
       solved_clipped >= solved_plain},
      {"IRNN, no clipping: the training step whose loss is NaN or Inf", static_cast<double>(first_bad), "<= 5",
       exploded && first_bad <= 5},
      {"IRNN, " + clipping + ": losses that are NaN or Inf in " + std::to_string(c.explode_steps) + " steps",
       clipped_bad, "= 0", clipped_bad == 0 && e.clipped_losses.size() == c.explode_steps},
      {"anomaly mode: the training step its error names", static_cast<double>(e.anomaly_training_step),
       "<= the step whose loss was NaN or Inf", exploded && !e.anomaly.empty() && e.anomaly_training_step <= first_bad},
      {"anomaly mode: the time step its error names (where the unguarded run's state overflowed)",
       static_cast<double>(e.overflow_time_step), "named in the error",
       e.anomaly.find(named_time_step) != std::string::npos},
  };
}

// ---- what the lesson shows ----

namespace {

// The error surface and its gradient norm over the (w, b) plane, with descent paths on it.
void show_error_surface(Report& report, const Result& r, const Config& c) {
  auto heat_of = [&](const std::vector<double>& values, const std::string& title, const std::string& label, bool log) {
    return plot::HeatMap{.title = title,
                         .x_label = "w",
                         .y_label = "b",
                         .value_label = label,
                         .rows = c.grid,
                         .cols = c.grid,
                         .values = values,
                         .x_first = c.w_low,
                         .x_last = c.w_high,
                         .y_first = c.b_low,
                         .y_last = c.b_high,
                         .log_scale = log};
  };
  plot::HeatMap surface = heat_of(r.grid_error, "The error surface, with gradient descent paths", "E", false);
  // Paths from three starts where plain descent jumps off the cliff and one where it does not: plain (black,
  // dashed) and clipped (red) from the same start. A jump leaves the picture; the line shows where it went.
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < r.plain.size() && shown.size() < 3; ++i) {
    if (longest_step(r.plain[i]) > 2) shown.push_back(i);
  }
  for (std::size_t i = 0; i < r.plain.size() && shown.size() < 4; ++i) {
    if (longest_step(r.plain[i]) < 0.5) shown.push_back(i);
  }
  for (std::size_t i : shown) {
    surface.paths.push_back(
        {.x = r.plain[i].w, .y = r.plain[i].b, .color = "#000000", .markers = true, .dashed = true});
    surface.paths.push_back({.x = r.clipped[i].w, .y = r.clipped[i].b, .color = "#ff3030", .markers = true});
  }
  report.plot("error_surface.svg", surface.svg(820, 600));
  report.plot("gradient_norm.svg",
              heat_of(r.grid_gradient_norm, "||grad E|| over the same plane", "||grad E|| (log)", true).svg(820, 600));
  report.figure("largest / median gradient norm on the grid", r.max_over_median_gradient);
  report.figure("E(5, -2.75) - E(5, -2.5)", r.cliff_drop);
}

// The share of all steps of `runs` whose length falls in each bin (low, high] of `edges`; a clipped step of
// length 0.5 (up to rounding) belongs to the bin that ends at 0.5.
std::vector<double> step_size_shares(const std::vector<Run>& runs, const std::vector<double>& edges) {
  std::vector<double> shares(edges.size() - 1, 0);
  double total = 0;
  for (const Run& run : runs) {
    for (double s : run.step_sizes) {
      const auto high = std::lower_bound(edges.begin(), edges.end(), s / (1 + 1e-9));  // the first edge >= s
      shares[static_cast<std::size_t>(high - edges.begin()) - 1] += 1;
      total += 1;
    }
  }
  for (double& v : shares) v /= total;
  return shares;
}

// How far each step moves, with and without clipping; how many runs end solved.
void show_step_sizes(Report& report, const Result& r, const Config& c) {
  const std::vector<double> edges = {-1, 0.01, 0.1, 0.5, 2, 10, 1e300};  // by decade
  plot::BarChart steps{.title = "How far each gradient step moves the parameters",
                       .y_label = "fraction of all steps (log scale)",
                       .categories = {"<= 0.01", "0.01-0.1", "0.1-0.5", "0.5-2", "2-10", "> 10"},
                       .series = {{.name = "plain gradient descent", .values = step_size_shares(r.plain, edges)},
                                  {.name = "with norm clipping at " + plot::format_number(c.clip),
                                   .values = step_size_shares(r.clipped, edges)}},
                       .log_y = true};
  report.plot("step_sizes.svg", steps.svg(), {}, steps.text(30));
  report.figure("plain: share of runs ending with E < 0.01", share_solved(r.plain));
  report.figure("clipped: share of runs ending with E < 0.01", share_solved(r.clipped));
}

// The IRNN's state norms at each time step, before training and at the step that overflowed.
void show_exploding_states(Report& report, const Result& r) {
  const Explosion& e = r.explosion;
  const std::string last_step = "training step " + std::to_string(e.plain_losses.size() - 1) + ", no clipping";
  plot::LineChart norms{
      .title = "Inside the exploding IRNN: the size of its state at each time step",
      .x_label = "time step t",
      .y_label = "||h_t|| of the first sequence (log scale)",
      .log_y = true,
      .series = {{.name = "training step 0",
                  .x = plot::integers(0, e.state_norms_first.size()),
                  .y = e.state_norms_first},
                 {.name = last_step, .x = plot::integers(0, e.state_norms_last.size()), .y = e.state_norms_last}},
      .x_marks = {static_cast<double>(e.overflow_time_step)}};  // where the first state became Inf
  report.plot("irnn_state_norms.svg", norms.svg(), {{"overflow_time_step", e.overflow_time_step}}, norms.text(60, 12));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"clip", c.clip}}));
  report.say("the-model", {{"grid", c.grid}, {"starts", c.starts}, {"steps", c.steps},
                           {"learning_rate", c.learning_rate}, {"clip", c.clip}});
  report.code("error-surface");
  report.code("descent");
  const Result r = experiment(c);

  show_error_surface(report, r, c);
  show_step_sizes(report, r, c);
  const Explosion& e = r.explosion;
  report.say("cliff-in-a-real-network", {{"explode_hidden", c.explode_hidden},
                                         {"explode_length", c.explode_length},
                                         {"explode_batch", c.explode_batch},
                                         {"explode_learning_rate", c.explode_learning_rate},
                                         {"clip", c.clip}});
  std::string losses;
  for (double loss : e.plain_losses) losses += (losses.empty() ? "" : ", ") + plot::format_number(loss);
  report.block("without clipping, the loss at each training step: " + losses + "\n" + "with clipping, after " +
               std::to_string(e.clipped_losses.size()) + " steps: " + plot::format_number(e.clipped_losses.back()) +
               " (every loss finite)");
  show_exploding_states(report, r);
  report.say("anomaly-detection");
  report.block(e.anomaly.empty() ? "(no anomaly was raised)" : e.anomaly);
  report.figure("IRNN: time step where the state overflowed", static_cast<double>(e.overflow_time_step));
  report.figure("IRNN: training step named by anomaly mode", static_cast<double>(e.anomaly_training_step));
  report.text("anomaly error", e.anomaly);

  report.say("clipping");
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson10
