#include "lessons/common/lesson_main.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>

#include "lessons/common/input.hpp"
#include "lessons/common/plot.hpp"

namespace rnnlab::lessons {

namespace {

// A message as one line: line breaks and other control characters (a file name may hold them) become spaces.
std::string one_line(std::string text) {
  for (char& ch : text) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
  }
  return text;
}

}  // namespace

int lesson_main(int argc, char** argv, const LessonInfo& info, const std::function<int(const Options&)>& run) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string program = std::filesystem::path(argv[0]).filename().string();
  std::optional<Options> options;
  try {
    options = parse_options(args, std::string(RNNLAB_COURSE_DIR) + "/" + info.slug);
    if (options && !options->data.empty() && info.data == nullptr) {
      throw UsageError("this lesson reads no data of yours; --data is for lessons 16-22");
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s (--help lists the options)\n", program.c_str(), one_line(e.what()).c_str());
    return 2;
  }
  try {
    if (!options) {
      const NarrationText text(info.narration, info.slug + ".md");
      const Narration title = text.fill("title"), story = text.fill("story");
      std::printf("Lesson %02d: %s\n%s\n레슨 %02d: %s\n%s\n%s", info.number, title.en.c_str(),
                  wrap(story.en, 100, 0).c_str(), info.number, title.ko.c_str(), wrap(story.ko, 100, 0).c_str(),
                  usage(program).c_str());
      if (info.data != nullptr) std::printf("  --data for this lesson: %s\n", info.data);
      return 0;
    }
    return run(*options);
  } catch (const UsageError& e) {
    // A --set the lesson does not offer, or a value its field cannot take (apply_settings, before any output).
    std::fprintf(stderr, "%s: %s (--help lists the options)\n", program.c_str(), one_line(e.what()).c_str());
    return 2;
  } catch (const InputError& e) {
    // A file of the learner's that cannot be used: one line, and nothing was printed or written before it.
    std::fprintf(stderr, "%s: %s\n", program.c_str(), one_line(e.what()).c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program.c_str(), e.what());
    return 1;
  }
}

}  // namespace rnnlab::lessons
