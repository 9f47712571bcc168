// Lesson 21 — handwriting: recognize it, then write it (Graves 2013, "Generating sequences with recurrent neural
// networks", section 4; Ha & Eck 2017, "A neural representation of sketch drawings"; the source notes' gesture
// recognition and Graves's handwriting demo).
//
// Online handwriting is a sequence: the pen's path, point by point, with the moments it lifts. (a) Read it: a GRU
// follows the pen and names the letter, against a network that sees the same points as a finished picture, with
// no order and no direction. (b) Write it: Graves's handwriting network predicts the pen's next move, not as one
// guess but as a mixture of Gaussians over where it may go, with a chance of lifting; sampled step by step it
// writes. The letters are the strokes of the Hershey fonts (1967), each written in many random hands.
#include "lessons/21_handwriting.hpp"

#include <algorithm>
#include <cmath>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/21_handwriting.md.hpp"
#include "lessons/21_handwriting.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson21 {

const LessonInfo info = {21, "21_handwriting", narration_markdown,
                         "your letters as CSV, one pen point a line: sample,letter,stroke,x,y", source_files};

// ---- (a) the recognizers ----

Recognizer::Recognizer(std::size_t hidden, Rng& rng) : gru_(3, hidden, rng), readout_(hidden, letters, rng) {
  register_module("gru", gru_);
  register_module("readout", readout_);
}

// >>> pen-recognizer
Var Recognizer::logits(const std::vector<hershey::PenOffsets>& trajectories) {
  // Left-padded with zeros (a pen that does not move), so that every trajectory ends at the last step.
  const std::size_t B = trajectories.size();
  std::size_t T = 0;
  for (const hershey::PenOffsets& o : trajectories) T = std::max(T, o.size());
  Tensor x({T, B, 3});
  for (std::size_t b = 0; b < B; ++b) {
    const hershey::PenOffsets& o = trajectories[b];
    for (std::size_t t = 0, at = T - o.size(); t < o.size(); ++t, ++at) {
      real* in = x.data() + (at * B + b) * 3;
      in[0] = o.dx[t], in[1] = o.dy[t], in[2] = o.lift[t];
    }
  }
  return readout_(select(gru_(Var(x)).output, 0, T - 1));
}
// <<< pen-recognizer

BagOfPoints::BagOfPoints(std::size_t hidden, Rng& rng)
    : first_(3, hidden, rng), second_(hidden, hidden, rng), readout_(hidden, letters, rng) {
  register_module("first", first_);
  register_module("second", second_);
  register_module("readout", readout_);
}

Var BagOfPoints::logits(const std::vector<const Sample*>& samples) {
  // Every point as (x, y, ends a stroke), x and y from the letter's centre in tenths of the font's grid; the mean
  // over a letter's points is one product with a [B, points] matrix of 1 / (its number of points).
  std::vector<double> rows, count;
  std::vector<std::size_t> owner;
  for (std::size_t b = 0; b < samples.size(); ++b) {
    double cx = 0, cy = 0, n = 0;
    for (const hershey::Stroke& s : samples[b]->strokes) {
      for (const auto& [x, y] : s) cx += x, cy += y, n += 1;
    }
    count.push_back(n);
    for (const hershey::Stroke& s : samples[b]->strokes) {
      for (std::size_t i = 0; i < s.size(); ++i) {
        rows.insert(rows.end(),
                    {(s[i].first - cx / n) / 10, (s[i].second - cy / n) / 10, i + 1 == s.size() ? 1.0 : 0.0});
        owner.push_back(b);
      }
    }
  }
  Tensor mean({samples.size(), owner.size()});
  for (std::size_t p = 0; p < owner.size(); ++p) mean[owner[p] * owner.size() + p] = 1 / count[owner[p]];
  const Var points(Tensor::from({owner.size(), 3}, rows));
  return readout_(matmul(Var(mean), tanh(second_(tanh(first_(points))))));
}

