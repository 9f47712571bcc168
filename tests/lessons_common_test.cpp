#include <cmath>
#include <optional>

#include "check.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/png.hpp"
#include "lessons/common/report.hpp"
#include "lessons/common/site.hpp"
#include "lessons/common/stats.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

namespace {

// A minimal XML well-formedness check: every tag closes in order, attributes are quoted, and text holds no
// raw '<' or unescaped '&'. Returns "" when well-formed, else what is wrong and where.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const std::size_t semi = xml.find(';', i);
      if (semi == std::string::npos || semi - i > 8) return "bare '&' at " + std::to_string(i);
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    const std::size_t end = xml.find('>', i);
    if (end == std::string::npos) return "unterminated tag at " + std::to_string(i);
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.starts_with("?") || tag.starts_with("!")) continue;
    std::size_t quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2) return "unbalanced quotes in <" + tag + ">";
    if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes <" + (open.empty() ? "" : open.back()) + ">";
      open.pop_back();
    } else if (!tag.ends_with("/")) {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> never closed";
}

std::string base64_decode(const std::string& text) {
  const std::string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned long bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    bits = bits << 6 | digits.find(c);
    if ((count += 6) >= 8) out += static_cast<char>((bits >> (count -= 8)) & 0xFF);
  }
  return out;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("lessons") {

TEST_CASE("median: the middle value (the upper one for an even count)") {
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 3, 2}) == 3);
  CHECK(median({7}) == 7);
  CHECK_CONTAINS(message_of<std::invalid_argument>([] { (void)median({}); }), "median: no values");
}

TEST_CASE("the options parser") {
  const auto defaults = parse_options({}, "out/default");
  REQUIRE(defaults);
  CHECK_FALSE(defaults->quick);
  CHECK(defaults->seed == 0);
  CHECK(defaults->out == "out/default");
  const auto given = parse_options({"--quick", "--seed", "42", "--out", "somewhere"}, "x");
  REQUIRE(given);
  CHECK(given->quick);
  CHECK(given->seed == 42);
  CHECK(given->out == "somewhere");
  CHECK(given->data.empty());
  CHECK_FALSE(given->generate);
  const auto text = parse_options({"--data", "my.txt", "--generate", "--prompt", "Once"}, "x");
  REQUIRE(text);
  CHECK(text->data == "my.txt");
  CHECK(text->generate);
  CHECK(text->prompt == "Once");
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--data"}, "x"); }), "needs a value");
  CHECK_FALSE(parse_options({"--seed", "1", "--help"}, "x"));
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--fast"}, "x"); }), "unknown option '--fast'");
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--seed"}, "x"); }), "needs a value");
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--seed", "-3"}, "x"); }), "'-3'");
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--seed", "12abc"}, "x"); }), "'12abc'");
  CHECK_CONTAINS(usage("01_sequence_data"), "--quick");
  CHECK(defaults->language == Language::en);
  CHECK(parse_options({"--lang", "ko"}, "x")->language == Language::ko);
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--lang", "fr"}, "x"); }), "'fr'");
}

TEST_CASE("settings: --set changes the numbers a lesson offers and refuses the rest") {
  const auto given = parse_options({"--set", "gap.steps=2000", "--set", "clip=0.25"}, "x");
  REQUIRE(given);
  REQUIRE(given->settings.size() == 2);
  CHECK(given->settings[1] == std::pair<std::string, std::string>("clip", "0.25"));
  std::size_t steps = 500;
  double clip = 1, rate = 0.1;
  const std::vector<Setting> offered = apply_settings(*given, {{"gap.steps", steps}, {"clip", clip}, {"rate", rate}});
  CHECK(steps == 2000);
  CHECK(clip == 0.25);
  CHECK(offered[0].value() == "2000");
  CHECK(offered[2].value() == "0.1");  // the shortest decimal that reads back as the same double
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--set", "clip"}, "x"); }), "NAME=VALUE");
  CHECK_CONTAINS(message_of<UsageError>([] { (void)parse_options({"--set", "=3"}, "x"); }), "NAME=VALUE");
  const auto refused = [&](const std::string& assignment) {
    return message_of<UsageError>([&] {
      (void)apply_settings(*parse_options({"--set", assignment}, "x"), {{"gap.steps", steps}, {"clip", clip}});
    });
  };
  CHECK_CONTAINS(refused("hidden=4"), "no setting 'hidden'; it has gap.steps, clip");
  CHECK_CONTAINS(refused("gap.steps=-1"), "whole number");
  CHECK_CONTAINS(refused("gap.steps=2.5"), "whole number");
  CHECK_CONTAINS(refused("gap.steps=20000000"), "whole number");
  CHECK_CONTAINS(refused("clip=nan"), "needs a number");
  CHECK_CONTAINS(refused("clip=1e999"), "needs a number");
  CHECK_CONTAINS(refused("clip=0x10"), "needs a number");
  CHECK_CONTAINS(refused("clip= 1"), "needs a number");
  CHECK_CONTAINS(refused("clip="), "needs a number");
  CHECK(steps == 2000);  // a refused value leaves the field as it was
}

