// Bad input to the lesson programs, table-driven: every bad --data file for every lesson that reads one, and every
// bad option for every lesson. Each must end as the README promises: exit code 2, one line on stderr that names the
// file (or the option) and the problem, nothing on stdout, no output folder, and no crash (the sanitizer run
// repeats these checks under ASan and UBSan). The programs run in this process through lesson_main, their stdout
// and stderr sent to files.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "check.hpp"
#include "lessons/common/input.hpp"
#include "lessons/common/lesson_main.hpp"
#include "lessons/01_sequence_data.hpp"
#include "lessons/02_autograd.hpp"
#include "lessons/03_window_problem.hpp"
#include "lessons/04_tdnn.hpp"
#include "lessons/05_jordan.hpp"
#include "lessons/06_elman.hpp"
#include "lessons/07_letters_and_words.hpp"
#include "lessons/08_vanishing_gradients.hpp"
#include "lessons/09_latch.hpp"
#include "lessons/10_cliffs_and_clipping.hpp"
#include "lessons/11_lstm.hpp"
#include "lessons/12_forget_gate_bias.hpp"
#include "lessons/13_gru_vs_lstm.hpp"
#include "lessons/14_deep_rnn.hpp"
#include "lessons/15_bidirectional.hpp"
#include "lessons/16_text_generation.hpp"
#include "lessons/17_forecasting.hpp"
#include "lessons/18_sentiment.hpp"
#include "lessons/19_seq2seq.hpp"
#include "lessons/20_speech_recognition.hpp"
#include "lessons/21_handwriting.hpp"
#include "lessons/22_recommendations.hpp"
#include "lessons/23_attention.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
namespace fs = std::filesystem;

