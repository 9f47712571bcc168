// Lesson 03 — the window problem.
//
// Elman (1990, "Finding structure in time", section "The problem with time") describes how networks of the
// 1980s handled sequences: lay the last k inputs side by side and feed the whole window to a feedforward net,
// turning time into space. He lists what is wrong with that: the window must be as long as the longest pattern,
// and the net does not know where in the window, or in the pattern, it is.
//
// Elman's temporal XOR makes the point. The stream is random bit pairs, each followed by their XOR:
//   a b (a XOR b) c d (c XOR d) ...
// Only every third bit is predictable, and only by a net that knows it is at a third bit. Here multilayer
// perceptrons see the last k = 1 or k = 2 bits and predict the next one.
//   k = 1: the previous bit alone says nothing about a XOR b (a is a coin): MSE 1/4 at every phase.
//   k = 2: the window holds a and b just before the XOR bit, but the same window shape also appears at the other
//          two phases, where the next bit is a coin. Every window of two bits is equally likely at all three
//          phases, so the best output for a window (x, y) is 1/3 (x XOR y) + 2/3 * 1/2 = 1/3 or 2/3, which gives
//          MSE (1 - 2/3)^2 = 1/9 at the XOR bit and 1/2 (1/3)^2 + 1/2 (2/3)^2 = 5/18 elsewhere.
// The net learns exactly that compromise: it sees the two bits it needs, but cannot tell where in the triple it
// is. A network with memory (lesson 06) can.
#include "lessons/03_window_problem.hpp"

#include <cmath>
#include <string>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/03_window_problem.md.hpp"
#include "lessons/03_window_problem.sources.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"

namespace rnnlab::lessons::lesson03 {

const LessonInfo info = {3, "03_window_problem", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) c.steps = 1000;
  return c;
}

namespace {

// Inputs [n, k] (the k bits before each target) and targets [n, 1] for every position with a full window,
// with the phase (position mod 3) of each target.
struct Windows {
  Tensor inputs, targets;
  std::vector<int> phase;
};

// >>> windows
Windows make_windows(const std::vector<int>& bits, std::size_t k) {
  const std::size_t n = bits.size() - k;
  Windows w{Tensor({n, k}), Tensor({n, 1}), std::vector<int>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) w.inputs[i * k + j] = bits[i + j];
    w.targets[i] = bits[i + k];
    w.phase[i] = static_cast<int>((i + k) % 3);
  }
  return w;
}
// <<< windows

// >>> window-net
// k inputs -> hidden tanh units -> one sigmoid output: the window net.
struct WindowNet : nn::Module {
  WindowNet(std::size_t k, std::size_t hidden, Rng& rng) : hidden_layer(k, hidden, rng), output(hidden, 1, rng) {
    register_module("hidden", hidden_layer);
    register_module("output", output);
  }
  Var operator()(const Var& x) { return sigmoid(output(tanh(hidden_layer(x)))); }
  nn::Linear hidden_layer, output;
};
// <<< window-net

}  // namespace

Result experiment(const Config& config) {
  Rng data_rng(config.seed);
  const std::vector<int> train = data::temporal_xor(config.train_bits, data_rng);
  const std::vector<int> test = data::temporal_xor(config.test_bits, data_rng);
  Result result;
  for (std::size_t k : config.windows) {
    const Windows tr = make_windows(train, k), te = make_windows(test, k);
    Rng rng(config.seed * 100 + k);
    WindowNet net(k, config.hidden, rng);
    Trainer trainer(net.parameters(), {.learning_rate = config.learning_rate});
    WindowResult w;
    w.window = k;
    Progress progress("window k = " + std::to_string(k), config.steps);
    const Var x(tr.inputs), y(tr.targets);
    for (std::size_t step = 1; step <= config.steps; ++step) {
      const double loss = trainer.step(mse_loss(net(x), y));
      if (step % 10 == 0) w.train_loss.push_back(loss);
      progress.update(step, loss);
    }
    NoGradGuard no_grad;
    const Tensor prediction = net(Var(te.inputs)).value();
    double error[3] = {0, 0, 0}, count[3] = {0, 0, 0};
    for (std::size_t i = 0; i < te.phase.size(); ++i) {
      const double d = prediction[i] - te.targets[i];
      error[te.phase[i]] += d * d;
      count[te.phase[i]] += 1;
    }
    for (int p = 0; p < 3; ++p) w.mse_by_phase[p] = error[p] / count[p];
    result.windows.push_back(w);
  }
  return result;
}

