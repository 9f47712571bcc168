// A learner's own data (--data FILE): the one place that opens it, so that every lesson refuses a bad file the
// same way. A file that cannot be used throws InputError; lesson_main prints its one line ("PROGRAM: FILE line N:
// what is wrong") and exits 2. Lessons read their data before they print or write anything.
//
// Each lesson's reader is split in two, read_X(path) = parse_X(read_input_file(path), path), so that the parser,
// which sees only text, can be fed anything by the tests and the fuzzers (tests/fuzz).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rnnlab::lessons {

// A --data file (or its text) that cannot be used. The message names the file, and the line where there is one.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The largest file a lesson reads: 64 MiB, far more than any lesson trains on in its minute.
inline constexpr std::size_t max_input_bytes = std::size_t{64} << 20;

// The bytes of the file at `path`. Refuses a missing or unreadable path, a directory or other non-regular file,
// and a file larger than max_bytes.
std::string read_input_file(const std::string& path, std::size_t max_bytes = max_input_bytes);

// Refuses text a lesson cannot read, naming `name` (the file): empty (or only white space), a NUL byte (a binary
// file), or bytes that are not UTF-8.
void check_text(std::string_view text, const std::string& name);

// check_text, then the lines of `text` without their "\n" or "\r\n". Refuses a line longer than max_line bytes.
std::vector<std::string_view> text_lines(std::string_view text, const std::string& name, std::size_t max_line);

// The words of a line: runs of characters other than spaces and tabs.
std::vector<std::string_view> split_words(std::string_view line);

// Throws InputError "NAME line N: WHAT".
[[noreturn]] void refuse_line(const std::string& name, std::size_t line, const std::string& what);

// The decimal number `field` spells in full ("-1.5", "2e3", "+7"), for line `line` of `name`. Refuses anything
// else ("expected a number, got '...'") and a value larger than `limit` in size, NaN or one that does not fit in a
// double ("the value '...' is out of range (at most LIMIT in size)", with `limit` as written in `limit_text`).
double number_field(std::string_view field, const std::string& name, std::size_t line, double limit,
                    const char* limit_text);

// Up to 40 bytes of `text` in quotes, cut at a character boundary and marked "..." when cut: how a message shows
// what it found.
std::string quoted(std::string_view text);

}  // namespace rnnlab::lessons
