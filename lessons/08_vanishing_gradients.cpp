// Lesson 08 — vanishing and exploding gradients.
//
// Backpropagation through time sends the error back one step at a time. From h_t = f(a_t) with
// a_t = W x_t + U h_{t-1}, one step back multiplies it by the Jacobian
//     dh_t / dh_{t-1} = diag(f'(a_t)) U,
// so the error that reaches k steps back is a product of k such matrices. Hochreiter (1991, in his diploma
// thesis) and Bengio, Simard & Frasconi (1994) showed what follows: its norm behaves like (|f'| * sigma)^k,
// with sigma the largest singular value of U. With tanh (|f'| <= 1) it must vanish when sigma < 1; with the
// logistic sigmoid (f' <= 1/4) whenever sigma < 4; a linear network with spectral radius above 1 explodes.
// Exponentially: after 50 steps a factor of 0.8 per step leaves 1e-5. Pascanu, Mikolov & Bengio (2013) made
// this precise and named the remedies (lessons 10-12).
//
// The consequence, in the words of the source notes: "as the sentence gets longer, the gradient converges to
// 0". In "i grew up in france ... i speak fluent ___", the word that decides the answer is many steps back.
// When the gap is short ("the clouds are in the ___") an RNN learns it; when it is long, the error signal
// from the answer never reaches "france", and the network stays at chance.
#include "lessons/08_vanishing_gradients.hpp"

#include <algorithm>
#include <cmath>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/08_vanishing_gradients.md.hpp"
#include "lessons/08_vanishing_gradients.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "lessons/common/stats.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson08 {

const LessonInfo info = {8, "08_vanishing_gradients", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.heat_steps = 100;
    c.gap.gaps = {2, 40};
    c.gap.steps = 300;
    c.gap.test_sentences = 300;
  }
  return c;
}

// ---- the experiment ----

namespace {

// For states h_t [B, H] after backward: the mean over the batch of ||dL/dh_t||, one number per t.
std::vector<double> mean_gradient_norms(const std::vector<Var>& states) {
  std::vector<double> out;
  for (const Var& h : states) {
    const Tensor& g = h.grad();
    const std::size_t batch = g.shape()[0], hidden = g.shape()[1];
    double total = 0;
    for (std::size_t b = 0; b < batch; ++b) {
      double sq = 0;
      for (std::size_t j = 0; j < hidden; ++j) sq += g[b * hidden + j] * g[b * hidden + j];
      total += std::sqrt(sq);
    }
    out.push_back(total / static_cast<double>(batch));
  }
  return out;
}

}  // namespace

Result experiment(const Config& c) {
  Result r;
  // (1) Error norms by lag.
  for (double rho : c.rhos) {
    r.norm_curves.emplace_back("tanh, rho = " + plot::format_number(rho), error_norm_by_lag(Activation::tanh, rho, c.norms, c.seed + 1));
  }
  for (double rho : {1.0, 4.0}) {
    r.norm_curves.emplace_back("sigmoid, rho = " + plot::format_number(rho), error_norm_by_lag(Activation::sigmoid, rho, c.norms, c.seed + 2));
  }
  r.norm_curves.emplace_back("linear, rho = 1.1", error_norm_by_lag(Activation::linear, 1.1, c.norms, c.seed + 3));

  // The straight-line fit of log10(norm) against lag for tanh, rho = 0.9: exponential decay is a line.
  const std::vector<double>& decay = r.norm_curves[1].second;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, n = 0;
  for (std::size_t k = 1; k < decay.size(); ++k) {
    if (!(decay[k] > 0)) continue;
    const double x = static_cast<double>(k), y = std::log10(decay[k]);
    sx += x, sy += y, sxx += x * x, sxy += x * y, syy += y * y, n += 1;
  }
  const double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
  r.tanh_fit_slope = cov / vx;
  r.tanh_fit_r2 = cov * cov / (vx * vy);

  // (2) ||dL/dh_t|| over training, for a tanh RNN learning the language task at one gap.
  {
    Rng rng(c.seed + 4);
    gap::Classifier model(nn::CellKind::tanh_rnn, rng, c.gap);
    Trainer trainer(model.parameters(), {.learning_rate = c.gap.learning_rate, .clip = c.gap.clip});
    Progress progress("gradient heat map", c.heat_steps);
    const std::size_t steps_per_sentence = 5 + c.heat_gap + 3;
    r.heat_rows = steps_per_sentence;
    std::vector<std::vector<double>> columns;
    for (std::size_t step = 0; step < c.heat_steps; ++step) {
      const data::LanguageBatch batch = data::language_batch(c.heat_gap, c.gap.batch, rng);
      std::vector<Var> states;
      const Var logits = model.logits(batch, &states);
      const double loss = trainer.step(cross_entropy(logits, batch.labels));
      if (step % c.heat_every == 0) {
        columns.push_back(mean_gradient_norms(states));
        r.heat_accuracy.push_back(gap::accuracy_of(logits.value(), batch.labels));
      }
      progress.update(step + 1, loss);
    }
    r.heat_cols = columns.size();
    r.heat.assign(r.heat_rows * r.heat_cols, 0);
    for (std::size_t col = 0; col < r.heat_cols; ++col)
      for (std::size_t t = 0; t < r.heat_rows; ++t) r.heat[t * r.heat_cols + col] = columns[col][t];
  }

  // (1, continued) Why it decays: the derivatives, by autograd itself: d/dx sum(f(x)) = f'(x) elementwise.
  {
    const Tensor grid = Tensor::arange(-6, 6.0001, 0.05);
    Var x1(grid, true), x2(grid, true);
    backward(sum(tanh(x1)));
    backward(sum(sigmoid(x2)));
    r.derivative_x.assign(grid.values().begin(), grid.values().end());
    r.tanh_derivative.assign(x1.grad().values().begin(), x1.grad().values().end());
    r.sigmoid_derivative.assign(x2.grad().values().begin(), x2.grad().values().end());
  }

  // (3) The gap sweep.
  r.gaps = gap::sweep(c.gap, nn::CellKind::tanh_rnn, "tanh RNN, gap sweep", c.seed + 5);
  return r;
}