TEST_CASE("narration needs both languages and picks one") {
  const Narration said("The gate opens.", "게이트가 열린다.");
  CHECK(said.in(Language::en) == "The gate opens.");
  CHECK(said.in(Language::ko) == "게이트가 열린다.");
  // A missing or untranslated Korean text stops the lesson instead of printing English in its place.
  CHECK_CONTAINS(message_of<std::logic_error>([] { Narration("The gate opens.", ""); }), "The gate opens.");
  CHECK_CONTAINS(message_of<std::logic_error>([] { Narration("The gate opens.", "The gate opens."); }), "Korean");
  CHECK_THROWS_AS(Narration("", "게이트"), std::logic_error);
}

TEST_CASE("a narration file: two halves with the same sections and slots filled exactly") {
  const std::string good =
      "# Lesson 99 · A test\n\n## English\n\n### title\nA test\n\n### intro\nT = {{steps}} steps,\nthen {{steps}} more.\n\n"
      "A second paragraph.\n\n## 한국어\n\n### title\n시험\n\n### intro\nT = {{steps}} 스텝,\n다시 {{steps}} 스텝.\n\n둘째 문단.\n";
  const NarrationText text(good, "99_test.md");
  CHECK(text.keys() == std::vector<std::string>{"title", "intro"});
  CHECK(text.slots("intro") == std::vector<std::string>{"steps"});
  const Narration intro = text.fill("intro", {{"steps", std::size_t{50}}});
  CHECK(intro.en == "T = 50 steps, then 50 more.\n\nA second paragraph.");  // lines join; a blank line parts
  CHECK(intro.ko == "T = 50 스텝, 다시 50 스텝.\n\n둘째 문단.");
  CHECK(text.fill("intro", {{"steps", 0.5}}).en.starts_with("T = 0.5 steps"));
  // Filling: a slot left empty, a value for no slot, an unknown section: each names the file and the section.
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)text.fill("intro"); }), "99_test.md, section \"intro\": no value for {{steps}}");
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)text.fill("intro", {{"steps", 1}, {"seeds", 3}}); }),
                 "a value for {{seeds}}, which the text does not have");
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)text.fill("outro"); }), "no section \"outro\"");
  // Parsing: every way the two halves can disagree.
  auto problem = [](const std::string& markdown) {
    return message_of<std::logic_error>([&] { NarrationText bad(markdown, "bad.md"); });
  };
  CHECK_CONTAINS(problem("## English\n### a\nA {{x}}.\n## 한국어\n### a\n가 {{y}}.\n"), "different {{slots}}");
  CHECK_CONTAINS(problem("## English\n### a\nA.\n### b\nB.\n## 한국어\n### a\n가.\n"), "lacks the section \"b\"");
  CHECK_CONTAINS(problem("## English\n### a\nA.\n## 한국어\n### b\n가.\n"), "the Korean half has \"b\" where the English half has \"a\"");
  CHECK_CONTAINS(problem("## English\n### a\nA.\n## 한국어\n### a\nA.\n"), "Korean");
  CHECK_CONTAINS(problem("## English\n### a\nA.\n### a\nB.\n"), "the section \"a\" twice");
  CHECK_CONTAINS(problem("## English\nloose text\n"), "bad.md:2: text outside a section");
  CHECK_CONTAINS(problem("## Deutsch\n"), "expected \"## English\"");
  CHECK_CONTAINS(problem("## English\n### a\nA {{x.\n## 한국어\n### a\n가 {{x.\n"), "without its }}");
  CHECK_CONTAINS(problem("## English\n### a\n\n## 한국어\n### a\n가.\n"), "no text in English");
}

