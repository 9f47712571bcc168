#include <algorithm>

#include "check.hpp"
#include "lessons/18_sentiment.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 18") {

TEST_CASE("lesson 18: every claim holds in the quick configuration") {
  const auto config = lesson18::config(true, 0);
  const auto result = lesson18::experiment(config);
  CHECK_CLAIMS(lesson18::claims(result, config));
}

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
  lesson18::BagOfWords bag(rng);
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

TEST_CASE("lesson 18 refuses --data with a clear message") {
  Options options;
  options.data = "reviews.txt";
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { (void)lesson18::run(options); }), "does not read --data");
}

}  // TEST_SUITE
