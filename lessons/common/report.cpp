#include "lessons/common/report.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "lessons/common/plot.hpp"

namespace rnnlab::lessons {

std::string wrap(const std::string& text, std::size_t width, std::size_t indent) {
  std::string out, line;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() + indent > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
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

}  // namespace

Report::Report(const LessonInfo& info, const Options& options) : info_(info), options_(options) {
  std::filesystem::create_directories(options.out);
  char heading[64];
  std::snprintf(heading, sizeof heading, "%02d", info.number);
  std::printf("\n== Lesson %s: %s%s ==\n\n", heading, info.title.c_str(), options.quick ? " (quick)" : "");
  std::printf("%s\n", wrap(info.history).c_str());
  card_ += "<section id=\"lesson-" + std::string(heading) + "\">\n<h2>" + heading + " &mdash; " +
           plot::escape_xml(info.title) + "</h2>\n<p class=\"history\">" + plot::escape_xml(info.history) + "</p>\n";
}

void Report::say(const std::string& paragraph) {
  std::printf("%s\n", wrap(paragraph).c_str());
  std::fflush(stdout);
  card_ += "<p>" + plot::escape_xml(paragraph) + "</p>\n";
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

void Report::plot(const std::string& file, const std::string& svg, const std::string& caption, const std::string& terminal) {
  write(file, svg);
  if (!terminal.empty()) std::printf("\n%s\n", terminal.c_str());
  const std::string folder = std::filesystem::path(options_.out).filename().string();
  card_ += "<figure><img src=\"" + plot::escape_xml(folder + "/" + file) + "\" alt=\"" + plot::escape_xml(caption) +
           "\"><figcaption>" + plot::escape_xml(caption) + "</figcaption></figure>\n";
  std::printf("  plot: %s/%s  (%s)\n", options_.out.c_str(), file.c_str(), caption.c_str());
}

std::string Report::write(const std::string& file, const std::string& content) {
  const std::string path = (std::filesystem::path(options_.out) / file).string();
  plot::save(path, content);
  return path;
}

void Report::block(const std::string& text) {
  std::printf("%s\n", text.c_str());
  card_ += "<pre>" + plot::escape_xml(text) + "</pre>\n";
}

int Report::finish() {
  std::size_t passed = 0;
  for (const Claim& c : claims_) passed += c.passed;

  std::string json = "{\n  \"lesson\": " + std::to_string(info_.number) + ",\n  \"slug\": " + json_string(info_.slug) +
                     ",\n  \"title\": " + json_string(info_.title) + ",\n  \"quick\": " + (options_.quick ? "true" : "false") +
                     ",\n  \"seed\": " + std::to_string(options_.seed) + ",\n  \"figures\": {";
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

  std::string table = "<table class=\"claims\">\n<tr><th>claim</th><th>measured</th><th>criterion</th><th></th></tr>\n";
  for (const Claim& c : claims_) {
    table += "<tr><td>" + plot::escape_xml(c.text) + "</td><td>" + format_value(c.measured) + "</td><td>" +
             plot::escape_xml(c.criterion) + "</td><td class=\"" + std::string(c.passed ? "pass" : "fail") + "\">" +
             (c.passed ? "pass" : "FAIL") + "</td></tr>\n";
  }
  table += "</table>\n";
  std::string figures;
  if (!figures_.empty()) {
    figures = "<table class=\"figures\">\n";
    for (const Figure& f : figures_) {
      figures += "<tr><td>" + plot::escape_xml(f.name) + "</td><td>" + format_value(f.value) + " " +
                 plot::escape_xml(f.unit) + "</td></tr>\n";
    }
    figures += "</table>\n";
  }
  // Claims first: the card opens with the verdicts, then the numbers, then the story and plots.
  const std::size_t after_history = card_.find("</p>\n") + 5;
  std::string card = card_.substr(0, after_history) + table + figures + card_.substr(after_history) + "</section>\n";
  write("card.html", card);

  std::printf("\n  %zu of %zu claims hold. Output: %s\n", passed, claims_.size(), options_.out.c_str());
  return passed == claims_.size() ? 0 : 1;
}

}  // namespace rnnlab::lessons
