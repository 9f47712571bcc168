// Lesson 16 — character-level text generation (Karpathy 2015, "The unreasonable effectiveness of recurrent neural
// networks" and char-rnn; Karpathy, Johnson & Fei-Fei 2015, "Visualizing and understanding recurrent networks").
//
// A language model over characters: read a text one character at a time and, at every step, output a probability
// for each possible next character. Trained with cross-entropy on the real next character, the loss is the
// number of nats the model needs per character; sampling from its own predictions, one character at a time fed
// back as the next input, it writes text. Karpathy, Johnson & Fei-Fei compared tanh RNNs, GRUs and LSTMs at equal
// parameter counts on Tolstoy's War and Peace and the Linux source: the gated nets won, with a 3-layer LSTM at
// 1.08 nats per character on War and Peace.
//
// Text is long, so training uses truncated backpropagation through time: the text is cut into B streams, each
// read in windows of 50 characters; the state is carried from one window to the next (so the model can remember
// beyond a window) but detached (so the gradient flows back only within it).
#include "lessons/16_text_generation.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/16_text_generation.md.hpp"
#include "lessons/16_text_generation.sources.hpp"
#include "lessons/common/input.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson16 {

const LessonInfo info = {16, "16_text_generation", narration_markdown, "a UTF-8 text of at least 8160 bytes", source_files};

// ---- the model ----

CharModel::CharModel(nn::CellKind kind, std::size_t vocabulary, std::size_t embedding, std::size_t hidden, Rng& rng)
    : kind_(kind),
      embedding_(vocabulary, embedding, rng),
      rnn_(nn::make_recurrent(kind, embedding, hidden, rng, {}, 1.0)),
      readout_(hidden, vocabulary, rng) {
  register_module("embedding", embedding_);
  register_module("rnn", *rnn_);
  register_module("readout", readout_);
}

Var CharModel::forward(const std::vector<std::size_t>& tokens, std::size_t steps, std::size_t batch, State& state) {
  const Var x = embedding_.forward(tokens, {steps, batch});  // [T, B, E]
  const nn::SequenceOutput run = rnn_->run_sequence(x, state);
  state = run.final;
  return readout_.forward(run.output);
}

std::string sample(CharModel& model, const Vocabulary& vocabulary, const std::string& prompt, std::size_t count,
                   double temperature, Rng& rng) {
  NoGradGuard no_grad;
  CharModel::State state;
  std::string text;
  std::vector<std::size_t> context;
  for (char c : prompt) {
    if (vocabulary.contains(c)) context.push_back(vocabulary.index(c));
  }
  if (context.empty()) context.push_back(rng.below(vocabulary.size()));
  for (std::size_t i : context) text += vocabulary.character(i);
  Var logits = model.forward(context, context.size(), 1, state);
  for (std::size_t n = 0; n < count; ++n) {
    // >>> sampling
    // p_i = exp(z_i / temperature) / sum_j exp(z_j / temperature), from the last step's logits.
    const Tensor& z = logits.value();
    const std::size_t V = vocabulary.size(), last = z.size() - V;
    double top = -1e300;
    for (std::size_t i = 0; i < V; ++i) top = std::max(top, z[last + i]);
    std::vector<double> p(V);
    double total = 0;
    for (std::size_t i = 0; i < V; ++i) total += p[i] = std::exp((z[last + i] - top) / temperature);
    double u = rng.uniform() * total;
    std::size_t next = V - 1;
    for (std::size_t i = 0; i < V; ++i) {
      if ((u -= p[i]) < 0) {
        next = i;
        break;
      }
    }
    text += vocabulary.character(next);
    logits = model.forward({next}, 1, 1, state);
    // <<< sampling
  }
  return text;
}

// ---- training ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.corpus_chars = 40000;
    c.training_steps = 400;
    c.validation_chars = 2400;
    c.sample_at = {100};
    c.validation_at_most = 2.6;
    c.training_at_most = 2.6;
    c.below_unigram_by = 0.5;
  }
  return c;
}

