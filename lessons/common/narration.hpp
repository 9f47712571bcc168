// A lesson's narration lives beside its code, in lessons/NN_name.md, so it reads on its own: an English half and
// a Korean half, each with the same sections, in the order the lesson tells them.
//
//   # Lesson 11 · LSTM and the constant error carousel      <- the document's title (not shown by the lesson)
//   ## English                                              <- then "## 한국어" for the Korean half
//   ### title                                               <- a section: its key, then its text
//   LSTM and the constant error carousel
//   ### adding
//   The adding problem ... T = {{steps}} steps ...          <- {{steps}}: a slot the lesson fills as it runs
//
// Every lesson has the sections title, history and story (LessonInfo); the others are its paragraphs
// (Report::say) and the captions of its plots (Report::plot, the section named after the plot's file).
// Lines of a section join into one paragraph; a blank line starts the next one. CMake embeds the file into the
// lesson's program at build time (lessons/common/embed_text.cmake), so a program needs no files beside it.
//
// The checks, so text and code cannot drift apart: both halves have the same sections with the same slots, and
// the Korean text is Korean (parse time); a section is filled only with exactly the slots it has (fill), and
// every section is used by the lesson (Report::finish).
#pragma once

#include <concepts>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/common/options.hpp"

namespace rnnlab::lessons {

// Narration in both of the course's languages. The terminal shows the one --lang picks; the page keeps both, and
// index.html switches between them. Code, identifiers, plot labels, claims and figure names stay English in both.
struct Narration {
  // Both texts are required, and the Korean one must be Korean (it is checked for Hangul).
  Narration(std::string english, std::string korean);
  const std::string& in(Language language) const { return language == Language::ko ? ko : en; }
  std::string en, ko;  // paragraphs separated by "\n\n"
};

// A value for the slot {{name}}: text as it is, an integer in full, any other number as plot::format_number.
struct Slot {
  Slot(std::string name, std::string value) : name(std::move(name)), value(std::move(value)) {}
  Slot(std::string name, const char* value) : name(std::move(name)), value(value) {}
  template <std::integral T>
  Slot(std::string name, T value) : name(std::move(name)), value(std::to_string(value)) {}
  Slot(std::string name, double value);
  std::string name, value;
};

class NarrationText {
 public:
  // Parses `markdown`; `source` names it in every error ("11_lstm.md"). Throws std::logic_error on a malformed
  // file, a section missing from one half, slots that differ between the halves, or Korean without Hangul.
  NarrationText(std::string_view markdown, std::string source);

  // The section `key` in both languages, with every {{slot}} replaced. Throws std::logic_error naming the file
  // and the section for an unknown key, a slot left without a value, or a value for a slot the text lacks.
  Narration fill(const std::string& key, const std::vector<Slot>& slots = {}) const;

  bool has(const std::string& key) const;
  std::vector<std::string> keys() const;  // in the file's order
  // The slots of section `key`, sorted.
  std::vector<std::string> slots(const std::string& key) const;
  const std::string& source() const { return source_; }

 private:
  struct Section {
    std::string key, en, ko;
  };
  const Section& find(const std::string& key) const;
  std::string source_;
  std::vector<Section> sections_;
};

// The code points of UTF-8 text, for measuring it (an invalid byte counts as one code point).
std::vector<char32_t> code_points(std::string_view text);
bool is_hangul(char32_t c);

}  // namespace rnnlab::lessons
