// Lesson 07 — structure in letters and words.
//
// Elman (1990, "Finding structure in time", sections 2 and 3) trained simple recurrent networks to predict the
// next item of a stream, and then read the structure of the stream off the network's errors.
//
// (1) Letters. Consonants b, d, g in random order, each followed by a fixed vowel run: b -> ba, d -> dii,
//     g -> guuu. Each letter is coded by 6 phonetic features (consonant, vowel, interrupted, high, back, voiced;
//     Elman's Table 1). Which consonant comes next is random, so its prediction error stays high; the vowels
//     that follow are fixed, so their error falls to zero. More: even when the network cannot say WHICH
//     consonant comes, it knows THAT one comes, so the "consonant" bit is predicted well at every consonant,
//     while the "high" bit (true only for d) stays uncertain: its best guess is 1/3, an RMS error of
//     sqrt(2/3 (1/3)^2 + 1/3 (2/3)^2) = 0.47 (Elman's Fig. 5).
//
// (2) Words. Sentences from a 15-word lexicon run together without spaces, each letter a random 5-bit code.
//     Inside a word the next letter is predictable; at a word's start it is not. The error climbs at every word
//     boundary: a network that has never been told what a word is finds the words (Elman's Fig. 6).
#include "lessons/07_letters_and_words.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/07_letters_and_words.md.hpp"
#include "lessons/07_letters_and_words.sources.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson07 {

const LessonInfo info = {7, "07_letters_and_words", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.letter_epochs = 10;
    c.word_epochs = 14;
  }
  return c;
}

namespace {

// F features in -> hidden tanh units with context -> F sigmoid outputs predicting the next letter's features.
// >>> predictor
struct Predictor : nn::Module {
  Predictor(std::size_t features, std::size_t hidden, Rng& rng) : rnn(features, hidden, rng), output(hidden, features, rng) {
    register_module("rnn", rnn);
    register_module("output", output);
  }
  Var operator()(const Var& x) { return sigmoid(output(rnn(x).output)); }
  nn::RNN rnn;
  nn::Linear output;
};
// <<< predictor

using Code = std::function<std::vector<double>(char)>;

// The stream as codes [T, 1, F].
Tensor encode(const std::string& letters, const Code& code, std::size_t features) {
  Tensor x({letters.size(), 1, features});
  for (std::size_t t = 0; t < letters.size(); ++t) {
    const std::vector<double> v = code(letters[t]);
    for (std::size_t f = 0; f < features; ++f) x[t * features + f] = v[f];
  }
  return x;
}

// Trains on windows of the stream (each window starts from a zero state; full BPTT inside it), then runs the
// test stream in one pass and returns the per-letter errors of predicting letter t + 1 from letters 0 .. t,
// as error vectors [T - 1, F].
Tensor train_and_predict(const std::string& train, const std::string& test, const Code& code, std::size_t features,
                         std::size_t hidden, std::size_t epochs, std::uint64_t seed, const Config& c, Progress& progress,
                         std::size_t& done) {
  Rng rng(seed);
  Predictor net(features, hidden, rng);
  Trainer trainer(net.parameters(), {.learning_rate = c.learning_rate});
  const Tensor stream = encode(train, code, features);
  // Window starts every `window` letters; each epoch visits them all in a fresh random order.
  std::vector<std::size_t> starts;
  for (std::size_t s = 0; s + c.window + 1 <= train.size(); s += c.window) starts.push_back(s);
  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    rng.shuffle(starts);
    for (std::size_t first = 0; first < starts.size(); first += c.batch) {
      const std::size_t batch = std::min(c.batch, starts.size() - first);
      Tensor x({c.window, batch, features}), y({c.window, batch, features});
      for (std::size_t b = 0; b < batch; ++b) {
        for (std::size_t t = 0; t < c.window; ++t) {
          for (std::size_t f = 0; f < features; ++f) {
            x[(t * batch + b) * features + f] = stream[(starts[first + b] + t) * features + f];
            y[(t * batch + b) * features + f] = stream[(starts[first + b] + t + 1) * features + f];
          }
        }
      }
      trainer.step(mse_loss(net(Var(x)), Var(y)));
    }
    progress.update(++done, 0);
  }
  // >>> prediction-errors
  NoGradGuard no_grad;
  const Tensor test_stream = encode(test, code, features);
  const Tensor predicted = net(Var(slice(test_stream, 0, 0, test.size() - 1))).value();
  return predicted - slice(test_stream, 0, 1, test.size());
  // <<< prediction-errors
}

double norm_of_row(const Tensor& errors, std::size_t row, std::size_t features) {
  double total = 0;
  for (std::size_t f = 0; f < features; ++f) total += errors[row * features + f] * errors[row * features + f];
  return std::sqrt(total);
}