namespace {

// B streams over `data`, read in windows: window k of stream b is data[start_b + k*T .. start_b + (k+1)*T].
class Streams {
 public:
  Streams(const std::vector<std::size_t>& data, std::size_t batch, std::size_t window)
      : data_(data), batch_(batch), window_(window), length_(data.size() / batch) {
    if (length_ < window + 1) throw std::invalid_argument("lesson 16: the text is too short for the batch and window");
  }
  // The next window's inputs and targets, time-major [T * B]; false when the streams start over (reset the state).
  bool next(std::vector<std::size_t>& inputs, std::vector<std::size_t>& targets) {
    bool continued = true;
    if (position_ + window_ + 1 > length_) {
      position_ = 0;
      continued = false;
    }
    inputs.resize(window_ * batch_);
    targets.resize(window_ * batch_);
    for (std::size_t t = 0; t < window_; ++t) {
      for (std::size_t b = 0; b < batch_; ++b) {
        const std::size_t at = b * length_ + position_ + t;
        inputs[t * batch_ + b] = data_[at];
        targets[t * batch_ + b] = data_[at + 1];
      }
    }
    position_ += window_;
    return continued;
  }
  std::size_t windows_per_pass() const { return (length_ - 1) / window_; }

 private:
  const std::vector<std::size_t>& data_;
  std::size_t batch_, window_, length_, position_ = 0;
};

CharModel::State detached(const CharModel::State& s) { return {s.h.detach(), s.c ? s.c.detach() : Var()}; }

// Mean cross-entropy (nats per character) over one pass of the validation streams, state carried.
double validation_loss(CharModel& model, const std::vector<std::size_t>& data, const Config& c) {
  NoGradGuard no_grad;
  Streams streams(data, c.batch, c.window);
  CharModel::State state;
  std::vector<std::size_t> inputs, targets;
  double total = 0;
  const std::size_t windows = streams.windows_per_pass();
  for (std::size_t w = 0; w < windows; ++w) {
    streams.next(inputs, targets);
    const Var logits = model.forward(inputs, c.window, c.batch, state);
    total += cross_entropy(reshape(logits, {-1, static_cast<long>(logits.shape()[2])}), targets).item();
  }
  return total / static_cast<double>(windows);
}

Curve train(CharModel& model, const Vocabulary& vocabulary, const std::vector<std::size_t>& training,
            const std::vector<std::size_t>& validation, const Config& c, Rng& rng, Progress& progress) {
  Curve curve;
  Streams streams(training, c.batch, c.window);
  Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  CharModel::State state;
  std::vector<std::size_t> inputs, targets;
  double recent = 0;
  std::size_t recent_count = 0;
  // >>> truncated-bptt
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    if (!streams.next(inputs, targets)) state = {};
    const Var logits = model.forward(inputs, c.window, c.batch, state);
    const double loss =
        trainer.step(cross_entropy(reshape(logits, {-1, static_cast<long>(vocabulary.size())}), targets));
    state = detached(state);  // carried to the next window, but the gradient stops here (truncated BPTT)
  // <<< truncated-bptt
    recent += loss;
    ++recent_count;
    progress.advance(loss);
    if (step % c.evaluate_every == 0 || step == c.training_steps) {
      curve.step.push_back(static_cast<double>(step));
      curve.training_loss.push_back(recent / static_cast<double>(recent_count));
      curve.validation_loss.push_back(validation_loss(model, validation, c));
      recent = 0;
      recent_count = 0;
    }
    if (std::find(c.sample_at.begin(), c.sample_at.end(), step) != c.sample_at.end() || step == c.training_steps) {
      curve.samples.emplace_back(step, sample(model, vocabulary, "The ", c.sample_chars, c.temperature, rng));
    }
  }
  curve.final_training = curve.training_loss.back();
  curve.final_validation = curve.validation_loss.back();
  return curve;
}

}  // namespace