TEST_CASE("wrapping counts Hangul as two columns") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("게이트") == 6);
  CHECK(display_width("LSTM의 셀") == 9);
  // 8 words of 2 Hangul syllables: 4 columns each plus a space; at width 20 (indent 0) four words fit a line.
  const std::string wrapped = wrap("가나 다라 마바 사아 자차 카타 파하 가나", 20, 0);
  CHECK(wrapped == "가나 다라 마바 사아\n자차 카타 파하 가나\n");
}

TEST_CASE("line charts are well-formed SVG with every series") {
  plot::LineChart chart;
  chart.title = "gradients & <norms>";
  chart.x_label = "T";
  chart.y_label = "norm (log scale)";
  chart.log_y = true;
  chart.series = {{"rho = 0.9", {1, 2, 3}, {1, 1e-3, 1e-6}, "", true, false},
                  {"rho = 1.5", {1, 2, 3}, {1, 10, 100}, "", false, true},
                  {"with a gap", {1, 2, 3}, {1, std::nan(""), 0.5}, "", false, false}};
  chart.reference_lines = {{1e-5, "1e-5"}};
  const std::string svg = chart.svg();
  INFO(svg);
  CHECK(xml_problem(svg) == "");
  // Drawn twice: on the log axis, and on the hidden linear one the course page can swap in.
  CHECK(count(svg, "<g class=\"scale\"") == 2);
  CHECK(count(svg, "display=\"none\"") == 1);
  CHECK(count(svg, "<polyline") == 2 * 4);  // the gap splits the third series in two
  CHECK(count(svg, "<circle") == 2 * 3);    // markers of the first series
  CHECK_CONTAINS(svg, "norm (linear scale)");
  // What hovering reads: each series' drawn points in data units, and the axes' mapping.
  CHECK_CONTAINS(svg, "data-name=\"with a gap\" data-color=\"#009E73\" data-values=\"1,1 3,0.5\"");
  CHECK_CONTAINS(svg, "data-axes=\"1 3 74.00 ");
  CHECK_CONTAINS(svg, "rho = 0.9");
  CHECK_CONTAINS(svg, "rho = 1.5");
  CHECK_CONTAINS(svg, "gradients &amp; &lt;norms&gt;");
  CHECK_CONTAINS(svg, "1e-6");  // a log axis labels decades
  const std::string text = chart.text();
  CHECK_CONTAINS(text, "rho = 0.9");
  CHECK_CONTAINS(text, "log scale");
}

