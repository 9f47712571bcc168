// Lesson 14 — deep (stacked) RNNs (Schmidhuber 1992, "Learning complex, extended sequences using the principle of
// history compression"; El Hihi & Bengio 1996, "Hierarchical recurrent neural networks for long-term
// dependencies"; Graves, Mohamed & Hinton 2013, "Speech recognition with deep recurrent neural networks"; Pascanu,
// Gulcehre, Cho & Bengio 2014, "How to construct deep recurrent neural networks").
//
// An RNN is deep in time: unrolled over T steps it is a T-layer network. But between one input and the next state
// it is shallow: one affine map and one tanh,
//     h_t = tanh(W x_t + U h_(t-1) + b).
// Stacking puts layers on top of each other at every step, the states of layer l being the inputs of layer l + 1:
//     h^l_t = tanh(W^l h^(l-1)_t + U^l h^l_(t-1) + b^l),     h^0_t = x_t,
// so each step gets several nonlinear stages. Graves, Mohamed & Hinton (2013) made the case on TIMIT: 3 stacked
// bidirectional LSTM layers reached 18.6% phoneme error where 1 layer reached 23.9%; Pascanu et al. (2014) named
// the kinds of depth an RNN can have (input-to-hidden, hidden-to-hidden, hidden-to-output).
//
// The task here is built to need two stages per step: a latch that a point x_t writes only when it falls inside a
// disk. "Inside the disk" is not a half-plane, so no single tanh unit computes it; a 1-layer tanh RNN must compute
// it and gate its own state with it in one tanh, where a 2-layer stack can compute it in layer 1 and run the latch
// in layer 2. (A running parity of a checkerboard feature would need two stages too, but parities give gradient
// descent almost no slope to start from, so either net mostly stays at chance: a test of luck, not of depth.)
//
// Depth has a price lesson 08 already showed for time: the error crosses one Jacobian per layer, and shrinks.
// The residual connections of deep translation and speech stacks (x_(l+1) = layer_l(x_l) + x_l, the
// RecurrentOptions::residual extension) add a path along which it does not.
#include "lessons/14_deep_rnn.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/14_deep_rnn.md.hpp"
#include "lessons/14_deep_rnn.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/stats.hpp"
#include "lessons/common/train.hpp"
#include "nn/optim.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson14 {

const LessonInfo info = {14, "14_deep_rnn", narration_markdown, nullptr, source_files};

// ---- the task ----

// >>> disk-latch
LatchBatch disk_latch_batch(std::size_t steps, std::size_t batch, Rng& rng) {
  LatchBatch out{Tensor({steps, batch, 2}), Tensor({steps, batch, 1})};
  for (std::size_t b = 0; b < batch; ++b) {
    bool latch = false;
    for (std::size_t t = 0; t < steps; ++t) {
      const double x1 = rng.uniform(-1, 1), x2 = rng.uniform(-1, 1);
      out.inputs.at({t, b, 0}) = x1;
      out.inputs.at({t, b, 1}) = x2;
      if (x1 * x1 + x2 * x2 < 0.5) latch = x1 > 0;  // inside the disk: write; outside: keep
      out.targets.at({t, b, 0}) = latch ? 1 : 0;
    }
  }
  return out;
}
// <<< disk-latch

StackedModel::StackedModel(std::size_t layers, std::size_t hidden, Rng& rng, bool residual)
    : rnn_(2, hidden, rng, {.num_layers = layers, .residual = residual}), readout_(hidden, 1, rng) {
  register_module("rnn", rnn_);
  register_module("readout", readout_);
}

Var StackedModel::forward(const Var& x) { return readout_.forward(rnn_(x).output); }

// ---- training ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.steps = 10;
    c.training_steps = 1000;
    c.learning_rate = 1e-2;
    c.test_sequences = 300;
    c.seeds = 1;
    c.depth_sequences = 16;
    c.deep_accuracy_at_least = 0.88;
  }
  return c;
}

namespace {

// The share of steps where the sign of the logit matches the target.
double per_step_accuracy(const Tensor& logits, const Tensor& targets) {
  std::size_t right = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) right += (logits[i] > 0) == (targets[i] > 0.5);
  return static_cast<double>(right) / static_cast<double>(logits.size());
}

