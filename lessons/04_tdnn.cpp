// Lesson 04 — the time-delay neural network (TDNN).
//
// Waibel, Hanazawa, Hinton, Shikano & Lang (1989, "Phoneme recognition using time-delay neural networks")
// recognized the stop consonants /b/, /d/, /g/ in Japanese speech at 98.5%, against 93.7% for the best hidden
// Markov models of the day. Their idea: a unit looks at a short window of consecutive frames, and the SAME
// weights are applied at every position in time (a 1-d convolution over time, before the name). A feature
// (a rising formant, say) is then detected wherever it happens, so the network does not care exactly when the
// sound starts. Their network: 16 spectral channels -> 8 units over 3 frames -> 3 units over 5 frames -> the
// evidence for each class summed over time. Counting weights: 8 x (16 x 3) + 8 + 3 x (8 x 5) + 3 = 515.
//
// The experiment: synthetic /b/ /d/ /g/ tokens whose only difference is the direction in which two formants
// glide into the same vowel (lessons/common/data.cpp). Both a TDNN and an ordinary MLP (all 15 x 16 = 240
// values in, 8 hidden, 3 out) are trained on tokens whose onset is always at frame 5, then tested on tokens
// shifted by up to 3 frames either way. The MLP learned "a rising F2 at frames 5-7"; the TDNN learned "a rising
// F2", anywhere.
#include "lessons/04_tdnn.hpp"

#include <cmath>
#include <numeric>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/04_tdnn.md.hpp"
#include "lessons/04_tdnn.sources.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson04 {

const LessonInfo info = {4, "04_tdnn", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.steps = 800;
    c.test_tokens = 700;
    c.tokens_per_shift = 100;
  }
  return c;
}

namespace {

// >>> time-delay-net
// Waibel et al.'s network: two time-delay layers, then the class evidence averaged over time.
struct TimeDelayNet : nn::Module {
  explicit TimeDelayNet(Rng& rng) : first(16, 8, 3, rng), second(8, 3, 5, rng) {
    register_module("first", first);
    register_module("second", second);
  }
  // frames [15, B, 16] -> first layer [13, B, 8] -> second layer [9, B, 3] -> mean over time [B, 3]
  Var operator()(const Var& frames) { return mean(second(tanh(first(frames))), 0); }
  nn::TDNN first, second;
};
// <<< time-delay-net

// The same data, flattened: 240 inputs -> 8 tanh -> 3.
struct FlatNet : nn::Module {
  explicit FlatNet(Rng& rng) : hidden(240, 8, rng), output(8, 3, rng) {
    register_module("hidden", hidden);
    register_module("output", output);
  }
  Var operator()(const Var& frames) {
    const Var per_token = reshape(permute(frames, {1, 0, 2}), {static_cast<long>(frames.shape()[1]), 240});
    return output(tanh(hidden(per_token)));
  }
  nn::Linear hidden, output;
};

// The columns b of x [T, N, F] listed in `rows`, as a [T, rows.size(), F] tensor.
Tensor batch_of(const Tensor& x, const std::vector<std::size_t>& rows) {
  Tensor out({x.shape()[0], rows.size(), x.shape()[2]});
  const std::size_t n = x.shape()[1], f = x.shape()[2];
  for (std::size_t t = 0; t < x.shape()[0]; ++t)
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t c = 0; c < f; ++c) out[(t * rows.size() + i) * f + c] = x[(t * n + rows[i]) * f + c];
  return out;
}

template <class Net>
void train(Net& net, const data::Tokens& tokens, const Config& c, const std::string& label, Rng& rng) {
  Trainer trainer(net.parameters(), {.learning_rate = c.learning_rate});
  Progress progress(label, c.steps);
  std::vector<std::size_t> rows(c.batch);
  std::vector<std::size_t> targets(c.batch);
  for (std::size_t step = 1; step <= c.steps; ++step) {
    for (std::size_t i = 0; i < c.batch; ++i) {
      rows[i] = rng.below(tokens.labels.size());
      targets[i] = tokens.labels[rows[i]];
    }
    const double loss = trainer.step(cross_entropy(net(Var(batch_of(tokens.frames, rows))), targets));
    progress.update(step, loss);
  }
}

template <class Net>
double accuracy(Net& net, const data::Tokens& tokens) {
  NoGradGuard no_grad;
  const Tensor predicted = argmax(net(Var(tokens.frames)).value(), 1);
  double right = 0;
  for (std::size_t i = 0; i < tokens.labels.size(); ++i) right += static_cast<std::size_t>(predicted[i]) == tokens.labels[i];
  return right / static_cast<double>(tokens.labels.size());
}

}  // namespace