Result experiment(const Config& c, const Corpus& corpus) {
  Result r;
  r.corpus = corpus;
  if (c.corpus_chars > 0 && r.corpus.text.size() > c.corpus_chars) r.corpus.text.resize(c.corpus_chars);
  const std::string& text = r.corpus.text;
  r.characters = std::make_shared<Vocabulary>(text);
  r.vocabulary = r.characters->size();
  // The last 10% is held out; the model never trains on it.
  const std::size_t split = text.size() - text.size() / 10;
  const std::vector<std::size_t> training = r.characters->encode(text.substr(0, split));
  std::vector<std::size_t> validation = r.characters->encode(text.substr(split));
  if (validation.size() > c.validation_chars) validation.resize(c.validation_chars);
  r.training_chars = training.size();
  r.validation_chars = validation.size();
  r.unigram = unigram_entropy(text.substr(0, split));

  Progress progress("LSTM and tanh RNN", 2 * c.training_steps);
  std::shared_ptr<CharModel> models[2];
  Curve curves[2];
  parallel_tasks(2, [&](std::size_t k) {
    Rng rng(c.seed * 100 + 1);  // the same seed for both: only the cell differs
    models[k] = std::make_shared<CharModel>(k == 0 ? nn::CellKind::lstm : nn::CellKind::tanh_rnn, r.vocabulary, c.embedding, c.hidden, rng);
    curves[k] = train(*models[k], *r.characters, training, validation, c, rng, progress);
  });
  r.model = models[0];
  r.lstm = curves[0];
  r.tanh = curves[1];
  return r;
}

std::vector<std::string> common_words_in(const std::string& text) {
  static const std::vector<std::string> words = {"the",  "of",   "or",      "and",     "to",
                                                 "you", "copy", "license", "program", "work"};
  std::vector<std::string> found;
  std::string word;
  auto finish = [&] {
    std::string lower = word;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (std::find(words.begin(), words.end(), lower) != words.end() &&
        std::find(found.begin(), found.end(), lower) == found.end()) {
      found.push_back(lower);
    }
    word.clear();
  };
  for (char ch : text) {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += ch;
    } else {
      finish();
    }
  }
  finish();
  return found;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  const std::vector<std::string> words = common_words_in(r.lstm.samples.back().second);
  const double below_unigram = r.unigram - r.lstm.final_validation;
  return {
      {"LSTM: validation loss (nats per character)", r.lstm.final_validation,
       "<= " + plot::format_number(c.validation_at_most), r.lstm.final_validation <= c.validation_at_most},
      {"LSTM: training loss, mean of the last " + std::to_string(c.evaluate_every) + " steps", r.lstm.final_training,
       "<= " + plot::format_number(c.training_at_most), r.lstm.final_training <= c.training_at_most},
      {"LSTM: unigram entropy minus validation loss (what it knows beyond letter frequencies)", below_unigram,
       ">= " + plot::format_number(c.below_unigram_by), below_unigram >= c.below_unigram_by},
      {"distinct common words in the LSTM's final sample", static_cast<double>(words.size()), ">= 3", words.size() >= 3},
  };
}

namespace {

int generate(const Options& options) {
  const std::filesystem::path folder = options.out;
  const std::filesystem::path weights = folder / "model.npz", characters = folder / "vocabulary.txt";
  if (!std::filesystem::exists(weights) || !std::filesystem::exists(characters)) {
    throw InputError("no saved model in " + folder.string() +
                             ": run the lesson once without --generate (and with the same --out) first");
  }
  const Vocabulary vocabulary(read_file(characters));
  const Config c = config(false, options.seed);
  Rng rng(options.seed + 99);
  CharModel model(nn::CellKind::lstm, vocabulary.size(), c.embedding, c.hidden, rng);
  model.load(weights.string());
  std::printf("%s\n", sample(model, vocabulary, options.prompt, 600, c.temperature, rng).c_str());
  return 0;
}

}  // namespace

