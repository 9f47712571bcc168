// Lesson 15 — bidirectional RNNs (Schuster & Paliwal 1997, "Bidirectional recurrent neural networks").
//
// An RNN reading left to right knows, at step t, everything up to t and nothing after it. For prediction of the
// future that is the point; for labelling a sequence that is already recorded (a phoneme in an utterance, a word's
// part of speech in a sentence) it throws away half of the evidence. Schuster & Paliwal's BRNN runs two RNNs over
// the sequence, one forward and one backward, and reads the answer at t from both of their states:
//     h_t = tanh(W x_t + U h_(t-1) + b)          (forward, t = 1 .. T)
//     g_t = tanh(W' x_t + U' g_(t+1) + b')        (backward, t = T .. 1)
//     y_t = V [h_t ; g_t] + c
// trained together by backpropagation through both chains. Before it, the usual way to use both directions was
// MERGE: train a forward and a backward net separately and average their outputs. Their paper compares exactly
// these, and the BRNN wins. PyTorch's bidirectional = true is this construction (nn/recurrent.hpp): output[t] is
// [h_t ; g_t], and h_n holds h_T and g_1, which is why h_n is not output[T-1] for a bidirectional net.
//
// The task makes the need explicit: y_t = x_(t-2) + x_(t+2) for random bits. The forward net can know x_(t-2)
// and must guess x_(t+2): MSE 1/4 at best. MERGE averages two half-right guesses: (a + 1/2 + b + 1/2)/2 misses
// y = a + b by (a + b - 1)/2, an MSE of 1/8. Only a net that sees both sides can reach 0.
#include "lessons/15_bidirectional.hpp"

#include <cmath>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/15_bidirectional.md.hpp"
#include "lessons/15_bidirectional.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "nn/optim.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson15 {

const LessonInfo info = {15, "15_bidirectional", narration_markdown, nullptr, source_files};

// ---- the task and the models ----

// >>> context-task
ContextBatch context_batch(std::size_t steps, std::size_t batch, std::size_t lag, Rng& rng) {
  ContextBatch out{Tensor({steps, batch, 1}), Tensor({steps, batch, 1})};
  for (real& bit : out.inputs.values()) bit = rng.bernoulli(0.5) ? 1 : 0;
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t b = 0; b < batch; ++b) {
      const real before = t >= lag ? out.inputs.at({t - lag, b, 0}) : 0;
      const real after = t + lag < steps ? out.inputs.at({t + lag, b, 0}) : 0;
      out.targets.at({t, b, 0}) = before + after;
    }
  }
  return out;
}
// <<< context-task

std::string name_of(Reading reading) {
  switch (reading) {
    case Reading::forward: return "forward RNN";
    case Reading::backward: return "backward RNN";
    case Reading::both: return "BRNN";
  }
  return "?";
}

Var reverse_time(const Var& x) {
  const std::size_t steps = x.shape()[0];
  std::vector<std::size_t> reversed(steps);
  for (std::size_t t = 0; t < steps; ++t) reversed[t] = steps - 1 - t;
  return index_select(x, reversed);
}

ContextModel::ContextModel(Reading reading, std::size_t hidden, Rng& rng)
    : reading_(reading),
      rnn_(1, hidden, rng, {.bidirectional = reading == Reading::both}),
      readout_(reading == Reading::both ? 2 * hidden : hidden, 1, rng) {
  register_module("rnn", rnn_);
  register_module("readout", readout_);
}

// >>> context-model
Var ContextModel::forward(const Var& x) {
  // The backward net is a forward RNN on the reversed sequence, its outputs put back in time order.
  if (reading_ == Reading::backward) return readout_.forward(reverse_time(rnn_(reverse_time(x)).output));
  return readout_.forward(rnn_(x).output);
}
// <<< context-model

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    // 1200 steps: the one-way nets' interior MSE then stayed at or below 0.270 on seeds 0-29 (at 800 it reached 0.280
    // on seed 25 and 0.282 on seed 42, past the claim's 0.28: still settling towards 1/4).
    c.training_steps = 1200;
    c.test_sequences = 300;
    c.seeds = 1;
  }
  return c;
}

namespace {

// The test MSE at every position t: mean over sequences of (prediction - target)^2.
std::vector<double> mse_by_position(const Tensor& predictions, const Tensor& targets) {
  const std::size_t steps = targets.shape()[0], batch = targets.shape()[1];
  std::vector<double> out(steps, 0);
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t b = 0; b < batch; ++b) {
      const double e = predictions.at({t, b, 0}) - targets.at({t, b, 0});
      out[t] += e * e / static_cast<double>(batch);
    }
  }
  return out;
}

Tensor train_and_predict(Reading reading, const ContextBatch& test, std::uint64_t seed, const Config& c,
                         Progress& progress) {
  Rng rng(seed);
  ContextModel model(reading, c.hidden, rng);
  Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const ContextBatch batch = context_batch(c.steps, c.batch, c.lag, rng);
    const double loss = trainer.step(mse_loss(model.forward(Var(batch.inputs)), Var(batch.targets)));
    progress.advance(loss);
  }
  NoGradGuard no_grad;
  return model.forward(Var(test.inputs)).value();
}

}  // namespace

double interior_mse(const std::vector<double>& by_position, const Config& c) {
  double sum = 0;
  for (std::size_t t = c.lag; t + c.lag < c.steps; ++t) sum += by_position[t];
  return sum / static_cast<double>(c.steps - 2 * c.lag);
}