namespace {

struct Lesson {
  const LessonInfo& info;
  int (*run)(const Options&);
};

const std::vector<Lesson>& every_lesson() {
  static const std::vector<Lesson> lessons = {
      {lesson01::info, lesson01::run}, {lesson02::info, lesson02::run}, {lesson03::info, lesson03::run},
      {lesson04::info, lesson04::run}, {lesson05::info, lesson05::run}, {lesson06::info, lesson06::run},
      {lesson07::info, lesson07::run}, {lesson08::info, lesson08::run}, {lesson09::info, lesson09::run},
      {lesson10::info, lesson10::run}, {lesson11::info, lesson11::run}, {lesson12::info, lesson12::run},
      {lesson13::info, lesson13::run}, {lesson14::info, lesson14::run}, {lesson15::info, lesson15::run},
      {lesson16::info, lesson16::run}, {lesson17::info, lesson17::run}, {lesson18::info, lesson18::run},
      {lesson19::info, lesson19::run}, {lesson20::info, lesson20::run}, {lesson21::info, lesson21::run},
      {lesson22::info, lesson22::run}, {lesson23::info, lesson23::run}};
  return lessons;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Outcome {
  int code = 0;
  std::string out, err;
};

// Runs a lesson program as main() would, in this process, with stdout and stderr going to files.
Outcome run_program(const Lesson& lesson, std::vector<std::string> args, const fs::path& scratch) {
  args.insert(args.begin(), lesson.info.slug);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = dup(1), saved_err = dup(2);
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE((saved_out >= 0 && saved_err >= 0 && out_fd >= 0 && err_fd >= 0));
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  Outcome outcome;
  outcome.code = lesson_main(static_cast<int>(args.size()), argv.data(), lesson.info, lesson.run);
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  for (int fd : {saved_out, saved_err, out_fd, err_fd}) close(fd);
  outcome.out = slurp(out);
  outcome.err = slurp(err);
  return outcome;
}

// The promise for a refused run: exit 2, one line on stderr holding every part of `expected`, nothing on stdout,
// and no output folder.
void check_refused(const Outcome& o, const std::vector<std::string>& expected, const fs::path& out_folder) {
  INFO("stderr: " << o.err);
  INFO("stdout: " << o.out.substr(0, 300));
  CHECK(o.code == 2);
  CHECK(o.out.empty());
  CHECK(!o.err.empty());
  CHECK(o.err.find('\n') == o.err.size() - 1);  // exactly one line
  for (const std::string& part : expected) CHECK_CONTAINS(o.err, part);
  CHECK(!fs::exists(out_folder));
}

// A scratch folder for one test, removed at the end.
struct Scratch {
  explicit Scratch(const std::string& name) : path(fs::temp_directory_path() / ("rnnlab_bad_input_" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  fs::path path;
};

// One bad file and, for each lesson that reads data (16, 17, 18, 19, 21, 20, 22), what its refusal must say. `content`
// is one text for all seven, or one per lesson where "bad" means something else to each (a value out of range is a
// number for lesson 17 and a label for lesson 18); a lesson past the end of `content` gets its last text.
struct BadFile {
  std::string what;
  std::vector<std::string> content;  // written to the file (unless a folder or a missing file)
  enum { file, folder, missing } kind = file;
  std::vector<std::string> says;  // per lesson 16, 17, 18, 19, 21, 20, 22
};

std::vector<BadFile> bad_files() {
  const std::string long_line(200'000, '7');
  std::string many_words = "1";
  for (int i = 0; i < 300; ++i) many_words += " word";
  std::string long_side;
  for (int i = 0; i < 60; ++i) long_side += "w ";
  std::string long_session;
  for (int i = 0; i < 1001; ++i) long_session += "4 ";
  const std::string short_text = "a text too short to hold out a tenth for validation\n";
  return {
      {"an empty file", {""}, BadFile::file, {"is empty", "is empty", "is empty", "is empty", "is empty", "is empty", "is empty"}},
      {"white space only", {" \n\t\r\n\n"}, BadFile::file,
       {"is empty", "is empty", "is empty", "is empty", "is empty", "is empty", "is empty"}},
      {"one line", {"1 good film\tone\n"}, BadFile::file,
       {"needs at least 8160", "expected one number", "has 1 reviews", "has 1 pairs", "line 1: expected 5 fields",
        "1 good film: no such file", "line 1: the item id 'good' is not a whole number"}},
      {"a binary file", {std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0", 12) + "\x03\0>\0"}, BadFile::file,
       {"line 1: a NUL byte", "line 1: a NUL byte", "line 1: a NUL byte", "line 1: a NUL byte", "line 1: a NUL byte",
        "line 1: a NUL byte", "line 1: a NUL byte"}},
      {"Latin-1, not UTF-8", {"1 caf\xe9 cr\xe8me\n"}, BadFile::file,
       {"line 1: byte 0xE9 is not UTF-8", "line 1: byte 0xE9 is not UTF-8", "line 1: byte 0xE9 is not UTF-8",
        "line 1: byte 0xE9 is not UTF-8", "line 1: byte 0xE9 is not UTF-8", "line 1: byte 0xE9 is not UTF-8",
        "line 1: byte 0xE9 is not UTF-8"}},
      {"a truncated UTF-8 character", {"1 good\n1 \xed\x95"}, BadFile::file,
       {"line 2: byte 0xED", "line 2: byte 0xED", "line 2: byte 0xED", "line 2: byte 0xED", "line 2: byte 0xED",
        "line 2: byte 0xED", "line 2: byte 0xED"}},
      // Lesson 16 reads characters, not lines: one long line of text is a text like any other (checked below).
      {"a very long line",
       {short_text, "1\n" + long_line + "\n", "1\n" + long_line + "\n", "1\n" + long_line + "\n",
        "1,a,0,0,0\n" + long_line + "\n"},
       BadFile::file,
       {"needs at least 8160", "line 2: is 200000 bytes long", "line 2: is 200000 bytes long",
        "line 2: is 200000 bytes long", "line 2: is 200000 bytes long", "line 2: is 200000 bytes long",
        "line 2: is 200000 bytes long"}},
      {"the wrong columns", {"x 2 3\nfour 5 6\n"}, BadFile::file,
       {"needs at least 8160", "line 1: expected one number, got 3 fields", "line 1: a review starts with its label",
        "line 1: expected \"source words<TAB>target words\"", "line 1: expected 5 fields",
        "line 1: '3' is not one of the lesson's words", "line 1: the item id 'x' is not a whole number"}},
      {"values out of range",
       {short_text, "1\n1e400\n", "1 good\n7 good film\n", "a\t1\n" + long_side + "\t1\n", "1,a,0,0,0\n1,a,0,1e400,0\n",
        "a.wav seventy\n", "1 2\n3 99999999999999999\n"},
       BadFile::file,
       {"needs at least 8160", "line 2: the value '1e400' is out of range", "line 2: a review starts with its label",
        "line 2: a side of 60 words", "line 2: the value '1e400' is out of range",
        "line 1: 'seventy' is not one of the lesson's words",
        "line 2: the item id '99999999999999999' is not a whole number from 0 to 10^12"}},
      {"not a number or too long an entry",
       {short_text, "nan\n", many_words + "\n", "a\t" + long_side + "\n", "1,a,0,nan,0\n", "a.wav 7\n", "1 2\n" + long_session + "\n"},
       BadFile::file,
       {"needs at least 8160", "line 1: the value 'nan' is out of range", "line 1: has 300 words",
        "line 1: a side of 60 words", "line 1: the value 'nan' is out of range",
        "line 1: '7' is not one of the lesson's words", "line 2: a session of more than 1000 clicks"}},
      {"a folder", {""}, BadFile::folder, {"is a folder", "is a folder", "is a folder", "is a folder", "is a folder", "is a folder", "is a folder"}},
      {"a missing file", {""}, BadFile::missing,
       {"no such file", "no such file", "no such file", "no such file", "no such file", "no such file", "no such file"}},
  };
}

}  // namespace

TEST_SUITE("lessons") {

TEST_CASE("every lesson's narration file parses and has its title and history and story") {
  for (const Lesson& lesson : every_lesson()) {
    CAPTURE(lesson.info.slug);
    const NarrationText text(lesson.info.narration, lesson.info.slug + ".md");
    for (const char* key : {"title", "history", "story"}) CHECK(text.slots(key).empty());
    CHECK(text.keys().size() > 3);
  }
}

}  // TEST_SUITE

TEST_SUITE("bad input") {

TEST_CASE("every lesson that reads --data refuses every bad file with one line and exit code 2") {
  Scratch scratch("data");
  const std::vector<const Lesson*> readers = {&every_lesson()[15], &every_lesson()[16], &every_lesson()[17],
                                              &every_lesson()[18], &every_lesson()[20], &every_lesson()[19],
                                              &every_lesson()[21]};
  for (const BadFile& bad : bad_files()) {
    const fs::path data = scratch.path / "data file.txt";  // a space in the name, as learners' files have
    for (std::size_t k = 0; k < readers.size(); ++k) {
      fs::remove_all(data);
      if (bad.kind == BadFile::file) std::ofstream(data, std::ios::binary) << bad.content[std::min(k, bad.content.size() - 1)];
      if (bad.kind == BadFile::folder) fs::create_directories(data);
      const Lesson& lesson = *readers[k];
      CAPTURE(bad.what);
      CAPTURE(lesson.info.slug);
      const fs::path out = scratch.path / "out";
      const Outcome o = run_program(lesson, {"--quick", "--data", data.string(), "--out", out.string()}, scratch.path);
      check_refused(o, {lesson.info.slug + ": " + data.string(), bad.says[k]}, out);
    }
  }
}

TEST_CASE("the readers accept what they promise: CRLF lines and comments and UTF-8 words of any script") {
  const lesson17::Config c = lesson17::config(true, 0);
  std::string series = "\xef\xbb\xbf";  // a UTF-8 byte-order mark is not a number: refused, and said so
  CHECK_CONTAINS(testing::message_of<InputError>([&] { (void)lesson17::parse_series(series + "1\n", "s", c); }),
                 "s line 1: expected a number");
  series.clear();
  for (std::size_t i = 0; i < lesson17::minimum_series_length(c); ++i) series += "# t\r\n" + std::to_string(i) + "\r\n";
  CHECK(lesson17::parse_series(series, "s", c).size() == lesson17::minimum_series_length(c));
  std::string reviews;
  for (int i = 0; i < 20; ++i) reviews += i % 2 ? "1 \xec\xa2\x8b\xec\x9d\x80 \xec\x98\x81\xed\x99\x94\r\n" : "0 dull\n";
  const std::vector<lesson18::Review> parsed = lesson18::parse_reviews(reviews, "r");
  REQUIRE(parsed.size() == 20);
  CHECK(parsed[1].words == std::vector<std::string>{"\xec\xa2\x8b\xec\x9d\x80", "\xec\x98\x81\xed\x99\x94"});
  const lesson16::Config c16 = lesson16::config(true, 0);
  CHECK(lesson16::parse_corpus(std::string(200'000, '7'), "t", c16).text.size() == 200'000);
  std::string pairs;
  for (int i = 0; i < 20; ++i) pairs += "un deux\tone two\r\n";
  CHECK(lesson19::parse_pairs(pairs, "p").pairs.targets[0].size() == 2);
}

TEST_CASE("every lesson refuses every bad option with one line and exit code 2") {
  Scratch scratch("options");
  const fs::path out = scratch.path / "out";
  struct BadOption {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<BadOption> table = {
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"quick"}, "unknown option 'quick'"},
      {{"--seed"}, "option --seed needs a value"},
      {{"--seed", "-1"}, "--seed needs a whole number"},
      {{"--seed", "18446744073709551616"}, "--seed needs a whole number"},
      {{"--seed", "12abc"}, "got '12abc'"},
      {{"--seed", ""}, "--seed needs a whole number"},
      {{"--lang", "fr"}, "--lang takes en or ko, got 'fr'"},
      {{"--out", ""}, "--out needs a folder name"},
      {{"--data"}, "option --data needs a value"},
      {{"--data", ""}, "--data needs a file name"},
      {{"--prompt", ""}, "--prompt needs some text"},
      {{"--out", "/proc/rnnlab/x"}, "--out /proc/rnnlab/x: cannot create that folder"},
      {{"--set", "x"}, "--set needs NAME=VALUE, got 'x'"},
      {{"--set", "no_such_number=1"}, "this lesson has no setting 'no_such_number'; it has "},
  };
  for (const Lesson& lesson : every_lesson()) {
    for (const BadOption& bad : table) {
      CAPTURE(lesson.info.slug);
      CAPTURE(bad.says);
      std::vector<std::string> args = bad.args;  // --out first, so an option missing its value comes last
      if (bad.args.front() != "--out") args.insert(args.begin(), {"--out", out.string()});
      check_refused(run_program(lesson, args, scratch.path), {lesson.info.slug + ": ", bad.says}, out);
    }
    if (lesson.info.data == nullptr) {
      CAPTURE(lesson.info.slug);
      check_refused(run_program(lesson, {"--data", "x.txt", "--out", out.string()}, scratch.path),
                    {"this lesson reads no data of yours"}, out);
    }
  }
}

}  // TEST_SUITE
