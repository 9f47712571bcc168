// Lesson 05 — Jordan's network and serial order.
//
// How does a network produce a sequence of actions, one after another, in the right order? Jordan (1986,
// "Serial order: a parallel distributed processing approach") fed the network's own previous output back as
// input, through "state" units with a self-connection:
//     s_t = mu s_{t-1} + y_{t-1}                  (a decaying trace of everything produced so far)
//     h_t = sigmoid(W_x x_t + W_s s_t + b),   y_t = sigmoid(W_o h_t + c)
// The input x is a constant "plan" saying which sequence to produce; the state tells the network how far it
// has got. Training uses teacher forcing: the correct previous output is fed back, so every step can be
// learned at once; generation runs free, feeding back the network's own outputs.
//
// The experiment: two plans, each a 6-step sequence of one-hot symbols over {a, b, c, d}:
//     A = a b c b a d        B = c b a b c d
// In both, 'b' is followed by different symbols (c or a in A; a or c in B): the last output alone cannot say
// what comes next. With mu = 0 the state is just the last output, so the network must fail somewhere; with
// mu = 0.5 the trace still holds what came before the 'b' and tells the two positions apart.
#include "lessons/05_jordan.hpp"

#include <cmath>
#include <cstdio>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/05_jordan.md.hpp"
#include "lessons/05_jordan.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "tensor/parallel.hpp"
#include "lessons/common/train.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"

