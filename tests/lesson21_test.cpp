#include <algorithm>
#include <cmath>

#include "check.hpp"
#include "lessons/21_handwriting.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 21") {
#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
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
    CHECK(message ==
          hershey::font_path("no_such_font") +
              ": not installed; this lesson writes with the Hershey fonts (apt-get install hershey-fonts-data)");
  }

  TEST_CASE("a learner's letters: read from CSV in the fonts' units and read back by the recognizer's helpers") {
    const lesson21::LetterScale scale{.size = 20, .spacing = 3};
    // Two letters in pixels, a header, a comment, CRLF line ends and spaces around the fields.
    const std::string text =
        "sample,letter,stroke,x,y\r\n# an l, then an x\n7,l,0,10,0\n7,l,0,10,100\n 8 , x , 0 , 0 , 0 \r\n8,x,0,50,50\n"
        "8,x,1,50,0\n8,x,1,0,50\n";
    const std::vector<lesson21::Sample> letters = lesson21::parse_letters(text, "mine.csv", scale);
    REQUIRE(letters.size() == 2);
    CHECK(letters[0].letter == 'l' - 'a');
    CHECK(letters[1].letter == 'x' - 'a');
    REQUIRE(letters[0].strokes.size() == 1);
    REQUIRE(letters[1].strokes.size() == 2);
    // Sizes 100 and 50: the median (of two, the upper) is 100, so 100 pixels become 20 units, and the l's stroke of
    // 20 units has a point every 3: 0, 3, ..., 18 and its end.
    CHECK(letters[0].strokes[0].size() == 8);
    CHECK(letters[0].strokes[0].back().second == doctest::Approx(20));
    CHECK(letters[1].strokes[0].back().first == doctest::Approx(10));
    CHECK(lesson21::share_right({1, 2, 3, 3}, {1, 2, 3, 4}) == doctest::Approx(0.75));
  }

  TEST_CASE("a learner's letters: every kind of bad line is refused naming the file and the line") {
    const lesson21::LetterScale scale;
    auto refusal = [&](const std::string& text) {
      return message_of<InputError>([&] { (void)lesson21::parse_letters(text, "f.csv", scale); });
    };
    CHECK(refusal("# nothing\nsample,letter,stroke,x,y\n") ==
          "f.csv: has no letters (one pen point a line: sample,letter,stroke,x,y)");
    CHECK_CONTAINS(refusal("1,a,0,1\n"), "f.csv line 1: expected 5 fields \"sample,letter,stroke,x,y\", got 4");
    CHECK_CONTAINS(refusal("one,a,0,1,2\n"), "f.csv line 1: the sample 'one' is not a whole number");
    CHECK_CONTAINS(refusal("1,A,0,1,2\n"), "f.csv line 1: the letter 'A' is not one of a to z");
    CHECK_CONTAINS(refusal("1,ab,0,1,2\n"), "the letter 'ab' is not one of a to z");
    CHECK_CONTAINS(refusal("1,a,0.5,1,2\n"), "f.csv line 1: the stroke '0.5' is not a whole number");
    CHECK_CONTAINS(refusal("1,a,0,x,2\n"), "f.csv line 1: expected a number, got 'x'");
    CHECK_CONTAINS(refusal("1,a,0,1,nan\n"), "f.csv line 1: the value 'nan' is out of range (at most 1e6 in size)");
    CHECK_CONTAINS(refusal("1,a,0,1,2e6\n"), "out of range");
    CHECK_CONTAINS(refusal("1,a,0,0,0\n1,b,0,1,1\n"), "f.csv line 2: sample 1 was the letter 'a' until here");
    CHECK_CONTAINS(refusal("1,a,0,0,0\n2,b,0,1,1\n1,a,0,2,2\n"),
                   "f.csv line 3: sample 1 comes back after other samples; keep a sample's rows together");
    CHECK_CONTAINS(refusal("1,a,0,0,0\n1,a,1,1,1\n1,a,0,2,2\n"),
                   "f.csv line 3: stroke 0 of sample 1 comes back after another stroke; keep a stroke's rows together");
    CHECK_CONTAINS(refusal("1,a,0,0,0\n2,b,0,5,5\n2,b,0,6,6\n"),
                   "f.csv line 1: sample 1 has no size: all its points are at one place");
    // Ten small letters and one a thousand times larger: at the file's scale it would be thousands of points long.
    std::string text;
    for (int k = 0; k < 10; ++k) text += std::to_string(k) + ",o,0,0,0\n" + std::to_string(k) + ",o,0,1,1\n";
    text += "10,l,0,0,0\n10,l,0,0,1000\n";
    CHECK_CONTAINS(refusal(text), "f.csv line 21: sample 10 would be more than 1000 points long at the file's scale");
  }

}  // TEST_SUITE
