#include "lessons/common/options.hpp"

#include <charconv>

namespace rnnlab::lessons {

std::string usage(const std::string& program) {
  return "usage: " + program +
         " [--quick] [--seed N] [--out DIR] [--data PATH] [--generate [--prompt TEXT]] [--lang en|ko] [--help]\n"
         "  --quick      run the small configuration (the one the tests check)\n"
         "  --seed N     random seed (default 0); the same seed gives the same numbers\n"
         "  --out DIR    folder for plots, summary.json and the lesson's page (index.html)\n"
         "  --data PATH  your own data file (lessons 16-22: a text, a series, reviews, pairs, recordings, letters,\n"
         "               click sessions)\n"
         "  --generate   sample text from the model the last full run saved (lesson 16)\n"
         "  --prompt T   the text --generate starts from (default \"The \")\n"
         "  --lang L     narration in English (en, the default) or Korean (ko)\n"
         "  --help       show this help\n";
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
    } else {
      throw UsageError("unknown option '" + arg + "'");
    }
  }
  return options;
}

}  // namespace rnnlab::lessons