namespace {

const std::vector<double>& curve(const Result& r, const std::string& name) {
  for (const auto& [n, values] : r.norm_curves) {
    if (n == name) return values;
  }
  static const std::vector<double> none;
  return none;
}

}  // namespace

std::vector<Claim> claims(const Result& r, const Config& c) {
  std::vector<Claim> out;
  double worst = 0;
  for (const char* name : {"tanh, rho = 0.5", "tanh, rho = 0.9", "tanh, rho = 1"}) worst = std::max(worst, curve(r, name)[50]);
  out.push_back({"tanh, rho <= 1: largest median error norm 50 steps back", worst, "< 1e-5", worst < 1e-5});
  const double explode = curve(r, "linear, rho = 1.1")[50];
  out.push_back({"linear, rho = 1.1: median error norm 50 steps back", explode, "> 1e2", explode > 1e2});
  out.push_back({"tanh, rho = 0.9: R^2 of a straight line through log10(norm) against lag", r.tanh_fit_r2, "> 0.95",
                 r.tanh_fit_r2 > 0.95});
  const double tanh_max = *std::max_element(r.tanh_derivative.begin(), r.tanh_derivative.end());
  const double sigmoid_max = *std::max_element(r.sigmoid_derivative.begin(), r.sigmoid_derivative.end());
  out.push_back({"the largest derivative of tanh (autograd, on a grid through 0)", tanh_max, "= 1", std::abs(tanh_max - 1) < 1e-12});
  out.push_back({"the largest derivative of the sigmoid", sigmoid_max, "= 0.25", std::abs(sigmoid_max - 0.25) < 1e-12});
  const gap::Point& shortest = r.gaps.front();
  const gap::Point& longest = r.gaps.back();
  const double chance = 1.0 / data::language_count;
  const double worst_short = *std::min_element(shortest.accuracy.begin(), shortest.accuracy.end());
  const double best_long = *std::max_element(longest.accuracy.begin(), longest.accuracy.end());
  out.push_back({"gap " + std::to_string(shortest.gap) + ": lowest test accuracy over " + std::to_string(c.gap.seeds) + " seeds",
                 worst_short, ">= 0.95", worst_short >= 0.95});
  out.push_back({"gap " + std::to_string(longest.gap) + ": highest test accuracy over " + std::to_string(c.gap.seeds) +
                     " seeds (chance is 0.25)",
                 best_long, "<= chance + 0.1", best_long <= chance + 0.1});
  return out;
}

// ---- what the lesson shows ----