TEST_CASE("the course pages link the lessons in order and carry their charts inline") {
  const auto lessons = site::course();
  REQUIRE(lessons.size() >= 23);
  CHECK(lessons.front().slug == "01_sequence_data");
  CHECK(lessons.front().title_en == "Sequence data");
  CHECK(lessons[18].title_en == "One in, sequence out; sequence to sequence");  // a ';' survives CMake
  for (std::size_t i = 0; i < lessons.size(); ++i) CHECK(lessons[i].number == static_cast<int>(i) + 1);

  const std::string first = site::lesson_navigation(1, false), last = site::lesson_navigation(23, true);
  CHECK(count(first, "<a href=") == 2);  // the course and lesson 02
  CHECK_CONTAINS(first, "<a href=\"../02_autograd/index.html\">02 ");
  CHECK_CONTAINS(first, "setLanguage('ko')");
  CHECK_CONTAINS(last, "<a href=\"../22_recommendations/index.html\">&larr; 22 ");
  CHECK_CONTAINS(last, "href=\"#top\"");

  plot::LineChart chart{.title = "t", .series = {{.name = "a", .x = {0, 1}, .y = {1, 2}}}};
  const std::string inline_chart = site::inline_svg(chart.svg(), "curves");
  CHECK(count(inline_chart, "id=\"curves-plot-area\"") == 1);
  CHECK(count(inline_chart, "url(#curves-plot-area)") == 1);
  CHECK(count(inline_chart, "plot-area") == 2);

  const std::string page = site::page("a page", Language::en,
                                      "<h1>x</h1><!--overview--><p>the point</p><!--/overview-->"
                                      "<figure data-file=\"a.svg\" id=\"a\"></figure><figure data-file=\"b.svg\" id=\"b\"></figure>");
  CHECK(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"));
  const std::string body = page.substr(page.find('>', page.find("<body")) + 1);
  CHECK(xml_problem(body.substr(0, body.find("<script>"))) == "");
  CHECK(site::overview(page) == "<p>the point</p>");
  CHECK(site::plot_files(page) == std::vector<std::string>{"a.svg", "b.svg"});
  CHECK(site::overview("<p>no overview</p>") == "");

  // The exercises' Markdown: headings, paragraphs joined, lists with continued items, code blocks, `code`.
  CHECK(site::markdown_html("# Exercise 9 - x < y\n\nOne\nparagraph with `a<b`.\n\n## Change\n- first\n  continued\n"
                            "- second\n1. one\n\n    code & more\n    line 2\n") ==
        "<h3>Exercise 9 - x &lt; y</h3>\n<p>One paragraph with <code>a&lt;b</code>.</p>\n<h4>Change</h4>\n"
        "<ul><li>first continued</li><li>second</li></ul>\n<ol><li>one</li></ol>\n"
        "<pre><code>code &amp; more\nline 2\n</code></pre>\n");

  // Code regions: the lines between the markers, their common indentation removed; a region that never ends is
  // an error naming the file and line.
  const std::string source = "int a;\n  // >>> two\n  int b;\n    int c;\n  // <<< two\n// >>> open\nint d;\n";
  const std::optional<site::Region> two = site::find_region(source, "two", "x.cpp");
  REQUIRE(two.has_value());
  CHECK(two->first_line == 3);
  CHECK(two->last_line == 4);
  CHECK(two->code == "int b;\n  int c;\n");
  CHECK_FALSE(site::find_region(source, "none", "x.cpp").has_value());
  CHECK(message_of<std::logic_error>([&] { (void)site::find_region(source, "open", "x.cpp"); }) ==
        "x.cpp:6: the region \"open\" never ends (// <<< open)");
  const std::string source_page = site::source_page("x.cpp", source, "<a href=\"../index.html\">back</a>");
  CHECK_CONTAINS(source_page, "<span class=\"line\" id=\"L3\"><a class=\"number\" href=\"#L3\">3</a>  int b;</span>");
  CHECK_CONTAINS(source_page, "<span class=\"comment\">// &gt;&gt;&gt; two</span>");
  CHECK(site::source_page_name("lessons/common/x.cpp") == "source/lessons-common-x.cpp.html");
}

TEST_CASE("a reference line's label goes where no line runs") {
  // A series just above the reference line at y = 1 all the way across: the label goes below the line.
  plot::LineChart chart{.series = {{.name = "s", .x = {0, 10}, .y = {1.05, 1.05}}},
                        .reference_lines = {{1, "the mean"}},
                        .y_min = 0,
                        .y_max = 2};
  const std::string svg = chart.svg();
  const std::size_t line = svg.find("stroke-dasharray=\"6 4\"");
  REQUIRE(line != std::string::npos);
  const std::size_t y1 = svg.rfind("y1=\"", line) + 4;
  const double line_y = std::stod(svg.substr(y1));
  const std::size_t label = svg.find(">the mean<");
  REQUIRE(label != std::string::npos);
  const std::size_t text_y = svg.rfind(" y=\"", label) + 4;
  CHECK(std::stod(svg.substr(text_y)) > line_y);  // below it (SVG's y grows downwards)
}

TEST_CASE("bar charts and heat maps are well-formed SVG") {
  plot::BarChart bars;
  bars.title = "MSE by phase";
  bars.categories = {"a", "b", "a XOR b"};
  bars.series = {{"k = 1", {0.25, 0.25, 0.25}, ""}, {"k = 2", {0.27, 0.27, 0.11}, ""}};
  bars.reference_lines = {{0.25, "chance"}};
  const std::string svg = bars.svg();
  CHECK(xml_problem(svg) == "");
  CHECK(count(svg, "<rect") == 6 + 3);  // six bars, the background, the clip area and the frame
  CHECK_CONTAINS(bars.text(), "a XOR b");

  plot::HeatMap heat;
  heat.title = "||dL/dh_t||";
  heat.rows = 3;
  heat.cols = 4;
  heat.values = {1e-9, 1e-6, 1e-3, 1, 1e-8, 1e-5, 1e-2, 1, 1e-7, 1e-4, 0, 1};
  heat.log_scale = true;
  heat.paths = {{"path", {0, 1, 2}, {0, 1, 2}, "#ffffff", true, false}};
  const std::string map = heat.svg();
  CHECK(xml_problem(map) == "");
  CHECK(count(map, "<polyline") == 1);
  // The cells are one PNG, a pixel a cell, the top row first; the zero (row 2, column 2) has no log: grey.
  const std::string marker = "href=\"data:image/png;base64,";
  REQUIRE(count(map, marker) == 1);
  const std::size_t begin = map.find(marker) + marker.size();
  const std::string png = base64_decode(map.substr(begin, map.find('"', begin) - begin));
  REQUIRE(png.size() > 33 + 8 + 7 + 1 + 9);
  CHECK(png.substr(1, 3) == "PNG");
  CHECK(png.substr(16, 8) == std::string("\0\0\0\x04\0\0\0\x03", 8));  // IHDR: 4 wide, 3 high
  const std::size_t first_row = 33 + 8 + 2 + 5;  // the IDAT chunk's header, zlib's, the stored block's
  CHECK(png[first_row] == 0);                    // filter type: none
  for (int k = 0; k < 3; ++k) CHECK(static_cast<unsigned char>(png[first_row + 1 + 2 * 3 + k]) == 221);
}

TEST_CASE("png checksums and base64 and a stored image") {
  CHECK(png::crc32("123456789") == 0xCBF43926UL);  // the standard check values
  CHECK(png::adler32("Wikipedia") == 0x11E60398UL);
  CHECK(png::base64("Man") == "TWFu");
  CHECK(png::base64("Ma") == "TWE=");
  CHECK(png::base64("M") == "TQ==");
  // One red pixel: the signature, IHDR, IDAT with the zlib stream of the row "\0 ff 00 00", IEND; every chunk's
  // CRC covers its type and data.
  const std::string image = png::encode_rgb(1, 1, {255, 0, 0});
  CHECK(image.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  std::size_t at = 8;
  std::vector<std::string> types;
  while (at + 12 <= image.size()) {
    const std::size_t length = static_cast<unsigned char>(image[at]) << 24 | static_cast<unsigned char>(image[at + 1]) << 16 |
                               static_cast<unsigned char>(image[at + 2]) << 8 | static_cast<unsigned char>(image[at + 3]);
    const std::string body = image.substr(at + 4, 4 + length);
    types.push_back(body.substr(0, 4));
    unsigned long crc = 0;
    for (int k = 0; k < 4; ++k) crc = crc << 8 | static_cast<unsigned char>(image[at + 8 + length + k]);
    CHECK(crc == png::crc32(body));
    if (types.back() == "IDAT") {
      const std::string zlib = body.substr(4);
      CHECK(zlib.substr(0, 2) == "\x78\x01");
      CHECK(zlib.substr(2, 5) == std::string("\x01\x04\x00\xfb\xff", 5));  // final stored block, 4 bytes
      CHECK(zlib.substr(7, 4) == std::string("\x00\xff\x00\x00", 4));
      CHECK(zlib.size() == 15);  // then the Adler-32 of the 4 bytes
    }
    at += 12 + length;
  }
  CHECK(at == image.size());
  CHECK(types == std::vector<std::string>{"IHDR", "IDAT", "IEND"});
  CHECK_THROWS_AS(png::encode_rgb(2, 2, {1, 2, 3}), std::invalid_argument);
}

TEST_CASE("json numbers and strings") {
  CHECK(json_number(0.1) == "0.10000000000000001");
  CHECK(json_number(std::nan("")) == "null");
  CHECK(json_string("a \"quote\"\n") == "\"a \\\"quote\\\"\\n\"");
}

}  // TEST_SUITE
