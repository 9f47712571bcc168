#include "lessons/common/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "lessons/common/input.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/site.hpp"

namespace rnnlab::lessons {

namespace {

// East Asian wide characters: Hangul, CJK ideographs and punctuation, full-width forms.
bool is_wide(char32_t c) {
  return is_hangul(c) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60);
}

}  // namespace

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (char32_t c : code_points(text)) width += is_wide(c) ? 2 : 1;
  return width;
}

std::string wrap(const std::string& text, std::size_t width, std::size_t indent) {
  std::string out, line;
  std::istringstream words(text);
  std::string word;
  std::size_t line_width = 0;
  while (words >> word) {
    const std::size_t word_width = display_width(word);
    if (!line.empty() && line_width + 1 + word_width + indent > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
      line_width = 0;
    }
    line_width += (line.empty() ? 0 : 1) + word_width;
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += std::string(indent, ' ') + line + "\n";
  return out;
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

namespace {

std::string format_value(double v) {
  if (v == 0) return "0";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, std::abs(v) >= 1e-3 && std::abs(v) < 1e5 ? "%.4g" : "%.3e", v);
  return buffer;
}

// The lesson's exercises travel with its source files: lessons/exercises/NN_name.md (lessons/CMakeLists.txt).
bool is_exercise(const SourceFile& file) {
  return file.path.starts_with("lessons/exercises/") && file.path.ends_with(".md");
}

}  // namespace

Report::Report(const LessonInfo& info, const Options& options, const std::vector<Setting>& settings)
    : info_(info), narration_(info.narration, info.slug + ".md"), options_(options) {
  for (const Setting& s : settings) settings_.emplace_back(s.name(), s.value());
  std::error_code error;
  std::filesystem::create_directories(options.out, error);
  if (error || !std::filesystem::is_directory(options.out, error)) {
    throw InputError("--out " + options.out + ": cannot create that folder (" +
                     (error ? error.message() : std::string("a file of that name is in the way")) + ")");
  }
  const std::string heading = site::lesson_number(info.number);
  const bool korean = options.language == Language::ko;
  const Narration title = narration_.fill("title"), history = narration_.fill("history");
  std::printf("\n== %s %s: %s%s ==\n\n", korean ? "레슨" : "Lesson", heading.c_str(), title.in(options.language).c_str(),
              options.quick ? (korean ? " (빠른 설정)" : " (quick)") : "");
  std::printf("%s\n", wrap(history.in(options.language)).c_str());
}

namespace {

std::vector<std::string> paragraphs(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find("\n\n", start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 2;
  }
}

}  // namespace

std::vector<Narration> Report::said_paragraphs(const std::string& key, const std::vector<Slot>& slots) {
  const Narration text = narration_.fill(key, slots);
  said_.push_back(key);
  const std::vector<std::string> en = paragraphs(text.en), ko = paragraphs(text.ko);
  if (en.size() != ko.size()) {
    throw std::logic_error(narration_.source() + ", section \"" + key + "\": " + std::to_string(en.size()) +
                           " paragraphs in English, " + std::to_string(ko.size()) + " in Korean");
  }
  std::vector<Narration> out;
  for (std::size_t p = 0; p < en.size(); ++p) out.emplace_back(en[p], ko[p]);
  return out;
}

void Report::say(const std::string& key, const std::vector<Slot>& slots) {
  for (const Narration& paragraph : said_paragraphs(key, slots)) {
    std::printf("%s\n", wrap(paragraph.in(options_.language)).c_str());
    body_ += "<p>" + site::both_languages(paragraph) + "</p>\n";
  }
  std::fflush(stdout);
}

void Report::skip(const std::string& key) {
  (void)narration_.slots(key);  // throws for a key the narration does not have
  said_.push_back(key);
}

void Report::figure(const std::string& name, double value, const std::string& unit) {
  figures_.push_back({name, value, unit, false});
  std::printf("  %-52s %s %s\n", name.c_str(), format_value(value).c_str(), unit.c_str());
}

void Report::timing(const std::string& name, double value, const std::string& unit) {
  figures_.push_back({name, value, unit, true});
  std::printf("  %-52s %s %s\n", name.c_str(), format_value(value).c_str(), unit.c_str());
}

void Report::text(const std::string& name, const std::string& value) { texts_.emplace_back(name, value); }

void Report::claim(const Claim& c) {
  claims_.push_back(c);
  std::printf("  [%s] %s: %s (criterion: %s)\n", c.passed ? "PASS" : "FAIL", c.text.c_str(), format_value(c.measured).c_str(),
              c.criterion.c_str());
}

void Report::claims(const std::vector<Claim>& cs) {
  for (const Claim& c : cs) claim(c);
}

void Report::plot(const std::string& file, const std::string& svg, const std::vector<Slot>& caption_slots,
                  const std::string& terminal, const std::string& caption_key) {
  const std::string key = caption_key.empty() ? file : caption_key;
  const Narration caption = narration_.fill(key, caption_slots);
  said_.push_back(key);
  write(file, svg);
  if (!terminal.empty()) std::printf("\n%s\n", terminal.c_str());
  // A chart (lines or bars) sits inline on the page, where hovering reads its values (the script, or a bar's own
  // <title>) and a log axis can switch to linear; heat maps and drawings are images.
  const std::string stem = std::filesystem::path(file).stem().string();
  const bool chart = svg.find("<svg class=\"chart\"") != std::string::npos;
  body_ += "<figure data-file=\"" + plot::escape_xml(file) + "\" id=\"" + plot::escape_xml(stem) + "\">\n" +
           (chart ? site::inline_svg(svg, stem)
                       : "<img src=\"" + plot::escape_xml(file) + "\" alt=\"" + plot::escape_xml(caption.en) + "\">\n") +
           "<figcaption>" + site::both_languages(caption) + " <a href=\"" + plot::escape_xml(file) + "\">" +
           plot::escape_xml(file) + "</a></figcaption></figure>\n";
  std::printf("  plot: %s/%s  (%s)\n", options_.out.c_str(), file.c_str(), caption.in(options_.language).c_str());
}

void Report::code(const std::string& key, const std::vector<Slot>& caption_slots) {
  const Narration caption = narration_.fill(key, caption_slots);
  said_.push_back(key);
  std::optional<site::Region> region;
  std::string_view path;
  for (const SourceFile& file : info_.sources) {
    std::optional<site::Region> found = site::find_region(file.text, key, file.path);
    if (!found) continue;
    if (region) {
      throw std::logic_error(info_.slug + ": both " + std::string(path) + " and " + std::string(file.path) +
                             " mark the region \"" + key + "\"");
    }
    region = std::move(found);
    path = file.path;
  }
  if (!region) {
    throw std::logic_error(info_.slug + ": no source file it shows marks the region \"" + key + "\" (// >>> " + key +
                           " ... // <<< " + key + "; lessons/CMakeLists.txt names the files after SHOWS)");
  }
  const std::string where = std::string(path) + ":" + std::to_string(region->first_line);
  body_ += "<figure class=\"code\" id=\"code-" + plot::escape_xml(key) + "\"><figcaption>" + site::both_languages(caption) +
           " <a href=\"" + site::source_page_name(path) + "#L" + std::to_string(region->first_line) + "\">" +
           plot::escape_xml(where) + "</a></figcaption>\n<pre><code>" + plot::escape_xml(region->code) +
           "</code></pre></figure>\n";
  std::printf("  code on the page: %s-%zu\n", where.c_str(), region->last_line);
}

void Report::try_next(const std::vector<Slot>& slots) {
  const bool korean = options_.language == Language::ko;
  std::printf("%s\n", korean ? "  다음에 해 볼 것:" : "  Try next:");
  std::string items;
  for (const Narration& item : said_paragraphs("try-next", slots)) {
    std::printf("  -%s\n", wrap(item.in(options_.language), 100, 4).substr(3).c_str());
    items += "<li>" + site::both_languages(item) + "</li>\n";
  }
  // The figures in the items are the full configuration's, seed 0 unless they say otherwise.
  const std::string rebuild = "cmake --build --preset release --target " + info_.slug + "\n" + RNNLAB_PROGRAM_DIR + "/" +
                              info_.slug;
  body_ += "<h2>" + site::both_languages("Try next", "다음에 해 볼 것") + "</h2>\n<p>" +
           site::both_languages("Each is a change to config() in lessons/" + info_.slug +
                                    ".cpp (or the line named); then rebuild the lesson and run it (the numbers quoted are "
                                    "the full run's):",
                                "각각 lessons/" + info_.slug + ".cpp의 config()(또는 적힌 줄)를 바꾸는 것이다. 그다음 레슨을 "
                                "다시 빌드하고 실행한다(적힌 수치는 전체 실행의 것이다):") +
           "</p>\n<pre><code>" + plot::escape_xml(rebuild) + "</code></pre>\n<ul class=\"try-next\">\n" + items + "</ul>\n";
  std::fflush(stdout);
}

std::string Report::write(const std::string& file, const std::string& content) {
  const std::string path = (std::filesystem::path(options_.out) / file).string();
  plot::save(path, content);
  return path;
}

void Report::block(const std::string& text) {
  std::printf("%s\n", text.c_str());
  body_ += "<pre>" + plot::escape_xml(text) + "</pre>\n";
}

int Report::finish() {
  if (!narration_.has("try-next")) {
    throw std::logic_error(narration_.source() + ": no section \"try-next\" (every lesson ends with changes to try)");
  }
  for (const std::string& key : narration_.keys()) {
    const bool info_section = key == "title" || key == "history" || key == "story";
    if (!info_section && std::find(said_.begin(), said_.end(), key) == said_.end()) {
      throw std::logic_error(narration_.source() + ": the section \"" + key +
                             "\" is never said by the lesson (say it, or skip it where a run leaves it out)");
    }
  }
  std::size_t passed = 0;
  for (const Claim& c : claims_) passed += c.passed;

  std::string json = "{\n  \"lesson\": " + std::to_string(info_.number) + ",\n  \"slug\": " + json_string(info_.slug) +
                     ",\n  \"title\": " + json_string(narration_.fill("title").en) +
                     ",\n  \"quick\": " + (options_.quick ? "true" : "false") +
                     ",\n  \"seed\": " + std::to_string(options_.seed) + ",\n  \"settings\": {";
  for (std::size_t i = 0; i < options_.settings.size(); ++i) {
    json += std::string(i ? ", " : "") + json_string(options_.settings[i].first) + ": " +
            json_string(options_.settings[i].second);
  }
  json += "},\n  \"figures\": {";
  // {"name": {"value": v, "unit": u}, ...} of the figures that are (or are not) timings.
  auto figures_json = [&](bool timings) {
    std::string out;
    for (const Figure& f : figures_) {
      if (f.timing != timings) continue;
      out += std::string(out.empty() ? "" : ",") + "\n    " + json_string(f.name) + ": {\"value\": " +
             json_number(f.value) + ", \"unit\": " + json_string(f.unit) + "}";
    }
    return out + (out.empty() ? "" : "\n  ");
  };
  json += figures_json(false) + "},\n  \"texts\": {";
  for (std::size_t i = 0; i < texts_.size(); ++i) {
    json += std::string(i ? "," : "") + "\n    " + json_string(texts_[i].first) + ": " + json_string(texts_[i].second);
  }
  json += std::string(texts_.empty() ? "" : "\n  ") + "},\n  \"claims\": [";
  for (std::size_t i = 0; i < claims_.size(); ++i) {
    const Claim& c = claims_[i];
    json += std::string(i ? "," : "") + "\n    {\"claim\": " + json_string(c.text) + ", \"measured\": " + json_number(c.measured) +
            ", \"criterion\": " + json_string(c.criterion) + ", \"passed\": " + (c.passed ? "true" : "false") + "}";
  }
  json += std::string(claims_.empty() ? "" : "\n  ") + "],\n  \"all_claims_passed\": " +
          (passed == claims_.size() ? "true" : "false") + "\n}\n";
  write("summary.json", json);
  const std::string timings = figures_json(true);
  if (!timings.empty()) write("timings.json", "{\n  \"lesson\": " + std::to_string(info_.number) + ",\n  \"timings\": {" + timings + "}\n}\n");

  write("index.html", page());
  // The source files the page links to, whole, every line anchored.
  if (!info_.sources.empty()) {
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(options_.out) / "source", error);
    const std::string back = "<a href=\"../index.html\">&larr; " + site::lesson_number(info_.number) + " " +
                             site::both_languages(narration_.fill("title")) + "</a>";
    for (const SourceFile& file : info_.sources) {
      if (!is_exercise(file)) write(site::source_page_name(file.path), site::source_page(file.path, file.text, back));
    }
  }
  std::printf("\n  %zu of %zu claims hold. Output: %s\n", passed, claims_.size(), options_.out.c_str());
  return passed == claims_.size() ? 0 : 1;
}