// ---- what the lesson shows ----

namespace {

// Training and validation loss of both models, against the unigram baseline.
void show_learning_curves(Report& report, const Result& r) {
  plot::LineChart curves;
  curves.title = "Cross-entropy per character while training";
  curves.x_label = "training step";
  curves.y_label = "nats per character";
  curves.series = {{.name = "LSTM, validation",
                    .x = r.lstm.step,
                    .y = r.lstm.validation_loss,
                    .color = plot::palette()[1],
                    .markers = true},
                   {.name = "LSTM, training",
                    .x = r.lstm.step,
                    .y = r.lstm.training_loss,
                    .color = plot::palette()[1],
                    .dashed = true},
                   {.name = "tanh RNN, validation",
                    .x = r.tanh.step,
                    .y = r.tanh.validation_loss,
                    .color = plot::palette()[0],
                    .markers = true},
                   {.name = "tanh RNN, training",
                    .x = r.tanh.step,
                    .y = r.tanh.training_loss,
                    .color = plot::palette()[0],
                    .dashed = true}};
  curves.reference_lines = {{std::log(static_cast<double>(r.vocabulary)), "ln V: uniform guess"},
                            {r.unigram, "unigram entropy: letter frequencies only"}};
  report.plot("loss.svg", curves.svg(), {}, curves.text(60, 12));
  report.figure("LSTM: final validation loss", r.lstm.final_validation);
  report.figure("tanh RNN: final validation loss", r.tanh.final_validation);
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  if (options.generate) return generate(options);
  Config c = config(options.quick, options.seed);
  const std::vector<Setting> settings =
      apply_settings(options, {{"corpus_chars", c.corpus_chars}, {"hidden", c.hidden}});
  const Corpus corpus = load_corpus(options.data, c);
  Report report(info, options, settings);
  report.say("the-text", {{"source", corpus.source},
                          {"embedding", c.embedding},
                          {"hidden", c.hidden},
                          {"batch", c.batch},
                          {"window", c.window},
                          {"learning_rate", c.learning_rate},
                          {"clip", c.clip},
                          {"training_steps", c.training_steps}});
  report.code("truncated-bptt");
  const Result r = experiment(c, corpus);
  report.figure("characters in the text", static_cast<double>(r.corpus.text.size()));
  report.figure("vocabulary: distinct characters", static_cast<double>(r.vocabulary));
  report.figure("unigram entropy (nats per character)", r.unigram);
  report.figure("ln V: a uniform guess (nats per character)", std::log(static_cast<double>(r.vocabulary)));

  show_learning_curves(report, r);

  std::string samples;
  for (const auto& [step, text] : r.lstm.samples) {
    samples += "--- LSTM after " + std::to_string(step) + " steps (temperature " + plot::format_number(c.temperature) +
               ") ---\n" + wrap(text, 100, 0);
  }
  // Wrapped for reading (runs of spaces and line breaks folded); summary.json keeps each sample as written.
  samples += "--- tanh RNN after " + std::to_string(r.tanh.samples.back().first) + " steps ---\n" +
             wrap(r.tanh.samples.back().second, 100, 0);
  report.block(samples);
  for (const auto& [step, text] : r.lstm.samples) report.text("LSTM sample after " + std::to_string(step) + " steps", text);

  report.say("tanh-keeps-up", {{"final_validation", std::round(1000 * r.tanh.final_validation) / 1000},
                               {"lstm_final_validation", std::round(1000 * r.lstm.final_validation) / 1000}});
  report.say("temperature", {{"slug", info.slug}});
  report.code("sampling");
  if (!options.quick) {  // the full run's model, for --generate (a quick run leaves it alone)
    report.write("vocabulary.txt", r.characters->chars());
    r.model->save((std::filesystem::path(options.out) / "model.npz").string());
  }
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson16
