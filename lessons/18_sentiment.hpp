// Lesson 18 — sequence in, one label out (sentiment).
#pragma once

#include <cstdint>
#include <string>
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
const std::vector<std::string>& review_vocabulary();  // index 0 is the padding token "<pad>"
std::size_t word_index(const std::string& word);     // throws std::invalid_argument for an unknown word

// A batch, left-padded to its longest review so every review ends at the last step: tokens [T * B] time-major.
struct ReviewBatch {
  std::size_t steps = 0, batch = 0;
  std::vector<std::size_t> tokens;
  std::vector<std::size_t> labels;
  std::vector<Review> reviews;
};
ReviewBatch review_batch(std::size_t batch, Rng& rng);

// The baseline: how many times each word occurs, and a linear classifier on those counts (logistic regression).
class BagOfWords : public nn::Module {
 public:
  explicit BagOfWords(Rng& rng);
  Var logits(const ReviewBatch& batch);  // [B, 2]

 private:
  nn::Linear linear_;
};

// Embedding -> GRU -> a linear readout of the last state.
class RecurrentClassifier : public nn::Module {
 public:
  RecurrentClassifier(std::size_t embedding, std::size_t hidden, Rng& rng);
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

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson18
