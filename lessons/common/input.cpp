#include "lessons/common/input.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace rnnlab::lessons {

namespace {

// The length of the UTF-8 sequence starting at text[i], or 0 if it is not one. A sequence is a lead byte
// (0xxxxxxx, 110xxxxx, 1110xxxx or 11110xxx) and then 0 to 3 continuation bytes (10xxxxxx), in its shortest form
// (no overlong encodings), not a UTF-16 surrogate (U+D800..U+DFFF) and at most U+10FFFF: RFC 3629's table.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong 3-byte forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong 4-byte forms
    if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

std::string hex_byte(std::uint8_t b) {
  const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

}  // namespace

std::string read_input_file(const std::string& path, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) throw InputError(path + ": no such file");
  if (fs::is_directory(status)) throw InputError(path + ": is a folder; --data takes a file");
  if (!fs::is_regular_file(status)) throw InputError(path + ": is not a regular file");
  const std::uintmax_t size = fs::file_size(path, error);
  if (error) throw InputError(path + ": cannot read its size (" + error.message() + ")");
  if (size > max_bytes) {
    throw InputError(path + ": is " + std::to_string(size) + " bytes; the lessons read files of at most " +
                     std::to_string(max_bytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": a read error");
  return bytes;
}

void check_text(std::string_view text, const std::string& name) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\0') refuse_line(name, line, "a NUL byte: this looks like a binary file, not text");
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {
      refuse_line(name, line, "byte " + hex_byte(static_cast<std::uint8_t>(text[i])) +
                                  " is not UTF-8 text (save the file as UTF-8)");
    }
    if (text[i] == '\n') ++line;
    i += length;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) throw InputError(name + ": is empty");
}

std::vector<std::string_view> text_lines(std::string_view text, const std::string& name, std::size_t max_line) {
  check_text(text, name);
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_line) {
      refuse_line(name, lines.size() + 1, "is " + std::to_string(line.size()) + " bytes long; lines of at most " +
                                              std::to_string(max_line) + " are read");
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t start = line.find_first_not_of(" \t");
  while (start != std::string_view::npos) {
    const std::size_t end = line.find_first_of(" \t", start);
    words.push_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    start = end == std::string_view::npos ? end : line.find_first_not_of(" \t", end);
  }
  return words;
}

void refuse_line(const std::string& name, std::size_t line, const std::string& what) {
  throw InputError(name + " line " + std::to_string(line) + ": " + what);
}

std::string quoted(std::string_view text) {
  constexpr std::size_t shown = 40;
  if (text.size() <= shown) return "'" + std::string(text) + "'";
  std::size_t cut = shown;
  while (cut > 0 && (static_cast<std::uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return "'" + std::string(text.substr(0, cut)) + "...'";
}

double number_field(std::string_view field, const std::string& name, std::size_t line, double limit,
                    const char* limit_text) {
  std::string_view digits = field;
  if (digits.size() > 1 && digits.front() == '+') digits.remove_prefix(1);
  // std::strtod reads the "C" locale's decimal point (no program here changes the locale). It would also skip
  // leading white space and read a second sign or a hexadecimal number ("0x1p3"): those are refused first.
  const std::string_view magnitude = digits.substr(!digits.empty() && digits.front() == '-' ? 1 : 0);
  const auto starts_well = [](char first) {
    return std::isdigit(static_cast<unsigned char>(first)) || first == '.' ||
           std::isalpha(static_cast<unsigned char>(first));  // "inf", "nan"
  };
  const bool hexadecimal = magnitude.size() > 1 && magnitude[0] == '0' && (magnitude[1] == 'x' || magnitude[1] == 'X');
  const bool plain = !magnitude.empty() && starts_well(magnitude.front()) && !hexadecimal;
  const std::string text(digits);
  char* end = nullptr;
  errno = 0;
  const double value = plain ? std::strtod(text.c_str(), &end) : 0;
  if (!plain || end != text.c_str() + text.size()) refuse_line(name, line, "expected a number, got " + quoted(field));
  if (errno == ERANGE || !(std::abs(value) <= limit)) {
    refuse_line(name, line,
                "the value " + quoted(field) + " is out of range (at most " + limit_text + " in size)");
  }
  return value;
}

}  // namespace rnnlab::lessons