std::string Report::page() const {
  const std::string number = site::lesson_number(info_.number);
  const Narration title = narration_.fill("title"), history = narration_.fill("history"), story = narration_.fill("story");
  std::string claims = "<table class=\"claims\">\n<tr><th>claim</th><th>measured</th><th>criterion</th><th></th></tr>\n";
  for (const Claim& c : claims_) {
    claims += "<tr><td>" + plot::escape_xml(c.text) + "</td><td>" + format_value(c.measured) + "</td><td>" +
              plot::escape_xml(c.criterion) + "</td><td class=\"" + std::string(c.passed ? "pass" : "fail") + "\">" +
              (c.passed ? "pass" : "FAIL") + "</td></tr>\n";
  }
  claims += "</table>\n";
  std::string figures;
  if (!figures_.empty()) {
    figures = "<details class=\"figures\"><summary>" + site::both_languages("Every number this run measured", "이 실행이 잰 모든 수치") +
              "</summary>\n<table>\n";
    for (const Figure& f : figures_) {
      figures += "<tr><td>" + plot::escape_xml(f.name) + "</td><td>" + format_value(f.value) + " " +
                 plot::escape_xml(f.unit) + "</td></tr>\n";
    }
    figures += "</table></details>\n";
  }
  // The command that made this page: the same seed writes the same numbers.
  std::string command = std::string(RNNLAB_PROGRAM_DIR) + "/" + info_.slug + (options_.quick ? " --quick" : "") +
                        " --seed " + std::to_string(options_.seed);
  for (const auto& [name, value] : options_.settings) command += " --set " + name + "=" + value;
  if (!options_.data.empty()) command += " --data " + options_.data;
  std::string sources, exercises;
  for (const SourceFile& file : info_.sources) {
    if (is_exercise(file)) {
      // The text's first line is its title; the rest, rendered, opens under it.
      const std::size_t end = file.text.find('\n');
      const std::string_view title = file.text.substr(0, end).substr(file.text.starts_with("# ") ? 2 : 0);
      exercises += "<details class=\"exercise\"><summary>" + plot::escape_xml(std::string(title)) + "</summary>\n" +
                   site::markdown_html(file.text.substr(std::min(end, file.text.size()))) + "</details>\n";
      continue;
    }
    sources += std::string(sources.empty() ? "" : ", ") + "<a href=\"" + site::source_page_name(file.path) + "\"><code>" +
               plot::escape_xml(std::string(file.path)) + "</code></a>";
  }
  if (!exercises.empty()) {
    exercises = "<h2>" + site::both_languages("Exercises", "연습 문제") + "</h2>\n<p>" +
                site::both_languages("Change the code yourself; doctest checks tell you when you are done (cmake --workflow "
                                     "--preset exercises runs them all; lessons/exercises/ has the stubs you edit).",
                                     "코드를 직접 바꿔 본다. 다 되었는지는 doctest 검사가 알려 준다(cmake --workflow --preset "
                                     "exercises가 모두 돌린다. 고칠 뼈대는 lessons/exercises/에 있다). 문제의 글은 영어다.") +
                "</p>\n" + exercises;
  }
  if (!sources.empty()) sources = "<p class=\"sources\">" + site::both_languages("The code:", "코드:") + " " + sources + "</p>\n";
  const std::string body =
      site::lesson_navigation(info_.number, false) + "<h1>" + number + " &middot; " + site::both_languages(title) +
      "</h1>\n<p class=\"history\">" + site::both_languages(history) + "</p>\n<!--overview-->\n<p class=\"story\">" +
      site::both_languages(story) + "</p>\n" + claims + "<!--/overview-->\n<p class=\"command\">" +
      site::both_languages("Made by this command (the same seed gives the same numbers; add --lang ko for the narration in Korean):",
                           "이 명령이 만든 페이지다(같은 시드는 같은 수치를 낸다. 해설을 한국어로 보려면 --lang ko를 더한다):") +
      "</p>\n<pre><code>" + plot::escape_xml(command) + "</code></pre>\n" +
      (site::runs_in_page ? site::run_panel(info_.slug, options_, settings_) : "") + sources + figures + body_ + exercises +
      site::lesson_navigation(info_.number, true);
  return site::page(number + " · " + title.en + " — rnnlab", options_.language, body);
}

}  // namespace rnnlab::lessons
