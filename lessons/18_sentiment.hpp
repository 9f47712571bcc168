// Lesson 18 — sequence in, one label out (sentiment).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::lesson18 {

// Synthetic short reviews. A review is one to three clauses; a clause is a subject, "was", an optional "really" or
// "quite", an optional "not", and one sentiment word: "the plot was not really good". Clauses are joined by
// "and" (they agree) or "but" (they disagree, and the one after "but" is the verdict). A clause's polarity is its
// word's, flipped by "not"; the review's label is its last clause's polarity: 1 positive, 0 negative.
struct Review {
  std::vector<std::string> words;
  int label = 0;
};
Review make_review(Rng& rng);

// Words and their token ids; id 0 is the padding token "<pad>".
class WordIndex {
 public:
  explicit WordIndex(const std::vector<std::string>& words);  // "<pad>" is put first
  std::size_t size() const { return words_.size(); }
  std::size_t operator()(const std::string& word) const;  // throws std::invalid_argument naming an unknown word
  const std::string& word(std::size_t id) const { return words_.at(id); }

 private:
  std::vector<std::string> words_;
  std::map<std::string, std::size_t> ids_;
};
const WordIndex& review_words();                  // the synthetic reviews' words
std::size_t word_index(const std::string& word);  // review_words()(word)

// A learner's reviews (--data): one a line, the label first (0 or 1, or negative or positive), then the text;
// words are runs of letters (of any script), digits and apostrophes, lower-cased. parse_reviews reads the text of
// the file named `name`, read_reviews opens it; both throw InputError naming the file and the line for anything
// else, for fewer than 20 reviews, and past the limits below.
inline constexpr std::size_t max_review_words = 200, max_review_vocabulary = 20'000, max_reviews = 200'000;
std::vector<Review> parse_reviews(std::string_view text, const std::string& name);
std::vector<Review> read_reviews(const std::string& path);
WordIndex words_of(const std::vector<Review>& reviews);

// A batch, left-padded to its longest review so every review ends at the last step: tokens [T * B] time-major.
struct ReviewBatch {
  std::size_t steps = 0, batch = 0;
  std::vector<std::size_t> tokens;
  std::vector<std::size_t> labels;
  std::vector<Review> reviews;
};
ReviewBatch review_batch(std::vector<Review> reviews, const WordIndex& words);
ReviewBatch review_batch(std::size_t batch, Rng& rng);  // fresh synthetic reviews

// The baseline: how many times each word occurs, and a linear classifier on those counts (logistic regression).
class BagOfWords : public nn::Module {
 public:
  BagOfWords(std::size_t vocabulary, Rng& rng);
  Var logits(const ReviewBatch& batch);  // [B, 2]

 private:
  std::size_t vocabulary_;
  nn::Linear linear_;
};

// Embedding -> GRU -> a linear readout of the last state.
class RecurrentClassifier : public nn::Module {
 public:
  RecurrentClassifier(std::size_t vocabulary, std::size_t embedding, std::size_t hidden, Rng& rng);
  Var logits(const ReviewBatch& batch);  // [B, 2]

 private:
  nn::Embedding embedding_;
  nn::GRU gru_;
  nn::Linear readout_;
};

struct Config {
  std::size_t embedding = 16, hidden = 32, batch = 32, training_steps = 400, evaluate_every = 10;
  std::size_t test_reviews = 2000, seeds = 3;
  double learning_rate = 1e-2, clip = 1, margin = 0.15;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Run {
  std::vector<double> step, accuracy;
  double final_accuracy = 0;
  std::vector<int> predictions;  // on the test reviews
};

struct Result {
  ReviewBatch test;
  std::vector<Run> bag, gru;  // per seed
};

Result experiment(const Config& config);  // the synthetic reviews, fresh batches
// A learner's reviews: a random 80% trains (batches drawn from it), the rest tests.
Result experiment_on(const Config& config, const std::vector<Review>& reviews);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson18