bool is_vowel(char letter) { return letter == 'a' || letter == 'i' || letter == 'u'; }

}  // namespace

Result experiment(const Config& c) {
  Result r;
  Progress progress("letters, then words", c.letter_epochs + c.word_seeds * c.word_epochs);
  std::size_t done = 0;

  // (1) Letters.
  Rng letter_rng(c.seed);
  const std::string train = data::elman_letters(c.consonants, letter_rng);
  const std::string test = data::elman_letters(c.test_consonants, letter_rng);
  const Tensor errors = train_and_predict(train, test, data::letter_features, 6, c.letter_hidden, c.letter_epochs,
                                          c.seed * 10 + 1, c, progress, done);
  LetterResult& L = r.letters;
  L.test_letters = test;
  L.bit_error.assign(6, {});
  double vowel_sq = 0, vowel_n = 0, consonant_sq = 0, consonant_n = 0, consonant_bit = 0, high_bit = 0;
  for (std::size_t t = 0; t + 1 < test.size(); ++t) {
    const char target = test[t + 1];
    const double e = norm_of_row(errors, t, 6);
    L.error.push_back(e);
    for (std::size_t f = 0; f < 6; ++f) L.bit_error[f].push_back(std::abs(errors[t * 6 + f]));
    if (t < 10) continue;  // let the state settle before measuring
    if (is_vowel(target)) {
      vowel_sq += e * e, vowel_n += 1;
    } else {
      consonant_sq += e * e, consonant_n += 1;
      consonant_bit += errors[t * 6 + 0] * errors[t * 6 + 0];
      high_bit += errors[t * 6 + 3] * errors[t * 6 + 3];
    }
  }
  L.vowel_rms = std::sqrt(vowel_sq / vowel_n);
  L.consonant_rms = std::sqrt(consonant_sq / consonant_n);
  L.consonant_bit_at_consonants = std::sqrt(consonant_bit / consonant_n);
  L.high_bit_at_consonants = std::sqrt(high_bit / consonant_n);

  // (2) Words: each letter of the alphabet gets a random, distinct 5-bit code.
  for (std::size_t s = 0; s < c.word_seeds; ++s) {
    const std::uint64_t seed = c.seed * 10 + 2 + s;
    Rng rng(seed);
    std::map<char, std::vector<double>> codes;
    std::vector<int> used;
    for (const std::string& word : data::lexicon()) {
      for (char letter : word) {
        if (codes.contains(letter)) continue;
        int bits = 0;
        do bits = static_cast<int>(rng.below(32)); while (bits == 0 || std::find(used.begin(), used.end(), bits) != used.end());
        used.push_back(bits);
        for (int b = 4; b >= 0; --b) codes[letter].push_back((bits >> b) & 1);
      }
    }
    const Code code = [&codes](char letter) { return codes.at(letter); };
    const data::WordStream train_words = data::word_stream(c.sentences, rng);
    const data::WordStream test_words = data::word_stream(c.test_sentences, rng);
    const Tensor word_errors = train_and_predict(train_words.letters, test_words.letters, code, 5, c.word_hidden,
                                                 c.word_epochs, seed, c, progress, done);
    WordResult w;
    w.seed = seed;
    w.test_letters = test_words.letters;
    w.word_start = test_words.word_start;
    double initial = 0, initial_n = 0, inside = 0, inside_n = 0;
    for (std::size_t t = 0; t + 1 < test_words.letters.size(); ++t) {
      const double e = norm_of_row(word_errors, t, 5);
      w.error.push_back(e);
      if (t < 10) continue;
      if (test_words.word_start[t + 1]) {
        initial += e, initial_n += 1;
      } else {
        inside += e, inside_n += 1;
      }
    }
    w.word_initial = initial / initial_n;
    w.inside = inside / inside_n;
    r.words.push_back(w);
  }
  return r;
}

std::vector<Claim> claims(const Result& r) {
  const LetterResult& L = r.letters;
  std::vector<Claim> out = {
      {"letters: RMS error predicting vowels", L.vowel_rms, "< 0.1", L.vowel_rms < 0.1},
      {"letters: RMS error predicting consonants", L.consonant_rms, "> 0.5", L.consonant_rms > 0.5},
      {"letters: RMS error of the 'consonant' bit at consonants (that one comes is known)", L.consonant_bit_at_consonants,
       "< 0.1", L.consonant_bit_at_consonants < 0.1},
      {"letters: RMS error of the 'high' bit at consonants (which one is not; best 0.47)", L.high_bit_at_consonants,
       "in [0.40, 0.55]", L.high_bit_at_consonants >= 0.40 && L.high_bit_at_consonants <= 0.55},
  };
  double smallest_ratio = 1e9;
  std::size_t good = 0;
  for (const WordResult& w : r.words) {
    const double ratio = w.word_initial / w.inside;
    smallest_ratio = std::min(smallest_ratio, ratio);
    good += ratio >= 3;
  }
  out.push_back({"words: smallest ratio (error at word-initial letters / inside words) over " + std::to_string(r.words.size()) +
                     " seeds",
                 smallest_ratio, ">= 3", !r.words.empty() && good == r.words.size()});
  return out;
}

