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
//   --set N=V    a number of the lesson's configuration, by the name its "try next" list gives it (repeatable)
//   --help       the lesson's story in two lines, and these options
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
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
  std::vector<std::pair<std::string, std::string>> settings;  // --set name=value, in order
};

// Thrown for an unknown or malformed option; the message says which.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A number of a lesson's configuration that the learner may change without editing the code: `--set name=value`
// on the command line, a field of the run panel on the lesson's web page. Each lesson offers the numbers its
// "try next" list changes, by the names the list writes ("gap.steps" for c.gap.steps).
class Setting {
 public:
  Setting(std::string name, std::size_t& field) : name_(std::move(name)), whole_(&field) {}
  Setting(std::string name, double& field) : name_(std::move(name)), real_(&field) {}
  const std::string& name() const { return name_; }
  // The field's value as --set writes it ("500", "0.01").
  std::string value() const;
  // Sets the field from `text`: a whole number from 0 to 10^7 for a count, a finite decimal for a real number.
  // Throws UsageError naming the setting otherwise.
  void set(const std::string& text) const;

 private:
  std::string name_;
  std::size_t* whole_ = nullptr;
  double* real_ = nullptr;
};

// Applies every --set of `options` to the configuration `settings` point into; returns `settings`, for the
// lesson's Report. Throws UsageError for a name the lesson does not offer (listing those it does) or a bad value.
std::vector<Setting> apply_settings(const Options& options, std::vector<Setting> settings);

// The usage text: "usage: <program> [--quick] [--seed N] [--out DIR] ..." and one line per option.
std::string usage(const std::string& program);

// Parses argv. Returns std::nullopt when --help was given (the caller prints the help and exits 0).
// `default_out` is used when --out is absent. Throws UsageError on anything else it does not know.
std::optional<Options> parse_options(const std::vector<std::string>& args, const std::string& default_out);

}  // namespace rnnlab::lessons