Result experiment(const Config& c) {
  const std::vector<Reading> readings = {Reading::forward, Reading::backward, Reading::both};
  std::vector<Tensor> predictions(c.seeds * readings.size());
  std::vector<ContextBatch> tests;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    Rng rng(c.seed * 100 + s + 50);
    tests.push_back(context_batch(c.steps, c.test_sequences, c.lag, rng));
  }
  Progress progress("forward, backward, BRNN", predictions.size() * c.training_steps);
  parallel_tasks(predictions.size(), [&](std::size_t task) {
    const std::size_t s = task / readings.size();
    predictions[task] = train_and_predict(readings[task % readings.size()], tests[s], c.seed * 100 + s, c, progress);
  });
  Result r;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    const Tensor& forward = predictions[s * 3], &backward = predictions[s * 3 + 1], &both = predictions[s * 3 + 2];
    const Tensor& targets = tests[s].targets;
    // MERGE (Schuster & Paliwal's baseline): the average of the separately trained forward and backward nets.
    r.seeds.push_back({mse_by_position(forward, targets), mse_by_position(backward, targets),
                       mse_by_position((forward + backward) * 0.5, targets), mse_by_position(both, targets)});
  }
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double brnn_worst = 0, merge_low = 1e9, merge_high = 0, one_way_low = 1e9, one_way_high = 0;
  for (const Models& m : r.seeds) {
    brnn_worst = std::max(brnn_worst, interior_mse(m.brnn, c));
    merge_low = std::min(merge_low, interior_mse(m.merge, c));
    merge_high = std::max(merge_high, interior_mse(m.merge, c));
    for (const auto* curve : {&m.forward, &m.backward}) {
      one_way_low = std::min(one_way_low, interior_mse(*curve, c));
      one_way_high = std::max(one_way_high, interior_mse(*curve, c));
    }
  }
  const std::string interior = "interior steps t in [" + std::to_string(c.lag) + ", " + std::to_string(c.steps - c.lag) +
                               "), every seed: ";
  return {
      {interior + "the BRNN's highest test MSE", brnn_worst, "< 0.02", brnn_worst < 0.02},
      {interior + "forward and backward nets, lowest test MSE (theory 1/4)", one_way_low, ">= 0.22", one_way_low >= 0.22},
      {interior + "forward and backward nets, highest test MSE", one_way_high, "<= 0.28", one_way_high <= 0.28},
      {interior + "MERGE, lowest test MSE (theory 1/8)", merge_low, ">= 0.09", merge_low >= 0.09},
      {interior + "MERGE, highest test MSE", merge_high, "<= 0.16", merge_high <= 0.16},
  };
}

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"hidden", c.hidden}, {"lag", c.lag}}));
  report.say("the-task", {{"steps", c.steps},
                          {"lag", c.lag},
                          {"hidden", c.hidden},
                          {"learning_rate", c.learning_rate},
                          {"batch", c.batch},
                          {"training_steps", c.training_steps},
                          {"seeds", c.seeds},
                          {"test_sequences", c.test_sequences}});
  report.code("context-task");
  report.code("context-model");
  report.code("layers-and-directions");
  const Result r = experiment(c);

  plot::LineChart positions;
  positions.title = "y_t = x_(t-" + std::to_string(c.lag) + ") + x_(t+" + std::to_string(c.lag) +
                    "): test MSE at each position (seed 0)";
  positions.x_label = "position t";
  positions.y_label = "test MSE";
  positions.y_min = 0;
  const Models& first = r.seeds.front();
  const std::vector<std::pair<std::string, const std::vector<double>*>> curves = {
      {"forward RNN", &first.forward}, {"backward RNN", &first.backward}, {"MERGE (their average)", &first.merge},
      {"BRNN", &first.brnn}};
  const std::vector<double> t_axis = plot::integers(0, c.steps);
  for (std::size_t k = 0; k < curves.size(); ++k) {
    positions.series.push_back(
        {.name = curves[k].first, .x = t_axis, .y = *curves[k].second, .color = plot::palette()[k], .markers = true});
  }
  positions.reference_lines = {{0.25, "1/4: one side only"}, {0.125, "1/8: MERGE"}};
  positions.x_marks = {static_cast<double>(c.lag) - 0.5, static_cast<double>(c.steps - c.lag) - 0.5};
  report.plot("mse_by_position.svg", positions.svg(), {{"lag", c.lag}}, positions.text(60, 12));
  std::string table = "interior MSE    forward  backward     MERGE      BRNN\n";
  for (std::size_t s = 0; s < r.seeds.size(); ++s) {
    const Models& m = r.seeds[s];
    char line[120];
    std::snprintf(line, sizeof line, "seed %zu       %9.4f %9.4f %9.4f %9.4f\n", s, interior_mse(m.forward, c),
                  interior_mse(m.backward, c), interior_mse(m.merge, c), interior_mse(m.brnn, c));
    table += line;
    report.figure("seed " + std::to_string(s) + ": interior MSE, forward", interior_mse(m.forward, c));
    report.figure("seed " + std::to_string(s) + ": interior MSE, backward", interior_mse(m.backward, c));
    report.figure("seed " + std::to_string(s) + ": interior MSE, MERGE", interior_mse(m.merge, c));
    report.figure("seed " + std::to_string(s) + ": interior MSE, BRNN", interior_mse(m.brnn, c));
  }
  report.block(table + "(theory: 1/4 for one direction, 1/8 for MERGE, 0 for a net that sees both sides)");
  report.say("why-averaging-fails");
  report.say("output-and-h-n");
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson15