// ---- what the lesson shows ----

namespace {

// Elman's Fig. 4 and 5: the error, and two feature bits' errors, over a stretch of test letters.
void show_letter_errors(Report& report, const Result& r) {
  const LetterResult& L = r.letters;
  // Elman's Fig. 4: the error over a stretch of test letters, each point labelled with the letter predicted.
  const std::size_t shown = 20, offset = 30;
  plot::LineChart fig4;
  fig4.title = "Error predicting each letter (after Elman 1990, Fig. 4)";
  fig4.x_label = "the letter being predicted";
  fig4.y_label = "error (norm of the 6-bit error)";
  fig4.y_min = 0;
  plot::Series line{.markers = true};
  for (std::size_t i = 0; i < shown; ++i) {
    line.x.push_back(static_cast<double>(i));
    line.y.push_back(L.error[offset + i]);
    fig4.x_labels.emplace_back(static_cast<double>(i), std::string(1, L.test_letters[offset + i + 1]));
  }
  fig4.series = {line};
  report.plot("letter_error.svg", fig4.svg(), {}, fig4.text(60, 10));

  // Elman's Fig. 5: two feature bits over the same letters.
  plot::LineChart fig5;
  fig5.title = "Error of two feature bits (after Elman 1990, Fig. 5)";
  fig5.x_label = "the letter being predicted";
  fig5.y_label = "|error| of the bit";
  fig5.y_min = 0;
  fig5.y_max = 1;
  for (std::size_t bit : {std::size_t{0}, std::size_t{3}}) {
    plot::Series s{.name = std::string("bit '") + data::letter_feature_names[bit] + "'", .markers = true};
    for (std::size_t i = 0; i < shown; ++i) {
      s.x.push_back(static_cast<double>(i));
      s.y.push_back(L.bit_error[bit][offset + i]);
    }
    fig5.series.push_back(s);
  }
  fig5.x_labels = fig4.x_labels;
  report.plot("feature_error.svg", fig5.svg());
}

// Elman's Fig. 6: the error along unspaced text, word starts marked.
void show_word_errors(Report& report, const Result& r) {
  const WordResult& w = r.words.front();
  plot::LineChart fig6;
  fig6.title = "Error along unspaced text (after Elman 1990, Fig. 6); dotted lines: word starts";
  fig6.x_label = "the letter being predicted";
  fig6.y_label = "error (norm of the 5-bit error)";
  fig6.y_min = 0;
  plot::Series trace{.markers = true};
  const std::size_t start = 40, length = 80;
  for (std::size_t i = 0; i < length && start + i + 1 < w.test_letters.size(); ++i) {
    trace.x.push_back(static_cast<double>(i));
    trace.y.push_back(w.error[start + i]);
    fig6.x_labels.emplace_back(static_cast<double>(i), std::string(1, w.test_letters[start + i + 1]));
    if (w.word_start[start + i + 1]) fig6.x_marks.push_back(static_cast<double>(i));
  }
  fig6.series = {trace};
  report.plot("word_error.svg", fig6.svg(1100, 420), {}, fig6.text(80, 10));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options,
                apply_settings(options, {{"letter_hidden", c.letter_hidden}, {"word_hidden", c.word_hidden}, {"window", c.window}}));
  report.say("letters", {{"consonants", c.consonants},
                         {"letter_hidden", c.letter_hidden},
                         {"window", c.window},
                         {"letter_epochs", c.letter_epochs}});
  report.code("predictor");
  report.code("prediction-errors");
  const Result r = experiment(c);
  const LetterResult& L = r.letters;

  show_letter_errors(report, r);
  report.figure("RMS error predicting vowels", L.vowel_rms);
  report.figure("RMS error predicting consonants", L.consonant_rms);
  report.figure("'consonant' bit at consonants (RMS)", L.consonant_bit_at_consonants);
  report.figure("'high' bit at consonants (RMS)", L.high_bit_at_consonants);

  report.say("words", {{"sentences", c.sentences},
                       {"word_hidden", c.word_hidden},
                       {"word_epochs", c.word_epochs},
                       {"word_seeds", c.word_seeds}});
  show_word_errors(report, r);
  for (const WordResult& word : r.words) {
    report.figure("seed " + std::to_string(word.seed) + ": mean error at word-initial letters", word.word_initial);
    report.figure("seed " + std::to_string(word.seed) + ": mean error inside words", word.inside);
  }
  report.say("nothing-marked");
  report.try_next();
  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson07
