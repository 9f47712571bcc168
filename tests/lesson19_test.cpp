#include <algorithm>
#include <filesystem>
#include <fstream>

#include "check.hpp"
#include "lessons/19_seq2seq.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 19") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 19: every claim holds in the quick configuration") {
  const auto config = lesson19::config(true, 0);
  const auto result = lesson19::experiment(config);
  CHECK_CLAIMS(lesson19::claims(result, config));
  // The held-out numbers are compositions: a tens word and a units word.
  for (std::size_t n : result.held_out) {
    CHECK(n > 20);
    CHECK(n % 10 != 0);
  }
}
#endif

TEST_CASE("number names") {
  auto words = [](std::size_t n) {
    std::string out;
    for (std::size_t w : lesson19::name_of_number(n)) out += (out.empty() ? "" : " ") + lesson19::number_words()[w];
    return out;
  };
  CHECK(words(0) == "zero");
  CHECK(words(7) == "seven");
  CHECK(words(13) == "thirteen");
  CHECK(words(40) == "forty");
  CHECK(words(42) == "forty two");
  CHECK(words(99) == "ninety nine");
  CHECK_CONTAINS(message_of<std::invalid_argument>([] { (void)lesson19::name_of_number(100); }), "100");
  const Tensor v = lesson19::number_vector(42);
  CHECK(v[4] == 1);
  CHECK(v[12] == 1);
  double total = 0;
  for (double x : v.values()) total += x;
  CHECK(total == 2);
}

TEST_CASE("translation pairs: number words in and their digits reversed out") {
  Rng rng(2);
  const lesson19::Pairs p = data::reversed_digit_pairs(50, 2, 5, rng);
  for (std::size_t i = 0; i < 50; ++i) {
    const auto& s = p.sources[i];
    const auto& t = p.targets[i];
    REQUIRE(s.size() == t.size());
    CHECK(s.size() >= 2);
    CHECK(s.size() <= 5);
    for (std::size_t k = 0; k < s.size(); ++k) CHECK(t[s.size() - 1 - k] == s[k] - 1);  // "zero" is word 1
  }
}

TEST_CASE("the translator's encoding of a source does not depend on the other sources in its batch") {
  Rng rng(3);
  lesson19::Translator translator(lesson19::number_words().size(), 10, 8, 12, rng);
  const std::vector<std::size_t> short_source = {4, 2};
  const auto alone = translator.translate({short_source});
  const auto beside_long = translator.translate({short_source, {1, 2, 3, 4, 5, 6, 7}});
  // Greedy decoding runs longer in the second batch (its longest source is longer): compare what both produced.
  REQUIRE(alone[0].size() <= beside_long[0].size());
  CHECK(std::equal(alone[0].begin(), alone[0].end(), beside_long[0].begin()));
}

TEST_CASE("a learner's pairs: read them and translate the held-out 20%") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "rnnlab_lesson19_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "pairs.txt");
    const char* words[] = {"a", "b", "c"};
    for (int i = 0; i < 40; ++i) out << words[i % 3] << " " << words[(i / 3) % 3] << "\t" << (i % 3) << "\n\n";
  }
  std::ofstream(dir / "bad.txt") << "a b\t1\nno tab here\n";
  const lesson19::TextPairs p = lesson19::read_pairs((dir / "pairs.txt").string());
  REQUIRE(p.pairs.sources.size() == 40);
  CHECK(p.source_words == std::vector<std::string>{"<end>", "a", "b", "c"});
  CHECK(p.target_words == std::vector<std::string>{"0", "1", "2"});
  CHECK(p.pairs.sources[4] == std::vector<std::size_t>{2, 2});  // "b b"
  CHECK(p.pairs.targets[4] == std::vector<std::size_t>{1});
  CHECK_CONTAINS(message_of<std::runtime_error>([&] { (void)lesson19::read_pairs((dir / "bad.txt").string()); }),
                 "bad.txt line 2");
  lesson19::Config config = lesson19::config(true, 0);
  config.steps = 300;
  const lesson19::Result r = lesson19::experiment_on(config, p);
  REQUIRE(r.lengths == std::vector<double>{2});
  CHECK(r.translation_accuracy[0] == 1);  // the first word names the digit: easy
  std::filesystem::remove_all(dir);
}

TEST_CASE("a learner's pairs may not use the lesson's own markers as words (a fuzzer's finding)") {
  // "<end>" as a source word once took id 0, the padding token, and vanished from the sentence.
  std::string pairs;
  for (int i = 0; i < 20; ++i) pairs += "one two\t1 2\n";
  CHECK(lesson19::parse_pairs(pairs, "p").pairs.sources.size() == 20);
  CHECK_CONTAINS(message_of<InputError>([&] { (void)lesson19::parse_pairs(pairs + "<end> e32\ter\n", "p"); }),
                 "p line 21: '<end>' is the lesson's own marker");
  CHECK_CONTAINS(message_of<InputError>([&] { (void)lesson19::parse_pairs(pairs + "a\t<start>\n", "p"); }),
                 "'<start>'");
}

}  // TEST_SUITE