// ---- (b) the writer ----

Writer::Writer(std::size_t fonts, std::size_t hidden, std::size_t components, Rng& rng)
    : fonts_(fonts),
      hidden_(hidden),
      components_(components),
      lstm_(3 + letters + fonts, hidden, rng),
      head_(hidden, 1 + 6 * components, rng) {
  register_module("lstm", lstm_);
  register_module("head", head_);
}

Var Writer::loss(const std::vector<const Sample*>& samples) {
  // Teacher forcing, right-padded: the input at step t is offset t - 1 (zeros at t = 0) and the letter; the target
  // is offset t. Only the real steps count.
  const std::size_t B = samples.size();
  std::vector<hershey::PenOffsets> o;
  std::size_t T = 0;
  for (const Sample* s : samples) {
    o.push_back(offsets_of(*s));
    T = std::max(T, o.back().size());
  }
  const std::size_t inputs = 3 + letters + fonts_;
  Tensor x({T, B, inputs});
  std::vector<std::size_t> real_rows;
  std::vector<double> targets;
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t b = 0; b < B; ++b) {
      if (t >= o[b].size()) continue;
      real* in = x.data() + (t * B + b) * inputs;
      if (t > 0) in[0] = o[b].dx[t - 1], in[1] = o[b].dy[t - 1], in[2] = o[b].lift[t - 1];
      in[3 + samples[b]->letter] = 1;
      in[3 + letters + samples[b]->font] = 1;
      real_rows.push_back(t * B + b);
      targets.insert(targets.end(), {o[b].dx[t], o[b].dy[t], o[b].lift[t]});
    }
  }
  const Var params = head_(reshape(lstm_(Var(x)).output, {static_cast<long>(T * B), static_cast<long>(hidden_)}));
  return mixture_density_loss(index_select(params, real_rows), Tensor::from({real_rows.size(), 3}, targets),
                              components_);
}

hershey::PenOffsets Writer::write(std::size_t letter, std::size_t font, std::size_t steps, double bias, Rng& rng,
                                  Tensor* params) {
  NoGradGuard no_grad;
  const std::size_t M = components_, width = 1 + 6 * M;
  if (params) *params = Tensor({steps, width});
  hershey::PenOffsets out;
  Tensor x({1, 1, 3 + letters + fonts_});
  x[3 + letter] = 1;
  x[3 + letters + font] = 1;
  Var h, c;
  for (std::size_t t = 0; t < steps; ++t) {
    const nn::LSTMResult step = lstm_(Var(x), h, c);
    h = step.h_n;
    c = step.c_n;
    const Tensor p = head_(reshape(step.output, {1, static_cast<long>(hidden_)})).value();
    if (params) std::copy_n(p.data(), width, params->data() + t * width);
    const auto [dx, dy, lift] = sample_mixture(p.data(), M, bias, rng);
    out.dx.push_back(dx);
    out.dy.push_back(dy);
    out.lift.push_back(lift);
    x[0] = dx, x[1] = dy, x[2] = lift;
  }
  return out;
}

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.data.hands = 6;
    c.recognizer_steps = 200;
    c.writer_steps = 300;
    c.evaluate_every = 50;
    c.accuracy_at_least = 0.6;
    c.error_ratio_at_least = 1.2;
    c.samples_read_at_least = 0.1;
  }
  return c;
}

