#include "lessons/common/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rnnlab::lessons {

std::string usage(const std::string& program) {
  return "usage: " + program +
         " [--quick] [--seed N] [--out DIR] [--data PATH] [--generate [--prompt TEXT]] [--lang en|ko]\n"
         "       [--set NAME=VALUE]... [--help]\n"
         "  --quick      run the small configuration (the one the tests check)\n"
         "  --seed N     random seed (default 0); the same seed gives the same numbers\n"
         "  --out DIR    folder for plots, summary.json and the lesson's page (index.html)\n"
         "  --data PATH  your own data file (lessons 16-22: a text, a series, reviews, pairs, recordings, letters,\n"
         "               click sessions)\n"
         "  --generate   sample text from the model the last full run saved (lesson 16)\n"
         "  --prompt T   the text --generate starts from (default \"The \")\n"
         "  --lang L     narration in English (en, the default) or Korean (ko)\n"
         "  --set N=V    change a number of the lesson's configuration (the names its \"try next\" list uses, e.g.\n"
         "               --set gap.steps=2000 in lesson 08; a wrong name lists the lesson's)\n"
         "  --help       show this help\n";
}

std::string Setting::value() const {
  if (whole_) return std::to_string(*whole_);
  // The shortest decimal that reads back as the same double.
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, *real_);
    if (std::strtod(text, nullptr) == *real_) break;
  }
  return text;
}

void Setting::set(const std::string& text) const {
  if (whole_) {
    std::size_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size() || number > 10'000'000) {
      throw UsageError("--set " + name_ + " needs a whole number from 0 to 10000000, got '" + text + "'");
    }
    *whole_ = number;
    return;
  }
  // A decimal number as std::strtod reads it in the "C" locale (no program here changes it), without the white
  // space and hexadecimal it would also take.
  const bool plain = !text.empty() && text.find_first_of(" \t\n\r\f\vxX") == std::string::npos;
  char* end = nullptr;
  const double number = plain ? std::strtod(text.c_str(), &end) : NAN;
  if (!plain || end != text.c_str() + text.size() || !std::isfinite(number)) {
    throw UsageError("--set " + name_ + " needs a number, got '" + text + "'");
  }
  *real_ = number;
}

std::vector<Setting> apply_settings(const Options& options, std::vector<Setting> settings) {
  for (const auto& assignment : options.settings) {
    const std::string& name = assignment.first;  // (a structured binding cannot be captured with clang 14)
    const auto setting = std::find_if(settings.begin(), settings.end(), [&](const Setting& s) { return s.name() == name; });
    if (setting == settings.end()) {
      std::string offered;
      for (const Setting& s : settings) offered += (offered.empty() ? "" : ", ") + s.name();
      throw UsageError("this lesson has no setting '" + name + "'" +
                       (offered.empty() ? std::string(" (it has none)") : "; it has " + offered));
    }
    setting->set(assignment.second);
  }
  return settings;
}

std::optional<Options> parse_options(const std::vector<std::string>& args, const std::string& default_out) {
  Options options;
  options.out = default_out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError("option " + arg + " needs a value");
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      return std::nullopt;
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--seed") {
      const std::string& text = value();
      std::uint64_t seed = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
      if (error != std::errc() || end != text.data() + text.size()) {
        throw UsageError("--seed needs a whole number from 0 to 18446744073709551615, got '" + text + "'");
      }
      options.seed = seed;
    } else if (arg == "--out") {
      options.out = value();
      if (options.out.empty()) throw UsageError("--out needs a folder name");
    } else if (arg == "--data") {
      options.data = value();
      if (options.data.empty()) throw UsageError("--data needs a file name");
    } else if (arg == "--generate") {
      options.generate = true;
    } else if (arg == "--prompt") {
      options.prompt = value();
      if (options.prompt.empty()) throw UsageError("--prompt needs some text");
    } else if (arg == "--lang") {
      const std::string& language = value();
      if (language == "en") {
        options.language = Language::en;
      } else if (language == "ko") {
        options.language = Language::ko;
      } else {
        throw UsageError("--lang takes en or ko, got '" + language + "'");
      }
    } else if (arg == "--set") {
      const std::string& assignment = value();
      const std::size_t equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw UsageError("--set needs NAME=VALUE, got '" + assignment + "'");
      }
      options.settings.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
    } else {
      throw UsageError("unknown option '" + arg + "'");
    }
  }
  return options;
}

}  // namespace rnnlab::lessons