Result experiment(const Config& c) {
  Rng data_rng(c.seed);
  const data::Tokens train_set = data::stop_consonants(c.train_tokens, 0, data_rng);
  const data::Tokens aligned = data::stop_consonants(c.test_tokens, 0, data_rng);
  const data::Tokens shifted = data::stop_consonants(c.test_tokens, 3, data_rng);

  Rng init(c.seed + 1), batches(c.seed + 2);
  TimeDelayNet tdnn(init);
  FlatNet mlp(init);
  train(tdnn, train_set, c, "TDNN", batches);
  train(mlp, train_set, c, "MLP 240-8-3", batches);

  Result r;
  r.tdnn_parameters = tdnn.num_parameters();
  r.mlp_parameters = mlp.num_parameters();
  r.tdnn_aligned = accuracy(tdnn, aligned);
  r.mlp_aligned = accuracy(mlp, aligned);
  r.tdnn_shifted = accuracy(tdnn, shifted);
  r.mlp_shifted = accuracy(mlp, shifted);
  for (int shift = -3; shift <= 3; ++shift) {
    const data::Tokens at = data::stop_consonants_shifted_by(c.tokens_per_shift, shift, data_rng);
    r.tdnn_by_shift.push_back(accuracy(tdnn, at));
    r.mlp_by_shift.push_back(accuracy(mlp, at));
  }

  // Pictures: one token of each class (a column of NaN between them), and the first layer's response to one.
  Rng picture_rng(c.seed + 3);
  std::vector<Tensor> examples;
  for (std::size_t label = 0; label < 3; ++label) {
    data::Tokens t;
    do t = data::stop_consonants_shifted_by(1, 0, picture_rng, 0.0); while (t.labels[0] != label);  // noise-free
    examples.push_back(t.frames);
  }
  for (std::size_t ch = 0; ch < data::token_channels; ++ch) {
    for (std::size_t label = 0; label < 3; ++label) {
      for (std::size_t f = 0; f < data::token_frames; ++f) r.example_tokens.push_back(examples[label].at({f, 0, ch}));
      if (label < 2) r.example_tokens.push_back(std::nan(""));
    }
  }
  NoGradGuard no_grad;
  const Tensor h = tanh(tdnn.first(Var(examples[1]))).value();  // [13, 1, 8], the /d/ token
  for (std::size_t unit = 0; unit < 8; ++unit)
    for (std::size_t f = 0; f < h.shape()[0]; ++f) r.layer1_activations.push_back(h.at({f, 0, unit}));
  return r;
}

std::vector<Claim> claims(const Result& r) {
  return {
      {"the TDNN has Waibel et al.'s 515 parameters", static_cast<double>(r.tdnn_parameters), "= 515", r.tdnn_parameters == 515},
      {"TDNN accuracy on aligned tokens", r.tdnn_aligned, ">= 0.95", r.tdnn_aligned >= 0.95},
      {"MLP accuracy on aligned tokens", r.mlp_aligned, ">= 0.95", r.mlp_aligned >= 0.95},
      {"TDNN accuracy on tokens shifted by up to 3 frames", r.tdnn_shifted, ">= 0.90", r.tdnn_shifted >= 0.90},
      {"MLP accuracy on tokens shifted by up to 3 frames", r.mlp_shifted, "<= 0.60", r.mlp_shifted <= 0.60},
  };
}

// ---- what the lesson shows ----

namespace {

// The three synthetic tokens, /b/, /d/ and /g/, as spectrograms.
void show_tokens(Report& report, const Result& r) {
  plot::HeatMap tokens;
  tokens.title = "/b/, /d/, /g/ without the noise (onset at frame 5)";
  tokens.x_label = "frame (three tokens side by side: b | d | g)";
  tokens.y_label = "frequency channel";
  tokens.value_label = "energy";
  tokens.rows = data::token_channels;
  tokens.cols = 3 * data::token_frames + 2;
  tokens.values = r.example_tokens;
  tokens.x_first = 0;
  tokens.x_last = static_cast<double>(tokens.cols - 1);
  tokens.y_first = 0;
  tokens.y_last = data::token_channels - 1;
  report.plot("tokens.svg", tokens.svg(860, 360));

  report.figure("TDNN parameters", static_cast<double>(r.tdnn_parameters));
  report.figure("MLP parameters", static_cast<double>(r.mlp_parameters));
  report.figure("TDNN accuracy, aligned", r.tdnn_aligned);
  report.figure("MLP accuracy, aligned", r.mlp_aligned);
  report.figure("TDNN accuracy, shifted by -3..+3", r.tdnn_shifted);
  report.figure("MLP accuracy, shifted by -3..+3", r.mlp_shifted);
}

// The TDNN's first layer: its weights over delays and channels.
void show_layer1(Report& report, const Result& r) {
  plot::HeatMap layer1;
  layer1.title = "First TDNN layer on the /d/ token: 8 units x 13 positions";
  layer1.x_label = "position of the 3-frame window (frame of its first frame)";
  layer1.y_label = "unit";
  layer1.value_label = "tanh activation";
  layer1.rows = 8;
  layer1.cols = r.layer1_activations.size() / 8;
  layer1.values = r.layer1_activations;
  layer1.x_first = 0;
  layer1.x_last = static_cast<double>(layer1.cols - 1);
  layer1.y_first = 0;
  layer1.y_last = 7;
  report.plot("layer1.svg", layer1.svg(760, 360));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"steps", c.steps}, {"train_tokens", c.train_tokens}}));
  report.say("the-tokens", {{"train_tokens", c.train_tokens}, {"steps", c.steps}, {"batch", c.batch}});
  report.code("tdnn-layer");
  report.code("time-delay-net");
  const Result r = experiment(c);

  show_tokens(report, r);

  plot::LineChart by_shift;
  by_shift.title = "Accuracy when the sound starts earlier or later than in training";
  by_shift.x_label = "shift of the onset (frames)";
  by_shift.y_label = "test accuracy";
  by_shift.y_min = 0;
  by_shift.y_max = 1.02;
  plot::Series tdnn_line{.name = "TDNN (515 weights)", .y = r.tdnn_by_shift, .markers = true};
  plot::Series mlp_line{
      .name = "MLP 240-8-3 (" + std::to_string(r.mlp_parameters) + " weights)", .y = r.mlp_by_shift, .markers = true};
  for (int shift = -3; shift <= 3; ++shift) {
    tdnn_line.x.push_back(shift);
    mlp_line.x.push_back(shift);
  }
  by_shift.series = {tdnn_line, mlp_line};
  by_shift.reference_lines = {{1.0 / 3, "chance: 1/3"}};
  report.plot("accuracy_by_shift.svg", by_shift.svg(), {}, by_shift.text(56, 10));

  show_layer1(report, r);

  report.say("feature-detectors");
  report.try_next();
  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson04