Run train_run(std::size_t layers, std::size_t hidden, std::uint64_t seed, const Config& c, Progress* progress) {
  Rng rng(seed);
  const LatchBatch test = disk_latch_batch(c.steps, c.test_sequences, rng);
  StackedModel model(layers, hidden, rng);
  Run run{layers, hidden, model.num_parameters(), {}, {}, 0};
  auto evaluate = [&](std::size_t step) {
    NoGradGuard no_grad;
    run.step.push_back(static_cast<double>(step));
    run.accuracy.push_back(per_step_accuracy(model.forward(Var(test.inputs)).value(), test.targets));
  };
  Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  evaluate(0);
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const LatchBatch batch = disk_latch_batch(c.steps, c.batch, rng);
    const double loss = trainer.step(bce_with_logits(model.forward(Var(batch.inputs)), Var(batch.targets)));
    if (progress) progress->advance(loss);
    if (step % c.evaluate_every == 0 || step == c.training_steps) evaluate(step);
  }
  run.final_accuracy = run.accuracy.back();
  return run;
}

}  // namespace

Run train(std::size_t layers, std::size_t hidden, std::uint64_t seed, const Config& c) {
  return train_run(layers, hidden, seed, c, nullptr);
}

// ---- the error through depth ----

std::vector<double> gradient_by_layer(std::size_t layers, std::size_t hidden, bool residual, const Config& c) {
  // Layer by layer as separate 1-layer RNNs (the same function and initialization as one nn::RNN with num_layers
  // = layers), so that each layer's output sequence can keep its gradient. Inputs have `hidden` features, so the
  // residual sum applies at every layer.
  Rng rng(c.seed + 21);
  const std::size_t T = c.steps, B = c.depth_sequences;
  // >>> layer-by-layer
  std::vector<std::unique_ptr<nn::RNN>> stack;
  for (std::size_t l = 0; l < layers; ++l) stack.push_back(std::make_unique<nn::RNN>(hidden, hidden, rng));
  Var input(Tensor::normal({T, B, hidden}, 0, 1, rng));
  std::vector<Var> outputs;
  for (const auto& layer : stack) {
    Var output = (*layer)(input).output;
    if (residual) output = output + input;
    output.retain_grad();
    outputs.push_back(output);
    input = output;
  }
  // <<< layer-by-layer
  // L = u . x_top, u a random direction of unit length for each sequence.
  Tensor u = Tensor::normal({T, B, hidden}, 0, 1, rng);
  for (std::size_t b = 0; b < B; ++b) {
    double norm = 0;
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t j = 0; j < hidden; ++j) norm += u.at({t, b, j}) * u.at({t, b, j});
    }
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t j = 0; j < hidden; ++j) u.at({t, b, j}) /= std::sqrt(norm);
    }
  }
  backward(outputs.back(), u);
  std::vector<double> by_layer;
  for (const Var& x : outputs) {
    std::vector<double> norms(B);
    for (std::size_t b = 0; b < B; ++b) {
      double sq = 0;
      for (std::size_t t = 0; t < T; ++t) {
        for (std::size_t j = 0; j < hidden; ++j) sq += x.grad().at({t, b, j}) * x.grad().at({t, b, j});
      }
      norms[b] = std::sqrt(sq);
    }
    by_layer.push_back(median(norms));
  }
  return by_layer;
}

// ---- the experiment ----

Result experiment(const Config& c) {
  Result r;
  r.shallow.resize(c.seeds);
  r.deep.resize(c.seeds);
  Progress progress("1 layer and 2 layers", 2 * c.seeds * c.training_steps);
  parallel_tasks(2 * c.seeds, [&](std::size_t task) {
    const std::size_t s = task / 2;
    const std::uint64_t seed = c.seed * 100 + s;
    if (task % 2 == 0) {
      r.shallow[s] = train_run(1, c.shallow_hidden, seed, c, &progress);
    } else {
      r.deep[s] = train_run(2, c.deep_hidden, seed, c, &progress);
    }
  });
  r.plain_by_layer = gradient_by_layer(c.depth_layers, c.depth_hidden, false, c);
  r.residual_by_layer = gradient_by_layer(c.depth_layers, c.depth_hidden, true, c);
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double deep_worst = 1, margin_worst = 1;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    deep_worst = std::min(deep_worst, r.deep[s].final_accuracy);
    margin_worst = std::min(margin_worst, r.deep[s].final_accuracy - r.shallow[s].final_accuracy);
  }
  const double plain_kept = r.plain_by_layer.front() / r.plain_by_layer.back();
  const double residual_kept = r.residual_by_layer.front() / r.residual_by_layer.back();
  const std::string seeds = " (lowest of " + std::to_string(c.seeds) + " seeds)";
  const std::string depth = std::to_string(c.depth_layers) + "-layer stack at init: ";
  return {
      {"the 2-layer RNN's per-step test accuracy" + seeds, deep_worst, ">= " + plot::format_number(c.deep_accuracy_at_least),
       deep_worst >= c.deep_accuracy_at_least},
      {"2 layers minus 1 layer, per-step test accuracy, same seed" + seeds, margin_worst, ">= 0.02", margin_worst >= 0.02},
      {depth + "||dL/dx_1|| / ||dL/dx_top||, plain", plain_kept, "< 0.1", plain_kept < 0.1},
      {depth + "||dL/dx_1|| / ||dL/dx_top||, residual", residual_kept, "> 0.5", residual_kept > 0.5},
  };
}

