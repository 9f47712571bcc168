#include <algorithm>
#include <filesystem>
#include <fstream>

#include "check.hpp"
#include "lessons/18_sentiment.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 18") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 18: every claim holds in the quick configuration") {
  const auto config = lesson18::config(true, 0);
  const auto result = lesson18::experiment(config);
  CHECK_CLAIMS(lesson18::claims(result, config));
}
#endif

namespace {

// The label by the grammar's rule, read back from the words: the last clause's word, flipped by its "not".
int label_from_words(const std::vector<std::string>& words) {
  static const std::vector<std::string> positive = {"good", "great", "fun", "clever", "moving"};
  const auto last_clause = std::find_if(words.rbegin(), words.rend(), [](const std::string& w) { return w == "and" || w == "but"; });
  const std::vector<std::string> clause(last_clause.base(), words.end());
  const bool negated = std::find(clause.begin(), clause.end(), "not") != clause.end();
  const bool positive_word = std::find(positive.begin(), positive.end(), clause.back()) != positive.end();
  return positive_word != negated ? 1 : 0;
}

}  // namespace

TEST_CASE("reviews: the label is the last clause's polarity where \"and\" agrees and \"but\" turns") {
  Rng rng(3);
  std::size_t contrasts = 0, negations = 0, positives = 0;
  for (int n = 0; n < 500; ++n) {
    const lesson18::Review r = lesson18::make_review(rng);
    CHECK(r.label == label_from_words(r.words));
    contrasts += std::count(r.words.begin(), r.words.end(), "but");
    negations += std::count(r.words.begin(), r.words.end(), "not");
    positives += static_cast<std::size_t>(r.label);
  }
  CHECK(contrasts > 50);
  CHECK(negations > 100);
  CHECK(positives > 200);
  CHECK(positives < 300);
}

TEST_CASE("a review batch is left-padded so every review ends at the last step") {
  Rng rng(4);
  const lesson18::ReviewBatch b = lesson18::review_batch(6, rng);
  REQUIRE(b.tokens.size() == b.steps * 6);
  for (std::size_t i = 0; i < 6; ++i) {
    const auto& words = b.reviews[i].words;
    const std::size_t pad = b.steps - words.size();
    for (std::size_t t = 0; t < pad; ++t) CHECK(b.tokens[t * 6 + i] == 0);
    CHECK(b.tokens[(b.steps - 1) * 6 + i] == lesson18::word_index(words.back()));
    CHECK(b.labels[i] == static_cast<std::size_t>(b.reviews[i].label));
  }
  CHECK_CONTAINS(message_of<std::invalid_argument>([] { (void)lesson18::word_index("excellent"); }), "'excellent'");
}

TEST_CASE("the bag of words sees counts only: two orders of the same words get the same logits") {
  Rng rng(5);
  lesson18::BagOfWords bag(lesson18::review_words().size(), rng);
  lesson18::ReviewBatch b;
  b.batch = 2;
  b.steps = 4;
  const std::vector<std::string> first = {"the", "plot", "was", "good"}, second = {"good", "was", "the", "plot"};
  b.tokens.resize(8);
  for (std::size_t t = 0; t < 4; ++t) {
    b.tokens[t * 2] = lesson18::word_index(first[t]);
    b.tokens[t * 2 + 1] = lesson18::word_index(second[t]);
  }
  const Tensor logits = bag.logits(b).value();
  CHECK(logits.at({0, 0}) == logits.at({1, 0}));
  CHECK(logits.at({0, 1}) == logits.at({1, 1}));
}

TEST_CASE("a learner's reviews: read them and train on 80% of them") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "rnnlab_lesson18_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "reviews.txt");
    for (int i = 0; i < 30; ++i) out << (i % 2 ? "positive  A fine film, I'd see it again!\n" : "0 a dull film\n\n");
  }
  std::ofstream(dir / "bad.txt") << "1 good\nmaybe so-so\n";
  const std::vector<lesson18::Review> reviews = lesson18::read_reviews((dir / "reviews.txt").string());
  REQUIRE(reviews.size() == 30);
  CHECK(reviews[1].label == 1);
  CHECK(reviews[1].words == std::vector<std::string>{"a", "fine", "film", "i'd", "see", "it", "again"});
  CHECK(lesson18::words_of(reviews).size() == 1 + 8);  // <pad> and a, again, dull, film, fine, i'd, it, see
  CHECK_CONTAINS(message_of<std::runtime_error>([&] { (void)lesson18::read_reviews((dir / "bad.txt").string()); }),
                 "bad.txt line 2");
  lesson18::Config config = lesson18::config(true, 0);
  config.training_steps = 60;
  config.evaluate_every = 30;
  const lesson18::Result r = lesson18::experiment_on(config, reviews);
  CHECK(r.test.batch == 6);
  CHECK(r.gru[0].final_accuracy == 1);  // "dull" or not: even a few steps learn it
  std::filesystem::remove_all(dir);
}

}  // TEST_SUITE
