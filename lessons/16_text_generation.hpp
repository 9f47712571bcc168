// Lesson 16 — character-level text generation.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::lesson16 {

// ---- the text ----

struct Corpus {
  std::string text;
  std::string source;  // where it came from, for the narration
};


// The characters of a text, sorted; each character's index.
class Vocabulary {
 public:
  explicit Vocabulary(const std::string& text);
  std::size_t size() const { return chars_.size(); }
  const std::string& chars() const { return chars_; }
  bool contains(char c) const { return index_[static_cast<unsigned char>(c)] >= 0; }
  std::size_t index(char c) const;  // throws std::invalid_argument for a character not in the vocabulary
  char character(std::size_t i) const { return chars_.at(i); }
  std::vector<std::size_t> encode(const std::string& text) const;

 private:
  std::string chars_;
  std::array<int, 256> index_{};
};

// The entropy of the characters' frequencies in `text`, in nats: the loss of a model that knows how often each
// character occurs and nothing else.
double unigram_entropy(const std::string& text);

// ---- the model ----

// Embedding -> one recurrent layer (an LSTM with forget bias 1, or a tanh RNN) -> a linear readout of the next
// character's logits.
class CharModel : public nn::Module {
 public:
  CharModel(nn::CellKind kind, std::size_t vocabulary, std::size_t embedding, std::size_t hidden, Rng& rng);
  using State = nn::RecurrentState;  // h, c [1, B, H]; empty: zeros
  // tokens [T * B] time-major -> logits [T, B, V]; `state` is read and replaced by the state after the last step.
  Var forward(const std::vector<std::size_t>& tokens, std::size_t steps, std::size_t batch, State& state);
  nn::CellKind kind() const { return kind_; }

 private:
  nn::CellKind kind_;
  nn::Embedding embedding_;
  std::unique_ptr<nn::RecurrentLayers> rnn_;
  nn::Linear readout_;
};

// Samples `count` characters after `prompt` (characters outside the vocabulary are skipped), drawing each from
// softmax(logits / temperature).
std::string sample(CharModel& model, const Vocabulary& vocabulary, const std::string& prompt, std::size_t count,
                   double temperature, Rng& rng);

// ---- the lesson ----

struct Config {
  std::size_t embedding = 32, hidden = 64, batch = 16, window = 50;
  // 1500 steps: on seeds 0-3 the LSTM reached 1.88-1.94 nats on validation and 1.25-1.31 below the unigram entropy.
  std::size_t training_steps = 1500, evaluate_every = 100, validation_chars = 24000;
  std::vector<std::size_t> sample_at = {100, 500};  // and at the end
  std::size_t sample_chars = 300;
  double learning_rate = 3e-3, clip = 5, forget_bias = 1, temperature = 0.7;
  std::size_t corpus_chars = 0;  // 0: all of it; else the first this many characters
  // The claims' bounds (nats per character); the quick budget states weaker ones.
  double validation_at_most = 2.2, training_at_most = 1.8, below_unigram_by = 1.0;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

// A learner's text (--data): any UTF-8 text of at least minimum_corpus_bytes: its last 10% must give each of the
// `batch` streams one window to validate on. parse_corpus checks the text of the file named `name` and throws
// InputError naming it.
std::size_t minimum_corpus_bytes(const Config& c);
Corpus parse_corpus(std::string text, const std::string& name, const Config& c);
// The file at `path` if given (parse_corpus); otherwise the regular files under /usr/share/common-licenses in name
// order (every Debian machine has them: package base-files); InputError naming the package where they are missing.
Corpus load_corpus(const std::string& path, const Config& c);

struct Curve {
  std::vector<double> step, training_loss, validation_loss;
  std::vector<std::pair<std::size_t, std::string>> samples;  // (step, text)
  double final_training = 0, final_validation = 0;
};

struct Result {
  Corpus corpus;
  std::size_t vocabulary = 0, training_chars = 0, validation_chars = 0;
  double unigram = 0;
  Curve lstm, tanh;
  std::shared_ptr<CharModel> model;  // the trained LSTM
  std::shared_ptr<Vocabulary> characters;
};

// Trains the LSTM and, with the same budget, the tanh RNN on `corpus` (in parallel).
Result experiment(const Config& config, const Corpus& corpus);
// The distinct words of {the, of, or, and, to, you, copy, license, program, work} that occur in `text` as words.
std::vector<std::string> common_words_in(const std::string& text);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson16
