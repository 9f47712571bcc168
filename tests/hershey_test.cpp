#include <cmath>
#include <filesystem>

#include "check.hpp"
#include "lessons/common/hershey.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lessons") {
  TEST_CASE("hershey: glyphs parse into strokes and a long glyph continues on the next line") {
    // '!' of the Roman simplex font (two strokes) and a glyph split over two lines.
    const std::string text =
        "12345  9MWRFRT RRYQZR[SZRY\n"
        "12345  4JZNF\nNMVF\n";
    const std::vector<hershey::Glyph> glyphs = hershey::parse_font(text, "f.jhf");
    REQUIRE(glyphs.size() == 2);
    CHECK(glyphs[0].left == -5);
    CHECK(glyphs[0].right == 5);
    REQUIRE(glyphs[0].strokes.size() == 2);
    CHECK(glyphs[0].strokes[0] == hershey::Stroke{{0, -12}, {0, 2}});
    CHECK(glyphs[0].strokes[1].size() == 5);
    CHECK(glyphs[1].strokes == std::vector<hershey::Stroke>{{{-4, -12}, {-4, -5}, {4, -12}}});
  }

  TEST_CASE("hershey: what is not a glyph is refused by file and line") {
    CHECK(message_of<InputError>([] { (void)hershey::parse_font("12345  9MWRFRT RRYQZR[SZRY\nhello\n", "f.jhf"); }) ==
          "f.jhf line 2: not a Hershey glyph (a 5-digit number, a 3-digit count, then coordinate pairs)");
    CHECK_CONTAINS(message_of<InputError>([] { (void)hershey::parse_font("12345  9MWRFRT\n", "f.jhf"); }),
                   "says 9 coordinate pairs and has 3");
    CHECK_THROWS_AS((void)hershey::parse_font("", "f.jhf"), InputError);
  }

  TEST_CASE("hershey: pen offsets add up to the path and the pen lifts at each stroke's end") {
    const std::vector<hershey::Stroke> strokes = {{{0, 0}, {1, 2}, {3, 2}}, {{5, 5}, {5, 7}}};
    const hershey::PenOffsets o = hershey::pen_offsets(strokes);
    CHECK(o.dx == std::vector<double>{1, 2, 2, 0});
    CHECK(o.dy == std::vector<double>{2, 0, 3, 2});
    CHECK(o.lift == std::vector<double>{0, 1, 0, 1});
  }

  TEST_CASE("hershey: a writer with a steady hand keeps the glyph's path resampled evenly") {
    hershey::Glyph line{.left = 0, .right = 10, .strokes = {{{0, 0}, {10, 0}}}};
    hershey::Hand steady{.slant = 0, .stretch = 0, .rotation = 0, .spacing = 1, .noise = 0};
    Rng rng(3);
    const std::vector<hershey::Stroke> written = hershey::write(line, steady, rng);
    REQUIRE(written.size() == 1);
    const hershey::Stroke& s = written[0];
    CHECK(s.front() == hershey::Point{0, 0});
    CHECK(s.back() == hershey::Point{10, 0});
    for (std::size_t i = 1; i < s.size(); ++i) {
      CHECK(s[i].second == 0);
      CHECK(s[i].first - s[i - 1].first > 0);
      CHECK(s[i].first - s[i - 1].first <= 1.35 + 1e-12);  // the writer's spacing is 1 within e^0.3
    }
    Rng again(3);
    CHECK(hershey::write(line, steady, again) == written);
  }

  TEST_CASE("hershey: Debian's cursive font (where installed) holds the 95 printable characters") {
    const std::string path = hershey::font_path("cursive");
    if (!std::filesystem::exists(path)) {
      MESSAGE("hershey-fonts-data is not installed: skipped");
      return;
    }
    const std::vector<hershey::Glyph> font = hershey::read_font(path);
    CHECK(font.size() == 96);
    CHECK(font['a' - 32].strokes.size() >= 1);
    CHECK(font[' ' - 32].strokes.empty());
  }

}  // TEST_SUITE
