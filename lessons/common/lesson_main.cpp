#include "lessons/common/lesson_main.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>

#include "lessons/common/plot.hpp"

namespace rnnlab::lessons {

int lesson_main(int argc, char** argv, const LessonInfo& info, const std::function<int(const Options&)>& run) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string program = std::filesystem::path(argv[0]).filename().string();
  std::optional<Options> options;
  try {
    options = parse_options(args, std::string(RNNLAB_COURSE_DIR) + "/" + info.slug);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n%s", program.c_str(), e.what(), usage(program).c_str());
    return 2;
  }
  if (!options) {
    std::printf("Lesson %02d: %s\n%s\n레슨 %02d: %s\n%s\n%s", info.number, info.title.en.c_str(),
                wrap(info.story.en, 100, 0).c_str(), info.number, info.title.ko.c_str(), wrap(info.story.ko, 100, 0).c_str(),
                usage(program).c_str());
    return 0;
  }
  try {
    return run(*options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program.c_str(), e.what());
    return 1;
  }
}

}  // namespace rnnlab::lessons