namespace {

// The backpropagated error's norm against the distance it travelled, for every net.
void show_error_by_lag(Report& report, const Result& r) {
  plot::LineChart norms;
  norms.title = "The error sent back through time: median ||dL/dh_(T-k)||";
  norms.x_label = "k: steps back from the loss";
  norms.y_label = "norm of the backpropagated error (log scale)";
  norms.log_y = true;
  for (const auto& [name, values] : r.norm_curves) {
    plot::Series s{.name = name, .dashed = name.starts_with("sigmoid")};
    for (std::size_t k = 0; k < values.size(); ++k) {
      s.x.push_back(static_cast<double>(k));
      s.y.push_back(values[k]);
    }
    norms.series.push_back(s);
  }
  norms.reference_lines = {{1e-5, "1e-5"}, {1, "1"}};
  report.plot("error_norm_by_lag.svg", norms.svg(900, 520), {}, norms.text(64, 14));
  for (const auto& [name, values] : r.norm_curves) {
    report.figure(name + ": median norm 50 steps back", values[50]);
  }
}

// The two squashing functions' derivatives, which multiply the error at every step.
void show_derivatives(Report& report, const Result& r) {
  plot::LineChart derivatives;
  derivatives.title = "The derivatives that multiply the error at every step";
  derivatives.x_label = "a (the unit's input)";
  derivatives.y_label = "f'(a)";
  derivatives.series = {{.name = "tanh'(a) = 1 - tanh(a)^2", .x = r.derivative_x, .y = r.tanh_derivative},
                        {.name = "sigmoid'(a) = s(a) (1 - s(a))", .x = r.derivative_x, .y = r.sigmoid_derivative}};
  derivatives.reference_lines = {{1, "1: the most tanh can pass on"}, {0.25, "1/4: the most the sigmoid can"}};
  derivatives.y_min = 0;
  derivatives.y_max = 1.1;
  report.plot("derivatives.svg", derivatives.svg());
}

// ||dL/dh_t|| by position and training step, while a tanh RNN learns the gap task.
void show_gradient_heatmap(Report& report, const Result& r, const Config& c) {
  plot::HeatMap heat;
  heat.title = "||dL/dh_t|| during training (gap " + std::to_string(c.heat_gap) + ")";
  heat.x_label = "training step";
  heat.y_label = "position t in the sentence (the answer is read at the top)";
  heat.value_label = "mean ||dL/dh_t|| (log)";
  heat.rows = r.heat_rows;
  heat.cols = r.heat_cols;
  heat.values = r.heat;
  heat.log_scale = true;
  heat.x_first = 0;
  heat.x_last = static_cast<double>((r.heat_cols - 1) * c.heat_every);
  heat.y_first = 0;
  heat.y_last = static_cast<double>(r.heat_rows - 1);
  report.plot("gradient_heatmap.svg", heat.svg(860, 480));
}

// Accuracy against the gap: each tanh RNN trained and tested at one gap.
void show_gap_accuracy(Report& report, const Result& r, const Config& c) {
  plot::LineChart gaps;
  gaps.title = "\"i grew up in france ... i speak fluent ___\": accuracy against the gap";
  gaps.x_label = "g: filler words between the country and the question";
  gaps.y_label = "test accuracy";
  gaps.y_min = 0;
  gaps.y_max = 1.02;
  plot::Series mean_line{
      .name = "tanh RNN (mean of seeds)", .color = plot::color_of(nn::CellKind::tanh_rnn), .markers = true};
  for (std::size_t s = 0; s < c.gap.seeds; ++s) {
    plot::Series seed_line{.color = "#9bbfd9", .dashed = true};
    for (const gap::Point& p : r.gaps) {
      seed_line.x.push_back(static_cast<double>(p.gap));
      seed_line.y.push_back(p.accuracy[s]);
    }
    gaps.series.push_back(seed_line);
  }
  for (const gap::Point& p : r.gaps) {
    double m = 0;
    for (double a : p.accuracy) m += a;
    mean_line.x.push_back(static_cast<double>(p.gap));
    mean_line.y.push_back(m / static_cast<double>(p.accuracy.size()));
    report.figure("gap " + std::to_string(p.gap) + ": mean test accuracy", mean_line.y.back());
  }
  gaps.series.push_back(mean_line);
  gaps.reference_lines = {{0.25, "chance: 1/4"}};
  report.plot("accuracy_by_gap.svg", gaps.svg(), {}, gaps.text(56, 10));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"gap.steps", c.gap.steps}, {"gap.hidden", c.gap.hidden}}));
  report.say("decay-by-lag", {{"hidden", c.norms.hidden}, {"sequences", c.norms.sequences}, {"steps", c.norms.steps}});
  report.code("random-net");
  const Result r = experiment(c);

  show_error_by_lag(report, r);
  report.figure("tanh, rho = 0.9: slope of log10(norm) per step", r.tanh_fit_slope);
  report.say("saturation");
  report.figure("tanh, rho = 0.9: R^2 of the straight-line fit", r.tanh_fit_r2);

  show_derivatives(report, r);

  report.say("decay-while-learning", {{"heat_gap", c.heat_gap}, {"heat_every", c.heat_every}});
  show_gradient_heatmap(report, r, c);

  report.say(
      "the-gap-task",
      {{"embedding", c.gap.embedding}, {"hidden", c.gap.hidden}, {"batch", c.gap.batch}, {"steps", c.gap.steps}});
  report.code("gap-classifier");
  show_gap_accuracy(report, r, c);
  Rng example_rng(c.seed);
  report.block("  for example, at gap 5:  " + data::sentence_of(data::language_batch(5, 1, example_rng), 0) + " -> ?");

  report.say("not-capacity");
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson08
