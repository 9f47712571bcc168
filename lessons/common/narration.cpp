#include "lessons/common/narration.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "lessons/common/plot.hpp"

namespace rnnlab::lessons {

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 1;
    if (length == 1 || i + length > text.size()) {
      out.push_back(lead);
      ++i;
      continue;
    }
    char32_t c = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    out.push_back(c);
    i += length;
  }
  return out;
}

bool is_hangul(char32_t c) {
  return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F);
}

Narration::Narration(std::string english, std::string korean) : en(std::move(english)), ko(std::move(korean)) {
  const auto points = code_points(ko);
  if (en.empty() || std::none_of(points.begin(), points.end(), is_hangul)) {
    throw std::logic_error("Narration: every text needs its English and its Korean version; missing for \"" +
                           (en.empty() ? ko : en) + "\"");
  }
}

Slot::Slot(std::string name, double value) : name(std::move(name)), value(plot::format_number(value)) {}

namespace {

// The names of the {{slots}} in `text`, sorted and without repeats.
std::set<std::string> slot_names(const std::string& text, const std::string& where) {
  std::set<std::string> names;
  for (std::size_t at = text.find("{{"); at != std::string::npos; at = text.find("{{", at + 2)) {
    const std::size_t end = text.find("}}", at + 2);
    if (end == std::string::npos) throw std::logic_error(where + ": a {{ without its }}");
    names.insert(text.substr(at + 2, end - at - 2));
  }
  return names;
}

std::string trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t\r") - first + 1));
}

}  // namespace

NarrationText::NarrationText(std::string_view markdown, std::string source) : source_(std::move(source)) {
  // One pass over the lines: "## English" / "## 한국어" switch the half, "### key" opens a section, other lines
  // are text (joined with spaces; a blank line separates paragraphs). The first half defines the sections.
  enum Half { none, english, korean } half = none;
  std::size_t korean_count = 0;  // sections seen so far in the Korean half
  std::string* text = nullptr;
  bool blank_before = false;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start <= markdown.size();) {
    const std::size_t end = std::min(markdown.find('\n', start), markdown.size());
    const std::string line = trim(markdown.substr(start, end - start));
    start = end + 1;
    ++line_number;
    const std::string where = source_ + ":" + std::to_string(line_number);
    if (line.rfind("# ", 0) == 0 && half == none) continue;  // the title
    if (line.rfind("## ", 0) == 0) {
      const std::string name = line.substr(3);
      if (half == none && name == "English") {
        half = english;
      } else if (half == english && name == "한국어") {
        half = korean;
      } else {
        throw std::logic_error(where + ": expected \"## English\" and then \"## 한국어\", found \"" + line + "\"");
      }
      text = nullptr;
      continue;
    }
    if (line.rfind("### ", 0) == 0) {
      const std::string key = line.substr(4);
      if (half == english) {
        if (has(key)) throw std::logic_error(where + ": the section \"" + key + "\" twice");
        sections_.push_back({key, "", ""});
        text = &sections_.back().en;
      } else if (half == korean) {
        if (korean_count >= sections_.size() || sections_[korean_count].key != key) {
          throw std::logic_error(where + ": the Korean half has \"" + key + "\" where the English half has \"" +
                                 (korean_count < sections_.size() ? sections_[korean_count].key : "no more sections") +
                                 "\" (the halves list the same sections in the same order)");
        }
        text = &sections_[korean_count++].ko;
      } else {
        throw std::logic_error(where + ": a section before \"## English\"");
      }
      blank_before = false;
      continue;
    }
    if (line.empty()) {
      blank_before = true;
      continue;
    }
    if (!text) throw std::logic_error(where + ": text outside a section");
    if (!text->empty()) *text += blank_before ? "\n\n" : " ";
    *text += line;
    blank_before = false;
  }
  if (half != korean || korean_count != sections_.size()) {
    throw std::logic_error(source_ + ": the Korean half (\"## 한국어\") lacks " +
                           (korean_count < sections_.size() ? "the section \"" + sections_[korean_count].key + "\""
                                                            : std::string("everything")));
  }
  for (const Section& s : sections_) {
    const std::string where = source_ + ", section \"" + s.key + "\"";
    if (s.en.empty() || s.ko.empty())
      throw std::logic_error(where + ": no text in " + (s.en.empty() ? "English" : "Korean"));
    if (slot_names(s.en, where) != slot_names(s.ko, where)) {
      throw std::logic_error(where + ": the English and the Korean text have different {{slots}}");
    }
    (void)Narration(s.en, s.ko);  // checks the Korean is Korean
  }
}

bool NarrationText::has(const std::string& key) const {
  return std::any_of(sections_.begin(), sections_.end(), [&](const Section& s) { return s.key == key; });
}

std::vector<std::string> NarrationText::keys() const {
  std::vector<std::string> out;
  for (const Section& s : sections_) out.push_back(s.key);
  return out;
}

const NarrationText::Section& NarrationText::find(const std::string& key) const {
  for (const Section& s : sections_) {
    if (s.key == key) return s;
  }
  throw std::logic_error(source_ + ": no section \"" + key + "\" (add \"### " + key + "\" to both halves)");
}

std::vector<std::string> NarrationText::slots(const std::string& key) const {
  const Section& s = find(key);
  const std::set<std::string> names = slot_names(s.en, source_);
  return {names.begin(), names.end()};
}

Narration NarrationText::fill(const std::string& key, const std::vector<Slot>& values) const {
  const Section& s = find(key);
  const std::string where = source_ + ", section \"" + key + "\"";
  const std::set<std::string> names = slot_names(s.en, where);
  std::set<std::string> given;
  for (const Slot& v : values) {
    if (!names.count(v.name))
      throw std::logic_error(where + ": a value for {{" + v.name + "}}, which the text does not have");
    if (!given.insert(v.name).second) throw std::logic_error(where + ": two values for {{" + v.name + "}}");
  }
  for (const std::string& name : names) {
    if (!given.count(name)) throw std::logic_error(where + ": no value for {{" + name + "}}");
  }
  auto substitute = [&](std::string text) {
    for (const Slot& v : values) {
      const std::string marker = "{{" + v.name + "}}";
      for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + v.value.size())) {
        text.replace(at, marker.size(), v.value);
      }
    }
    return text;
  };
  return Narration(substitute(s.en), substitute(s.ko));
}

}  // namespace rnnlab::lessons
