#include <algorithm>
#include <cmath>

#include "check.hpp"
#include "lessons/21_handwriting.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 21") {
#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their determinism test checks these
  TEST_CASE("lesson 21: every claim holds in the quick configuration") {
    const auto config = lesson21::config(true, 0);
    const auto result = lesson21::experiment(config, lesson21::handwriting(config.data));
    CHECK_CLAIMS(lesson21::claims(result, config));
  }
#endif

  TEST_CASE("the data: every letter in every hand of every font and the same data on every call") {
    lesson21::DataConfig c;
    c.hands = 2;
    c.test_hands = 1;
    const lesson21::Handwriting h = lesson21::handwriting(c);
    CHECK(h.fonts.size() == c.train_fonts.size() + c.other_fonts.size());
    CHECK(h.train.size() == lesson21::letters * c.train_fonts.size() * c.hands);
    CHECK(h.new_hands.size() == lesson21::letters * c.train_fonts.size() * c.test_hands);
    CHECK(h.new_fonts.size() == lesson21::letters * c.other_fonts.size() * c.test_hands);
    for (const auto* set : {&h.train, &h.new_hands}) {
      for (const lesson21::Sample& s : *set) {
        CHECK(s.font < c.train_fonts.size());
        CHECK(s.letter < lesson21::letters);
        CHECK(s.points() >= 5);  // even an 'i' is a few points of pen
      }
    }
    for (const lesson21::Sample& s : h.new_fonts) CHECK(s.font >= c.train_fonts.size());
    const lesson21::Handwriting again = lesson21::handwriting(c);
    CHECK(again.train[7].strokes == h.train[7].strokes);
    CHECK(again.new_fonts.back().strokes == h.new_fonts.back().strokes);
  }

  TEST_CASE("strokes_of undoes offsets_of: the same strokes moved to start at the origin") {
    lesson21::DataConfig c;
    c.hands = 1;
    c.test_hands = 1;
    const lesson21::Handwriting h = lesson21::handwriting(c);
    for (const lesson21::Sample& s : {h.train[0], h.train[30], h.new_fonts[5]}) {
      const hershey::PenOffsets o = lesson21::offsets_of(s);
      CHECK(o.size() == s.points());
      const std::vector<hershey::Stroke> back = lesson21::strokes_of(o.dx, o.dy, o.lift);
      REQUIRE(back.size() == s.strokes.size());
      const hershey::Point start = s.strokes[0][0];
      for (std::size_t k = 0; k < back.size(); ++k) {
        REQUIRE(back[k].size() == s.strokes[k].size());
        for (std::size_t i = 0; i < back[k].size(); ++i) {
          CHECK(back[k][i].first == doctest::Approx(s.strokes[k][i].first - start.first));
          CHECK(back[k][i].second == doctest::Approx(s.strokes[k][i].second - start.second));
        }
      }
    }
  }

  TEST_CASE("the writer: a sample is as long as asked and its mixtures are recorded and one seed gives one sample") {
    Rng rng(1);
    lesson21::Writer writer(5, 8, 3, rng);
    Rng a(4), b(4);
    Tensor params;
    const hershey::PenOffsets first = writer.write(2, 1, 12, 2, a, &params);
    const hershey::PenOffsets second = writer.write(2, 1, 12, 2, b);
    CHECK(first.size() == 12);
    CHECK(params.shape() == Shape{12, 1 + 6 * 3});
    CHECK(first.dx == second.dx);
    CHECK(first.lift == second.lift);
    for (double lift : first.lift) CHECK((lift == 0 || lift == 1));
  }

  TEST_CASE("the writer's loss is the mean -log Pr per real point: padding a batch does not change it") {
    lesson21::DataConfig c;
    c.hands = 1;
    c.test_hands = 1;
    const lesson21::Handwriting h = lesson21::handwriting(c);
    Rng rng(2);
    lesson21::Writer writer(c.train_fonts.size(), 8, 2, rng);
    // A short and a long letter together: the short one is padded. The pair's loss is the per-point mean of the two.
    const lesson21::Sample *short_one = &h.train[0], *long_one = &h.train[0];
    for (const lesson21::Sample& s : h.train) {
      if (s.points() < short_one->points()) short_one = &s;
      if (s.points() > long_one->points()) long_one = &s;
    }
    const double alone_short = writer.loss({short_one}).item(), alone_long = writer.loss({long_one}).item();
    const double n_short = static_cast<double>(short_one->points()), n_long = static_cast<double>(long_one->points());
    CHECK(writer.loss({short_one, long_one}).item() ==
          doctest::Approx((alone_short * n_short + alone_long * n_long) / (n_short + n_long)).epsilon(1e-10));
  }

  TEST_CASE("a missing font refuses in one line that names the package") {
    lesson21::DataConfig c;
    c.train_fonts = {"futural", "no_such_font"};
    const std::string message = message_of<InputError>([&] { (void)lesson21::handwriting(c); });
    CHECK(message == hershey::font_path("no_such_font") +
                         ": not installed; this lesson writes with the Hershey fonts (apt-get install hershey-fonts-data)");
  }

}  // TEST_SUITE
