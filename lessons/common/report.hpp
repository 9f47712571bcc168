// Report: what a lesson tells. It prints the narration and results as the lesson runs, and at the end writes into
// the lesson's output folder summary.json (the numbers, for machines and tests; timings.json for wall-clock times)
// and index.html, the lesson's page (lessons/common/site.hpp): its claims, narration, plots and the command that
// made it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/common/narration.hpp"
#include "lessons/common/options.hpp"

namespace rnnlab::lessons {

// One claim of a lesson: what it says, the number measured, the criterion in words, and the verdict.
struct Claim {
  std::string text;
  double measured = 0;
  std::string criterion;
  bool passed = false;
};

// A source file the lesson's page shows code from: its path in the source tree ("lessons/11_lstm.cpp") and its text,
// embedded at build time (lessons/common/embed_sources.cmake).
struct SourceFile {
  std::string_view path, text;
};

struct LessonInfo {
  int number;
  std::string slug;  // "01_sequence_data": the program's and the output folder's name
  // The lesson's narration, lessons/01_sequence_data.md embedded at build time (see narration.hpp): its sections
  // title ("Sequence data"), history (who, when, which problem, which idea), story (the point in one or two
  // sentences, printed by --help), and the lesson's paragraphs and captions.
  std::string_view narration;
  // What --data reads ("a series, one number a line"), or nullptr for a lesson that reads no data of yours: it
  // then refuses --data.
  const char* data = nullptr;
  // The lesson's source files (and those it names with SHOWS in lessons/CMakeLists.txt), for code(): the
  // generated source_files of lessons/NN_name.sources.hpp. Its exercises' texts (lessons/exercises/*.md, named
  // with SHOWS too) come with them; its page ends with them.
  std::span<const SourceFile> sources = {};
};

class Report {
 public:
  // `settings`: the numbers of the configuration the lesson offers to --set (apply_settings has applied them); the
  // page's run panel shows them as fields.
  Report(const LessonInfo& info, const Options& options, const std::vector<Setting>& settings);

  // The narration's section `key` with its slots filled: printed (word-wrapped, in the language of --lang), and
  // kept for the page.
  void say(const std::string& key, const std::vector<Slot>& slots = {});
  // Marks the section `key` as one this run leaves out (the built-in data's description when the learner gave
  // data of their own, say), so that finish() does not take it for text the code forgot.
  void skip(const std::string& key);
  // A named number (printed, and stored in summary.json).
  void figure(const std::string& name, double value, const std::string& unit = "");
  // A wall-clock measurement: printed and shown like a figure, but stored in timings.json, so that summary.json
  // holds only what the seed determines (two runs with the same seed write identical summaries).
  void timing(const std::string& name, double value, const std::string& unit);
  // A named piece of text (a generated sample, say): stored in summary.json under "texts".
  void text(const std::string& name, const std::string& value);
  // A claim with its verdict; printed at once and listed in the summary.
  void claim(const Claim& c);
  void claims(const std::vector<Claim>& cs);
  // Writes an SVG plot into the output folder and adds it to the page, captioned by the narration's section named
  // after the file ("### curves.svg"; plots drawn in a loop share the section `caption_key`) with its slots
  // filled; prints `terminal` if not empty.
  void plot(const std::string& file, const std::string& svg, const std::vector<Slot>& caption_slots = {},
            const std::string& terminal = "", const std::string& caption_key = "");
  // Writes any other file (e.g. graph.dot) into the output folder; returns its path.
  std::string write(const std::string& file, const std::string& content);
  // Shows on the page the code that made a result: the region marked `// >>> key` ... `// <<< key` in one of the
  // lesson's source files, captioned by the narration's section `key`, linked to its line in the page's copy of
  // the file. The terminal gets the caption and where the code is. Throws std::logic_error when no file, or more
  // than one, marks the region.
  void code(const std::string& key, const std::vector<Slot>& caption_slots = {});
  // The narration's section "try-next", each paragraph a change to try in the lesson's config() and what to expect
  // from it: printed as a list, and on the page under "Try next" with the commands that rebuild and rerun it.
  void try_next(const std::vector<Slot>& slots = {});
  // A preformatted block (a table, a sample of text) shown on the page and printed.
  void block(const std::string& text);

  // Writes summary.json and index.html, prints the claims table; returns 0 if every claim passed, else 1.
  // Throws std::logic_error if a section of the narration was neither said nor skipped (text and code drifted).
  int finish();

  const std::vector<Claim>& claim_list() const { return claims_; }

 private:
  LessonInfo info_;
  NarrationText narration_;
  Options options_;
  std::vector<std::pair<std::string, std::string>> settings_;  // the lesson's settings and their values this run
  std::string page() const;  // the lesson's page, index.html
  // Section `key` filled, marked said, split into its paragraphs (the same number in both languages, or it throws).
  std::vector<Narration> said_paragraphs(const std::string& key, const std::vector<Slot>& slots);
  std::string body_;         // the page's text, plots and blocks, built up as the lesson runs
  struct Figure {
    std::string name;
    double value;
    std::string unit;
    bool timing;
  };
  std::vector<Figure> figures_;
  std::vector<std::pair<std::string, std::string>> texts_;
  std::vector<Claim> claims_;
  std::vector<std::string> said_;  // the narration's sections used so far
};

// How many terminal columns `text` (UTF-8) takes: 2 for Hangul and other wide characters, 1 for the rest.
std::size_t display_width(const std::string& text);

// Prints `text` wrapped at `width` columns (display_width), each line indented by `indent` spaces.
std::string wrap(const std::string& text, std::size_t width = 100, std::size_t indent = 2);

// A number as JSON ("null" for NaN and infinities), with all 17 significant digits.
std::string json_number(double v);
std::string json_string(const std::string& s);

}  // namespace rnnlab::lessons
