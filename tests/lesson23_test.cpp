#include <cmath>
#include <numeric>

#include "check.hpp"
#include "lessons/23_attention.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 23") {
#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
  TEST_CASE("lesson 23: every claim holds in the quick configuration") {
    const auto config = lesson23::config(true, 0);
    CHECK_CLAIMS(lesson23::claims(lesson23::experiment(config), config));
  }
#endif

  TEST_CASE("the pairs: number words in and their digits out reversed") {
    Rng rng(2);
    const data::SequencePairs p = data::reversed_digit_pairs(40, 3, 7, rng);
    REQUIRE(p.sources.size() == 40);
    for (std::size_t k = 0; k < 40; ++k) {
      const std::size_t L = p.sources[k].size();
      CHECK(L >= 3);
      CHECK(L <= 7);
      REQUIRE(p.targets[k].size() == L);
      for (std::size_t i = 0; i < L; ++i) CHECK(p.targets[k][i] + 1 == p.sources[k][L - 1 - i]);
    }
    CHECK_CONTAINS(message_of<std::invalid_argument>([&] { (void)data::reversed_digit_pairs(1, 0, 3, rng); }),
                   "reversed_digit_pairs: lengths 0 to 3");
  }

  TEST_CASE("the translators: a loss for a batch and one answer per source with its attention weights") {
    Rng rng(4);
    lesson23::PlainTranslator plain(8, 12, rng);
    lesson23::AttentionTranslator attention(8, 6, 5, rng);
    Rng data_rng(1);
    const data::SequencePairs batch = data::reversed_digit_pairs(3, 5, 5, data_rng);
    // Untrained, every next token is about equally likely: the loss is near log(12).
    CHECK(plain.loss(batch).item() == doctest::Approx(std::log(12.0)).epsilon(0.2));
    CHECK(attention.loss(batch).item() == doctest::Approx(std::log(12.0)).epsilon(0.2));
    std::vector<std::vector<std::vector<double>>> maps;
    const auto answers = attention.translate(batch.sources, &maps);
    REQUIRE(answers.size() == 3);
    REQUIRE(maps.size() == 3);
    for (std::size_t b = 0; b < 3; ++b) {
      CHECK(answers[b].size() <= 5 + 2);
      REQUIRE(maps[b].size() == answers[b].size());  // one row of weights per digit written
      for (const std::vector<double>& row : maps[b]) {
        REQUIRE(row.size() == 5);
        CHECK(std::accumulate(row.begin(), row.end(), 0.0) == doctest::Approx(1));
      }
    }
    std::vector<std::vector<std::vector<double>>> none;
    (void)plain.translate(batch.sources, &none);
    for (const auto& rows : none) CHECK(rows.empty());  // no attention, no weights
    CHECK_CONTAINS(message_of<std::invalid_argument>([&] {
                     (void)plain.translate({{1, 2}, {3}});
                   }),
                   "Translator: a batch's sources must have one length, got 2 and 1");
  }

  TEST_CASE("the claims: a margin on the long sources and sizes within a tenth and the weight near the diagonal") {
    const lesson23::Config c = lesson23::config(true, 0);
    lesson23::Result r;
    const std::size_t lengths = c.max_length - c.min_length + 1;
    r.plain.parameters = 1000;
    r.attention.parameters = 1050;
    r.plain.test.tokens.assign(lengths, 0.5);
    r.attention.test.tokens.assign(lengths, 0.9);
    r.aligned_mass = 0.8;
    for (const Claim& claim : lesson23::claims(r, c)) CHECK(claim.passed);
    r.attention.test.tokens.assign(lengths, 0.55);
    r.attention.parameters = 2000;
    r.aligned_mass = 0.3;
    for (const Claim& claim : lesson23::claims(r, c)) CHECK(!claim.passed);
  }
}
