#include <cmath>
#include <filesystem>
#include <fstream>

#include "check.hpp"
#include "lessons/16_text_generation.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

namespace {
const std::string some_text = "The network reads a text one character at a time and learns which character comes next.";
}  // namespace

TEST_SUITE("lesson 16") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 16: every claim holds in the quick configuration") {
  const auto config = lesson16::config(true, 0);
  const auto result = lesson16::experiment(config, lesson16::load_corpus("", config));
  CHECK_CLAIMS(lesson16::claims(result, config));
  CHECK(result.validation_chars > 0);
  CHECK(result.unigram < std::log(static_cast<double>(result.vocabulary)));  // frequencies are not uniform
}
#endif

TEST_CASE("the vocabulary: sorted distinct characters and a clear error for a stranger") {
  const lesson16::Vocabulary v("banana band");
  CHECK(v.chars() == " abdn");
  CHECK(v.encode("nab") == std::vector<std::size_t>{4, 1, 2});
  CHECK(v.character(3) == 'd');
  CHECK_FALSE(v.contains('z'));
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { (void)v.index('z'); }), "not in the vocabulary");
}

TEST_CASE("unigram entropy in nats") {
  CHECK(lesson16::unigram_entropy("aaaa") == 0);
  CHECK(lesson16::unigram_entropy("abab") == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(lesson16::unigram_entropy("abcd") == doctest::Approx(std::log(4.0)).epsilon(1e-15));
}

TEST_CASE("the corpus: a learner's file or clear errors naming it") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "rnnlab_lesson16_test";
  std::filesystem::create_directories(dir);
  const std::string small = (dir / "small.txt").string(), big = (dir / "big.txt").string();
  std::ofstream(small) << "too short";
  {
    std::ofstream out(big);
    for (int i = 0; i < 500; ++i) out << "the quick brown fox ";
  }
  const lesson16::Config c = lesson16::config(false, 0);
  CHECK(lesson16::minimum_corpus_bytes(c) == 10 * 16 * 51);
  CHECK(lesson16::load_corpus(big, c).text.size() == 10000);
  CHECK_CONTAINS(message_of<InputError>([&] { (void)lesson16::load_corpus(small, c); }), "small.txt: has 9 bytes of text");
  CHECK_CONTAINS(message_of<InputError>([&] { (void)lesson16::load_corpus((dir / "missing.txt").string(), c); }),
                 "no such file");
  CHECK(lesson16::load_corpus("", c).text.size() >= lesson16::minimum_corpus_bytes(c));
  std::filesystem::remove_all(dir);
}

TEST_CASE("common words are counted as whole words and once each") {
  const auto words = lesson16::common_words_in("The theory of THE work, or network: you and you.");
  CHECK(words == std::vector<std::string>{"the", "of", "work", "or", "you", "and"});
}

TEST_CASE("sampling: the prompt and then the asked number of characters from the vocabulary") {
  const lesson16::Vocabulary v(some_text);
  Rng rng(1);
  lesson16::CharModel model(rnnlab::nn::CellKind::lstm, v.size(), 4, 6, rng);
  Rng a(2), b(2);
  const std::string first = lesson16::sample(model, v, "The ~", 40, 0.7, a);  // '~' is not in the text: skipped
  CHECK(first.size() == 4 + 40);
  CHECK(first.rfind("The ", 0) == 0);
  for (char c : first) CHECK(v.contains(c));
  CHECK(lesson16::sample(model, v, "The ~", 40, 0.7, b) == first);  // the same seed, the same text
}

TEST_CASE("--generate without a saved model says what to do") {
  Options options;
  options.generate = true;
  options.out = (std::filesystem::temp_directory_path() / "rnnlab_no_model_here").string();
  CHECK_CONTAINS(message_of<std::runtime_error>([&] { (void)lesson16::run(options); }), "run the lesson once without --generate");
  // With a model and its vocabulary saved as a full run saves them, --generate loads them and samples.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "rnnlab_saved_model";
  std::filesystem::create_directories(dir);
  const lesson16::Config full = lesson16::config(false, 0);
  const lesson16::Vocabulary v(some_text);
  Rng rng(3);
  lesson16::CharModel(rnnlab::nn::CellKind::lstm, v.size(), full.embedding, full.hidden, rng).save((dir / "model.npz").string());
  std::ofstream(dir / "vocabulary.txt") << v.chars();
  options.out = dir.string();
  CHECK(lesson16::run(options) == 0);
  std::filesystem::remove_all(dir);
}

}  // TEST_SUITE