namespace rnnlab::lessons::lesson05 {

const LessonInfo info = {5, "05_jordan", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  (void)quick;  // the full configuration takes about a second
  return c;
}

namespace {

constexpr char symbols[] = "abcd";
const std::string sequences[2] = {"abcbad", "cbabcd"};

// x [6, 1, 2]: the plan, constant over time. targets [6, 1, 4]: one-hot symbols.
Tensor plan_input(int plan) {
  Tensor x({6, 1, 2});
  for (std::size_t t = 0; t < 6; ++t) x.at({t, 0, static_cast<std::size_t>(plan)}) = 1;
  return x;
}

Tensor target_of(int plan) {
  Tensor y({6, 1, 4});
  for (std::size_t t = 0; t < 6; ++t) y.at({t, 0, static_cast<std::size_t>(sequences[plan][t] - 'a')}) = 1;
  return y;
}

Run train_and_generate(double mu, std::uint64_t seed, const Config& c, Progress& progress) {
  Rng rng(seed);
  nn::Jordan net(2, c.hidden, 4, mu, rng);
  Trainer trainer(net.parameters(), {.method = TrainerOptions::Method::sgd, .learning_rate = c.learning_rate});
  const Var inputs[2] = {Var(plan_input(0)), Var(plan_input(1))};
  const Var targets[2] = {Var(target_of(0)), Var(target_of(1))};
  // >>> jordan-training
  for (std::size_t epoch = 0; epoch < c.epochs; ++epoch) {
    double epoch_loss = 0;
    for (int plan : {0, 1}) {
      // E = 1/2 sum over steps and units of (y - target)^2: the squared error of classic backprop.
      const Var error = net.forward(inputs[plan], targets[plan]) - targets[plan];
      epoch_loss += trainer.step(sum(error * error) * 0.5);
    }
    progress.advance(epoch_loss);
  }
  // <<< jordan-training
  Run run;
  run.mu = mu;
  run.seed = seed;
  NoGradGuard no_grad;
  for (int plan : {0, 1}) {
    const Tensor y = net.forward(inputs[plan]).value();  // free running: its own outputs fed back
    for (std::size_t t = 0; t < 6; ++t) {
      int on = -1, count = 0;
      for (std::size_t u = 0; u < 4; ++u) {
        const double v = y.at({t, 0, u});
        const double target = sequences[plan][t] - 'a' == static_cast<int>(u) ? 1 : 0;
        run.max_error = std::max(run.max_error, std::abs(v - target));
        run.outputs[plan].push_back(v);
        if (v > 0.5) on = static_cast<int>(u), ++count;
      }
      run.generated[plan] += count == 1 ? symbols[on] : '?';
    }
  }
  return run;
}

}  // namespace

Result experiment(const Config& c) {
  Result r;
  Progress progress("Jordan nets", c.mus.size() * c.seeds * c.epochs);
  r.runs.resize(c.mus.size() * c.seeds);  // every mu's seeds, side by side on the cores
  parallel_tasks(r.runs.size(), [&](std::size_t k) {
    r.runs[k] = train_and_generate(c.mus[k / c.seeds], c.seed * 100 + k % c.seeds, c, progress);
  });
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  std::size_t perfect = 0, flawed = 0, with_memory = 0, without = 0;
  double worst_with_memory = 0, best_without = 1;
  for (const Run& run : r.runs) {
    if (run.mu == 0.5) {
      ++with_memory;
      perfect += run.max_error < 0.1;
      worst_with_memory = std::max(worst_with_memory, run.max_error);
    } else if (run.mu == 0) {
      ++without;
      flawed += run.max_error >= 0.5;  // some output on the wrong side of 0.5: a wrong bit
      best_without = std::min(best_without, run.max_error);
    }
  }
  (void)c;
  return {
      {"mu = 0.5: seeds generating both sequences exactly (max error < 0.1), of " + std::to_string(with_memory),
       static_cast<double>(perfect), "= all", with_memory > 0 && perfect == with_memory},
      {"mu = 0.5: largest free-running error over all seeds", worst_with_memory, "< 0.1", worst_with_memory < 0.1},
      {"mu = 0: seeds with at least one wrong bit, of " + std::to_string(without), static_cast<double>(flawed), "= all",
       without > 0 && flawed == without},
      {"mu = 0: smallest of the seeds' largest errors", best_without, ">= 0.5", best_without >= 0.5},
  };
}

// ---- what the lesson shows ----

namespace {

// The outputs of the first seed of each mu, both plans, beside the targets.
void show_outputs(Report& report, const Result& r, const Config& c) {
  // The outputs of the first seed of each mu, both plans: 4 units (rows) x 6 steps, panels separated by a gap.
  plot::HeatMap outputs;
  outputs.title = "The targets, and the free-running outputs of the first seed: one column per step";
  outputs.x_label = "each group: the 6 steps of one free-running sequence";
  outputs.rows = 4;
  outputs.row_labels = {"d", "c", "b", "a"};  // row 0 is drawn at the bottom
  outputs.value_label = "output";
  std::vector<const Run*> shown;
  for (double mu : c.mus) {
    for (const Run& run : r.runs) {
      if (run.mu == mu) {
        shown.push_back(&run);
        break;
      }
    }
  }
  outputs.cols = (shown.size() + 1) * 2 * 7 - 1;
  outputs.values.assign(4 * outputs.cols, std::nan(""));
  std::size_t column = 0;
  for (int plan : {0, 1}) {  // the targets first
    for (std::size_t t = 0; t < 6; ++t, ++column) {
      for (std::size_t u = 0; u < 4; ++u) {
        outputs.values[(3 - u) * outputs.cols + column] = sequences[plan][t] - 'a' == static_cast<int>(u) ? 1 : 0;
      }
    }
    outputs.x_labels.emplace_back(static_cast<double>(column) - 3.5, std::string("target ") + (plan == 0 ? "A" : "B"));
    ++column;
  }
  for (const Run* run : shown) {
    for (int plan : {0, 1}) {
      for (std::size_t t = 0; t < 6; ++t, ++column) {
        for (std::size_t u = 0; u < 4; ++u) outputs.values[(3 - u) * outputs.cols + column] = run->outputs[plan][t * 4 + u];
      }
      outputs.x_labels.emplace_back(static_cast<double>(column) - 3.5,
                                    "mu = " + std::string(run->mu == 0 ? "0" : "0.5") + ", plan " + (plan == 0 ? "A" : "B"));
      ++column;  // the gap
    }
  }
  outputs.x_first = 0;
  outputs.x_last = static_cast<double>(outputs.cols - 1);
  report.plot("outputs.svg", outputs.svg(1000, 300));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"hidden", c.hidden}}));
  report.say("the-plans", {{"hidden", c.hidden}, {"epochs", c.epochs}});
  report.code("jordan-forward");
  report.code("jordan-training");
  const Result r = experiment(c);

  std::string table = "  mu    seed   plan A (abcbad)   plan B (cbabcd)   largest error\n";
  for (const Run& run : r.runs) {
    char line[128];
    std::snprintf(line, sizeof line, "  %.1f   %4llu   %-6s %-10s %-6s %-10s %.3f\n", run.mu,
                  static_cast<unsigned long long>(run.seed), run.generated[0].c_str(),
                  run.generated[0] == sequences[0] ? "correct" : "WRONG", run.generated[1].c_str(),
                  run.generated[1] == sequences[1] ? "correct" : "WRONG", run.max_error);
    table += line;
  }
  report.block(table);

  show_outputs(report, r, c);

  report.say("why-mu-matters");
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson05