namespace {

// -log Pr per point over all the chunks: each chunk's mean weighted by its number of points.
double test_loss(Writer& writer, const std::vector<std::vector<const Sample*>>& chunks) {
  NoGradGuard no_grad;
  double total = 0, points = 0;
  for (const auto& chunk : chunks) {
    double n = 0;
    for (const Sample* s : chunk) n += static_cast<double>(s->points());
    total += writer.loss(chunk).item() * n;
    points += n;
  }
  return total / points;
}

// (a): the GRU and the bag of points, trained side by side on the same batches' letters.
void recognize(Result& r, Recognizer& gru, const Config& c, Progress& progress) {
  Rng bag_rng(c.seed * 10 + 2);
  BagOfPoints bag_model(c.bag_hidden, bag_rng);
  parallel_tasks(2, [&](std::size_t task) {
    Rng rng(c.seed * 10 + 3 + task);
    Trainer trainer(task == 0 ? gru.parameters() : bag_model.parameters(),
                    {.learning_rate = c.learning_rate, .clip = c.clip});
    for (std::size_t step = 1; step <= c.recognizer_steps; ++step) {
      const std::vector<const Sample*> batch = draw_batch(r.data.train, c.batch, rng);
      std::vector<std::size_t> labels;
      for (const Sample* s : batch) labels.push_back(s->letter);
      const Var logits = task == 0 ? gru.logits(trajectories(batch)) : bag_model.logits(batch);
      progress.advance(trainer.step(cross_entropy(logits, labels)));
    }
  });
  NoGradGuard no_grad;
  const auto hands = pointers(r.data.new_hands), fonts = pointers(r.data.new_fonts);
  r.recognizer_new_hands = accuracy(gru.logits(trajectories(hands)), hands);
  r.recognizer_new_fonts = accuracy(gru.logits(trajectories(fonts)), fonts);
  r.bag_new_hands = accuracy(bag_model.logits(hands), hands);
  r.bag_new_fonts = accuracy(bag_model.logits(fonts), fonts);
  const auto yours = pointers(r.yours);
  if (yours.empty()) return;
  r.yours_gru = accuracy(gru.logits(trajectories(yours)), yours);
  r.yours_bag = accuracy(bag_model.logits(yours), yours);
  r.yours_read = letters_read(gru.logits(trajectories(yours)));
}

}  // namespace

Result experiment(const Config& c, Handwriting data, std::vector<Sample> yours) {
  Result r;
  r.data = std::move(data);
  r.yours = std::move(yours);
  Progress progress("recognizers, then writers", 2 * (c.recognizer_steps + c.writer_steps));
  Rng gru_rng(c.seed * 10 + 1);
  Recognizer gru(c.recognizer_hidden, gru_rng);
  recognize(r, gru, c, progress);

  // (b): the mixture writer and a single-Gaussian one of as many parameters, side by side.
  Rng mixture_rng(c.seed * 10 + 5), single_rng(c.seed * 10 + 5);
  const std::size_t fonts = c.data.train_fonts.size();
  Writer mixture(fonts, c.writer_hidden, c.components, mixture_rng), single(fonts, c.single_hidden, 1, single_rng);
  r.writer_parameters = mixture.num_parameters();
  r.single_parameters = single.num_parameters();
  const std::vector<std::vector<const Sample*>> test = chunks_by_length(r.data.new_hands, 64);
  std::vector<double>* curves[2] = {&r.mixture_nll, &r.single_nll};
  parallel_tasks(2, [&](std::size_t task) {
    Writer& w = task == 0 ? mixture : single;
    Rng rng(c.seed * 10 + 7);
    Trainer trainer(w.parameters(), {.learning_rate = c.writer_learning_rate, .clip = c.clip});
    for (std::size_t step = 1; step <= c.writer_steps; ++step) {
      progress.advance(trainer.step(w.loss(draw_batch(r.data.train, c.writer_batch, rng))));
      if (step % c.evaluate_every == 0 || step == c.writer_steps) {
        curves[task]->push_back(test_loss(w, test));
        if (task == 0) r.writer_step.push_back(static_cast<double>(step));
      }
    }
  });

  // Samples of every letter in every training font in turn, as long as the median trajectory of that letter in
  // that font, read back by the recognizer.
  Rng rng(c.seed * 10 + 9);
  for (std::size_t letter = 0; letter < letters; ++letter) {
    for (std::size_t k = 0; k < c.samples_per_letter; ++k) {
      const std::size_t font = (letter + k) % fonts;
      r.samples.push_back(mixture.write(letter, font, median_points(r.data.train, letter, font), c.sampling_bias, rng));
    }
  }
  NoGradGuard no_grad;
  r.recognized = letters_read(gru.logits(r.samples));
  std::vector<std::size_t> asked;
  for (std::size_t i = 0; i < r.samples.size(); ++i) asked.push_back(i / c.samples_per_letter);
  r.samples_recognized = share_right(r.recognized, asked);
  const std::size_t g = 'g' - 'a', futural = 0;
  r.traced = mixture.write(g, futural, median_points(r.data.train, g, futural), c.sampling_bias, rng, &r.traced_params);
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  const double error_ratio = (1 - r.bag_new_hands) / std::max(1 - r.recognizer_new_hands, 1e-9);
  return {
      {"(a) the GRU's accuracy on new hands (26 letters)", r.recognizer_new_hands,
       ">= " + plot::format_number(c.accuracy_at_least), r.recognizer_new_hands >= c.accuracy_at_least},
      {"(a) new hands: the bag of points' errors / the GRU's", error_ratio,
       ">= " + plot::format_number(c.error_ratio_at_least), error_ratio >= c.error_ratio_at_least},
      {"(b) test -log Pr per point: one Gaussian minus the mixture", r.single_test_nll() - r.mixture_test_nll(), "> 0",
       r.single_test_nll() > r.mixture_test_nll()},
      {"(b) samples the recognizer reads as the letter asked for", r.samples_recognized,
       ">= " + plot::format_number(c.samples_read_at_least), r.samples_recognized >= c.samples_read_at_least},
  };
}