// ---- what the lesson shows ----

namespace {

// Per-step test accuracy while training, every seed of both nets, and the final accuracies.
void show_learning_curves(Report& report, const Result& r, const Config& c) {
  plot::LineChart curves;
  curves.title = "A latch written inside a disk, T = " + std::to_string(c.steps) + ": per-step test accuracy";
  curves.x_label = "training step";
  curves.y_label = "per-step test accuracy";
  curves.y_min = 0.4;
  curves.y_max = 1.0;
  for (const auto* runs : {&r.shallow, &r.deep}) {
    for (std::size_t s = 0; s < runs->size(); ++s) {
      const Run& run = (*runs)[s];
      const std::string name = s == 0 ? std::to_string(run.layers) + (run.layers == 1 ? " layer" : " layers") + " of " +
                                            std::to_string(run.hidden) + " (" + std::to_string(run.parameters) + " parameters)"
                                      : "";
      curves.series.push_back(
          {.name = name, .x = run.step, .y = run.accuracy, .color = plot::palette()[run.layers - 1], .dashed = s > 0});
      report.figure(std::to_string(run.layers) + " layer(s), seed " + std::to_string(s) + ": final per-step accuracy",
                    run.final_accuracy);
    }
  }
  curves.reference_lines = {{0.5, "guessing"}};
  report.plot("accuracy.svg", curves.svg(), {}, curves.text(60, 12));
  std::string table = "net                 parameters   final per-step accuracy (each seed)\n";
  for (const auto* runs : {&r.shallow, &r.deep}) {
    char line[120];
    std::snprintf(line, sizeof line, "%zu x tanh RNN, H = %zu %10zu  ", runs->front().layers, runs->front().hidden,
                  runs->front().parameters);
    table += line;
    for (const Run& run : *runs) {
      std::snprintf(line, sizeof line, " %6.3f", run.final_accuracy);
      table += line;
    }
    table += "\n";
  }
  report.block(table);
}

// How the error reaches each layer of an untrained stack, plain and residual.
void show_error_by_layer(Report& report, const Result& r, const Config& c) {
  plot::LineChart depth;
  depth.title = "The error through depth: " + std::to_string(c.depth_layers) + " stacked tanh layers at initialization";
  depth.x_label = "layer l (1 = bottom)";
  depth.y_label = "median ||dL/dx_l|| (log scale)";
  depth.log_y = true;
  const std::vector<double> layers = plot::integers(1, c.depth_layers + 1);
  depth.series.push_back(
      {.name = "plain stack", .x = layers, .y = r.plain_by_layer, .color = plot::palette()[0], .markers = true});
  depth.series.push_back(
      {.name = "residual stack", .x = layers, .y = r.residual_by_layer, .color = plot::palette()[1], .markers = true});
  report.plot("error_by_layer.svg", depth.svg(), {}, depth.text(60, 10));
  report.figure("plain stack: ||dL/dx_1|| / ||dL/dx_top||", r.plain_by_layer.front() / r.plain_by_layer.back());
  report.figure("residual stack: ||dL/dx_1|| / ||dL/dx_top||", r.residual_by_layer.front() / r.residual_by_layer.back());
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"depth_layers", c.depth_layers}, {"steps", c.steps}}));
  report.say("the-disk-latch", {{"steps", c.steps}});
  report.code("disk-latch");
  Rng rng(1);
  const std::size_t shallow_parameters = StackedModel(1, c.shallow_hidden, rng).num_parameters();
  const std::size_t deep_parameters = StackedModel(2, c.deep_hidden, rng).num_parameters();
  report.say("shallow-against-deep", {{"shallow_hidden", c.shallow_hidden},
                                      {"shallow_parameters", shallow_parameters},
                                      {"deep_hidden", c.deep_hidden},
                                      {"deep_parameters", deep_parameters},
                                      {"learning_rate", c.learning_rate},
                                      {"batch", c.batch},
                                      {"training_steps", c.training_steps},
                                      {"seeds", c.seeds}});
  report.code("layers-and-directions");
  const Result r = experiment(c);

  show_learning_curves(report, r, c);

  report.say("why-the-single-layer-lags");

  report.say(
      "the-price-of-depth",
      {{"depth_layers", c.depth_layers}, {"depth_hidden", c.depth_hidden}, {"depth_sequences", c.depth_sequences}});
  report.code("layer-by-layer");
  show_error_by_layer(report, r, c);
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson14
