// The command line every lesson takes:
//   --quick      the small configuration the tests use (seconds instead of tens of seconds)
//   --seed N     the random seed (every lesson is deterministic for a given seed)
//   --out DIR    where plots, summary.json and the lesson's page (index.html) go (default: a folder per lesson in
//                the course folder)
//   --data PATH  the learner's own data file (lessons 16-22: a text, a series, labeled reviews, source/target pairs,
//                a list of recordings, letters written as pen strokes, click sessions)
//   --generate   lesson 16: sample from the model the last full run saved, instead of training
//   --prompt T   the text --generate starts from
//   --lang L     the narration's language: en (default) or ko (Korean)
//   --help       the lesson's story in two lines, and these options
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rnnlab::lessons {

enum class Language { en, ko };

struct Options {
  bool quick = false;
  std::uint64_t seed = 0;
  std::string out;   // output folder, created if missing
  std::string data;  // empty: the lesson's own data
  bool generate = false;
  std::string prompt = "The ";
  Language language = Language::en;
};

// Thrown for an unknown or malformed option; the message says which.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The usage text: "usage: <program> [--quick] [--seed N] [--out DIR] ..." and one line per option.
std::string usage(const std::string& program);

// Parses argv. Returns std::nullopt when --help was given (the caller prints the help and exits 0).
// `default_out` is used when --out is absent. Throws UsageError on anything else it does not know.
std::optional<Options> parse_options(const std::vector<std::string>& args, const std::string& default_out);

}  // namespace rnnlab::lessons