// ---- what the lesson shows ----

namespace {

// The writer's samples, and what the recognizer read in each.
void show_samples(Report& report, const Result& r, const Config& c) {
  std::vector<hershey::PenOffsets> samples;
  std::vector<std::size_t> asked, read;
  for (std::size_t i = 0; i < r.samples.size(); ++i) {
    if (i % c.samples_per_letter >= c.samples_shown) continue;
    samples.push_back(r.samples[i]);
    asked.push_back(i / c.samples_per_letter);
    read.push_back(r.recognized[i]);
  }
  const std::string title = "Written by the mixture density LSTM; under each, what the recognizer reads";
  report.plot("samples.svg", letters_drawing(title, samples, asked, read).svg(),
              {{"recognized", plot::percent(r.samples_recognized)},
               {"bias", c.sampling_bias},
               {"shown", c.samples_shown},
               {"written", c.samples_per_letter}});
}

// One sample of 'g' with, at every point, the 1-sigma ellipse of each component that carries at least a tenth of
// the mixture's weight for the next move: one small ellipse along a stroke, several where the pen may go on, turn
// or lift (Graves 2013, Fig. 10).
void show_ellipses(Report& report, const Result& r, const Config& c) {
  const std::size_t M = c.components, width = 1 + 6 * M;
  plot::Panel panel = panel_of(r.traced, "g", "#000000");
  double x = 0, y = 0;
  for (std::size_t t = 0; t < r.traced.size(); ++t) {
    const real* p = r.traced_params.data() + t * width;
    double total = 0;
    for (std::size_t j = 0; j < M; ++j) total += std::exp(p[1 + j]);
    for (std::size_t j = 0; j < M; ++j) {
      if (std::exp(p[1 + j]) < 0.1 * total) continue;
      panel.lines.push_back(plot::ellipse(x + offset_scale * p[1 + M + j], y + offset_scale * p[1 + 2 * M + j],
                                          offset_scale * std::exp(p[1 + 3 * M + j]),
                                          offset_scale * std::exp(p[1 + 4 * M + j]), std::tanh(p[1 + 5 * M + j]),
                                          plot::palette()[4]));
    }
    x += offset_scale * r.traced.dx[t], y += offset_scale * r.traced.dy[t];
  }
  report.plot(
      "ellipses.svg",
      plot::Drawing{.title = "Where the pen may go next (1-sigma)", .panels = {panel}, .columns = 1, .panel_size = 420}
          .svg());
}

void show_learning(Report& report, const Result& r, const Config& c) {
  plot::LineChart curves{.title = "Writing: -log Pr of the next pen move on new hands, per point",
                         .x_label = "training step",
                         .y_label = "nats per point"};
  curves.series = {{.name = std::to_string(c.components) + " Gaussians",
                    .x = r.writer_step,
                    .y = r.mixture_nll,
                    .color = plot::color_of(nn::CellKind::lstm),
                    .markers = true},
                   {.name = "1 Gaussian",
                    .x = r.writer_step,
                    .y = r.single_nll,
                    .color = plot::color_of(nn::CellKind::lstm),
                    .markers = true,
                    .dashed = true}};
  report.plot("nll.svg", curves.svg(),
              {{"mixture", plot::format_number(std::round(1000 * r.mixture_test_nll()) / 1000)},
               {"single", plot::format_number(std::round(1000 * r.single_test_nll()) / 1000)}},
              curves.text(60, 10));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  const std::vector<Setting> settings =
      apply_settings(options, {{"components", c.components}, {"sampling_bias", c.sampling_bias}});
  Handwriting data = handwriting(c.data);  // before the report: missing fonts and bad files are one line
  std::vector<Sample> yours =
      options.data.empty() ? std::vector<Sample>() : read_letters(options.data, letter_scale(data, c.data));
  Report report(info, options, settings);
  report.say("the-data", {{"train_fonts", c.data.train_fonts.size()},
                          {"hands", c.data.hands},
                          {"train_count", data.train.size()},
                          {"test_hands", c.data.test_hands}});
  report.say("recognition",
             {{"gru_hidden", c.recognizer_hidden}, {"bag_hidden", c.bag_hidden}, {"steps", c.recognizer_steps}});
  report.code("pen-recognizer");
  const Result r = experiment(c, std::move(data), std::move(yours));
  report.say("reading-results", {{"gru_hands", plot::percent(r.recognizer_new_hands)},
                                 {"bag_hands", plot::percent(r.bag_new_hands)},
                                 {"gru_fonts", plot::percent(r.recognizer_new_fonts)},
                                 {"bag_fonts", plot::percent(r.bag_new_fonts)}});
  show_hands(report, r, c);
  r.yours.empty() ? report.skip("yours.svg") : show_yours(report, r);
  report.say("writing", {{"writer_hidden", c.writer_hidden},
                         {"components", c.components},
                         {"steps", c.writer_steps},
                         {"batch", c.writer_batch},
                         {"single_hidden", c.single_hidden}});
  report.code("mixture-loss");
  show_learning(report, r, c);
  show_samples(report, r, c);
  show_ellipses(report, r, c);
  report.figure("(a) GRU: accuracy on new hands", r.recognizer_new_hands);
  report.figure("(a) GRU: accuracy on new fonts", r.recognizer_new_fonts);
  report.figure("(a) bag of points: accuracy on new hands", r.bag_new_hands);
  report.figure("(a) bag of points: accuracy on new fonts", r.bag_new_fonts);
  report.figure("(b) mixture: test -log Pr per point", r.mixture_test_nll());
  report.figure("(b) one Gaussian: test -log Pr per point", r.single_test_nll());
  report.figure("(b) samples read as the letter asked for", r.samples_recognized);
  report.figure("(b) mixture writer: parameters", static_cast<double>(r.writer_parameters));
  report.figure("(b) one-Gaussian writer: parameters", static_cast<double>(r.single_parameters));
  if (!r.yours.empty()) report.figure("your letters: read right by the GRU", r.yours_gru);
  report.say("whole-words");
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson21
