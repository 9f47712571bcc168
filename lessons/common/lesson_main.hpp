// The main() every lesson program shares: parse the options, print --help, create the output folder, run.
#pragma once

#include <functional>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons {

// Runs `run` with the parsed options. Exit codes: 0 all claims held, 1 a claim failed or an error occurred,
// 2 a bad command line or a file of yours that cannot be used (InputError: one line on stderr, nothing else).
int lesson_main(int argc, char** argv, const LessonInfo& info, const std::function<int(const Options&)>& run);

}  // namespace rnnlab::lessons
