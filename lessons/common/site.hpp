// The course's web pages. Each lesson writes its own page (Report::finish: index.html in the lesson's folder) and
// run_course writes the course's index over them. Every page stands alone: its stylesheet and scripts are inline,
// its images and links relative, and it needs no network, so it opens straight from disk (or from any static
// server) in any folder.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/common/narration.hpp"
#include "lessons/common/options.hpp"

namespace rnnlab::lessons::site {

struct LessonEntry {
  int number;
  std::string_view slug, title_en, title_ko;
};

// A lesson's number as the course writes it: "08".
std::string lesson_number(int number);

// Every lesson of the course in order, from the lessons' narrations (lessons/common/outline.cmake, at build time).
std::span<const LessonEntry> course();

// A complete page: doctype, charset, the course's stylesheet, its scripts (the language switch; hovering a chart's
// line reads its values; a log axis can switch to a linear one) and `body`. `first` is the language shown first.
std::string page(const std::string& title, Language first, const std::string& body);

// The web build (lessons/web/) runs each lesson in its page: its pages carry a run panel, the native build's do not.
#if defined(__EMSCRIPTEN__)
inline constexpr bool runs_in_page = true;
#else
inline constexpr bool runs_in_page = false;
#endif

// The panel that runs lesson `slug` again in the page (in a Web Worker, lessons/web/worker.js, from the module
// slug.js beside the page) with the seed and configuration the learner picks, shows what it prints as it runs, and
// puts the new run's results in place of the page's. `options` are the run that wrote the page; `settings` the
// lesson's settings (--set) with their values in that run, each a field.
std::string run_panel(const std::string& slug, const Options& options,
                      const std::vector<std::pair<std::string, std::string>>& settings);

// The bar at the top (bottom: false) or bottom of lesson `number`'s page: the previous lesson, the course index,
// the next lesson; the top bar holds the language switch, the bottom one a link back to the top.
std::string lesson_navigation(int number, bool bottom);

// Text in both languages, escaped: <span class="en">...</span><span class="ko" lang="ko">...</span>; the page
// shows one.
std::string both_languages(std::string_view en, std::string_view ko);
std::string both_languages(const Narration& text);

// An SVG made to sit in a page beside others: without the XML prolog, its ids (every chart has "plot-area")
// prefixed with `scope`.
std::string inline_svg(const std::string& svg, const std::string& scope);

// A region of code marked for the pages: the lines between `// >>> name` and `// <<< name` (each marker alone on its
// line), with their common indentation removed; first_line counts from 1. Empty when `text` marks no such region;
// throws std::logic_error naming `path` for a region that never ends.
struct Region {
  std::size_t first_line = 0, last_line = 0;
  std::string code;
};
std::optional<Region> find_region(std::string_view text, const std::string& name, std::string_view path);

// The page of a whole source file, every line numbered and anchored (#L12 links to line 12, highlighted);
// `back` is the link back to the lesson's page and its label.
std::string source_page(std::string_view path, std::string_view text, const std::string& back);
// The file name of that page in the lesson's folder: "source/autograd-cells.cpp.html".
std::string source_page_name(std::string_view path);

// The little Markdown the exercises' texts use, as HTML: "#" and "##" headings (as h3 and h4), paragraphs, "- " and
// "1. " lists (an indented line continues the item above it), code blocks indented by four spaces, `code`.
std::string markdown_html(std::string_view markdown);

// What the course index takes from a lesson page: the block between <!--overview--> and <!--/overview--> (the
// lesson's point and its claims), and its plots' files, in the page's order.
std::string overview(const std::string& lesson_page);
std::vector<std::string> plot_files(const std::string& lesson_page);

}  // namespace rnnlab::lessons::site