std::vector<Claim> claims(const Result& r) {
  std::vector<Claim> out;
  for (const WindowResult& w : r.windows) {
    const std::string k = "k = " + std::to_string(w.window);
    const double unpredictable = std::min(w.mse_by_phase[0], w.mse_by_phase[1]);
    if (w.window == 1) {
      out.push_back({k + ": test MSE at the predictable (XOR) bit", w.mse_by_phase[2], ">= 0.22", w.mse_by_phase[2] >= 0.22});
    } else if (w.window == 2) {
      out.push_back({k + ": test MSE at the predictable (XOR) bit", w.mse_by_phase[2], ">= 0.07", w.mse_by_phase[2] >= 0.07});
      // The net did learn: it reaches the best any 2-bit window can do (1/9), so the failure is the window's.
      const double gap = std::abs(w.mse_by_phase[2] - data::temporal_xor_best_mse(2, 2));
      out.push_back({k + ": |MSE at the XOR bit - 1/9| (the best a 2-bit window allows)", gap, "<= 0.03", gap <= 0.03});
    }
    out.push_back({k + ": lowest test MSE at the unpredictable bits", unpredictable, ">= 0.2", unpredictable >= 0.2});
  }
  return out;
}

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"hidden", c.hidden}}));
  report.say("the-stream",
             {{"train_bits", c.train_bits}, {"test_bits", c.test_bits}, {"hidden", c.hidden}, {"steps", c.steps}});
  report.code("windows");
  report.code("window-net");
  const Result r = experiment(c);

  plot::BarChart bars;
  bars.title = "Test MSE at each position of the triple (a, b, a XOR b)";
  bars.y_label = "mean squared error";
  bars.categories = {"1st bit (a coin)", "2nd bit (a coin)", "3rd bit = XOR (predictable)"};
  for (const WindowResult& w : r.windows) {
    bars.series.push_back({.name = "window k = " + std::to_string(w.window),
                           .values = {w.mse_by_phase[0], w.mse_by_phase[1], w.mse_by_phase[2]}});
    for (int p = 0; p < 3; ++p) {
      report.figure("k = " + std::to_string(w.window) + ": test MSE at position " + std::to_string(p + 1), w.mse_by_phase[p]);
    }
  }
  bars.reference_lines = {{0.25, "1/4: guessing 1/2"}, {1.0 / 9, "1/9: best with a 2-bit window"}};
  bars.y_max = 0.32;
  report.plot("mse_by_phase.svg", bars.svg(860), {}, bars.text());

  plot::LineChart curves;
  curves.title = "Training loss of the window nets";
  curves.x_label = "step";
  curves.y_label = "mean squared error (training)";
  for (const WindowResult& w : r.windows) {
    plot::Series s;
    s.name = "window k = " + std::to_string(w.window);
    for (std::size_t i = 0; i < w.train_loss.size(); ++i) {
      s.x.push_back(static_cast<double>((i + 1) * 10));
      s.y.push_back(w.train_loss[i]);
    }
    curves.series.push_back(s);
  }
  curves.reference_lines = {{0.25, "0.25"}, {(1.0 / 9 + 2 * 5.0 / 18) / 3, "0.222: best average for k = 2"}};
  report.plot("training_loss.svg", curves.svg());

  report.say("a-function-of-its-window");
  report.try_next();
  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson03
