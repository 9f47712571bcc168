#include "tensor/npy.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace rnnlab {

static_assert(std::endian::native == std::endian::little,
              "the .npy reader and writer copy little-endian bytes straight into memory");

namespace {

constexpr std::string_view magic = "\x93NUMPY";

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw FormatError("npy: " + source + ": " + what);
}

// A tiny reader for the header dict: enough Python literal syntax for the three keys numpy writes.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  // The text right after "'key':" (or "\"key\":"), with leading spaces skipped.
  std::string_view value_of(std::string_view key) {
    for (char quote : {'\'', '"'}) {
      const std::string quoted = std::string(1, quote) + std::string(key) + quote;
      std::size_t at = text_.find(quoted);
      if (at == std::string_view::npos) continue;
      at += quoted.size();
      at = skip_spaces(at);
      if (at >= text_.size() || text_[at] != ':') fail(source_, "header has no ':' after '" + std::string(key) + "'");
      return text_.substr(skip_spaces(at + 1));
    }
    fail(source_, "header has no '" + std::string(key) + "' entry: " + std::string(text_));
  }

  std::string string_value(std::string_view key) {
    const std::string_view v = value_of(key);
    if (v.empty() || (v[0] != '\'' && v[0] != '"')) fail(source_, "'" + std::string(key) + "' is not a string");
    const std::size_t end = v.find(v[0], 1);
    if (end == std::string_view::npos) fail(source_, "'" + std::string(key) + "' has an unterminated string");
    return std::string(v.substr(1, end - 1));
  }

  bool bool_value(std::string_view key) {
    const std::string_view v = value_of(key);
    if (v.starts_with("True")) return true;
    if (v.starts_with("False")) return false;
    fail(source_, "'" + std::string(key) + "' is neither True nor False");
  }

  Shape tuple_value(std::string_view key) {
    const std::string_view v = value_of(key);
    if (v.empty() || v[0] != '(') fail(source_, "'" + std::string(key) + "' is not a tuple");
    const std::size_t end = v.find(')');
    if (end == std::string_view::npos) fail(source_, "'" + std::string(key) + "' has an unterminated tuple");
    Shape shape;
    std::size_t i = 1;
    while (i < end) {
      while (i < end && (v[i] == ' ' || v[i] == ',')) ++i;
      if (i >= end) break;
      if (v[i] < '0' || v[i] > '9') fail(source_, "shape " + std::string(v.substr(0, end + 1)) + " is not a tuple of sizes");
      std::size_t d = 0;
      while (i < end && v[i] >= '0' && v[i] <= '9') {
        const std::size_t digit = static_cast<std::size_t>(v[i] - '0');
        if (d > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail(source_, "a size in the shape overflows");
        d = d * 10 + digit;
        ++i;
      }
      if (i < end && v[i] != ',' && v[i] != ' ') fail(source_, "shape " + std::string(v.substr(0, end + 1)) + " is malformed");
      shape.push_back(d);
    }
    return shape;
  }

 private:
  std::size_t skip_spaces(std::size_t at) const {
    while (at < text_.size() && text_[at] == ' ') ++at;
    return at;
  }
  std::string_view text_;
  const std::string& source_;
};

}  // namespace

std::string encode_npy(const Tensor& t) {
  std::string shape = "(";
  for (std::size_t i = 0; i < t.dim(); ++i) shape += std::to_string(t.shape()[i]) + (t.dim() == 1 ? "," : i + 1 < t.dim() ? ", " : "");
  shape += ")";
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and end with '\n' so that magic (6) + version (2) + length field + header is a multiple of 64.
  const bool v1 = header.size() + 1 + 10 <= 65535;
  const std::size_t prefix = v1 ? 10 : 12;
  header += std::string((64 - (prefix + header.size() + 1) % 64) % 64, ' ') + '\n';

  std::string out(magic);
  out += static_cast<char>(v1 ? 1 : 2);
  out += '\0';
  const std::size_t length = header.size();
  for (std::size_t i = 0; i < (v1 ? 2u : 4u); ++i) out += static_cast<char>((length >> (8 * i)) & 0xFF);
  out += header;
  if (!t.empty()) out.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(real));
  return out;
}

Tensor decode_npy(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 10 || bytes.substr(0, 6) != magic) fail(source, "not a .npy file (missing the \\x93NUMPY magic)");
  const auto major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) fail(source, "unsupported .npy version " + std::to_string(major));
  const std::size_t field = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + field) fail(source, "truncated header");
  std::size_t header_length = 0;
  for (std::size_t i = 0; i < field; ++i) header_length |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
  const std::size_t data_start = 8 + field + header_length;
  if (bytes.size() < data_start) {
    fail(source, "truncated header (" + std::to_string(header_length) + " header bytes announced, " +
                     std::to_string(bytes.size() - 8 - field) + " present)");
  }
  HeaderParser header(bytes.substr(8 + field, header_length), source);
  const std::string descr = header.string_value("descr");
  if (header.bool_value("fortran_order")) fail(source, "Fortran-order arrays are not supported; save with C order");
  const Shape shape = header.tuple_value("shape");

  std::size_t item = 0;
  if (descr == "<f8") {
    item = 8;
  } else if (descr == "<f4") {
    item = 4;
  } else {
    fail(source, "dtype '" + descr + "' is not supported (only '<f8' and '<f4')");
  }
  std::size_t count = 1;
  for (std::size_t d : shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / item / d) fail(source, "shape " + to_string(shape) + " is too large");
    count *= d;
  }
  const std::size_t available = bytes.size() - data_start;
  if (available != count * item) {
    fail(source, "shape " + to_string(shape) + " of '" + descr + "' needs " + std::to_string(count * item) +
                     " data bytes, but the file has " + std::to_string(available) +
                     (available < count * item ? " (truncated)" : " (trailing bytes)"));
  }
  Tensor t(shape);
  const char* data = bytes.data() + data_start;
  if (count == 0) return t;  // (memcpy with the null data pointer of an empty tensor would be undefined)
  if (item == 8) {
    std::memcpy(t.data(), data, count * 8);
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      float f;
      std::memcpy(&f, data + 4 * i, 4);
      t[i] = f;
    }
  }
  return t;
}

std::string read_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw FormatError("cannot read '" + path + "': it is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormatError("cannot open '" + path + "': " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw FormatError("cannot read '" + path + "'");
  return std::move(content).str();
}

void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::function<void(std::size_t written)>& after_chunk) {
  if (path.empty()) throw FormatError("cannot write a file with an empty name");
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw FormatError("cannot write '" + path + "': it is a folder");
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw FormatError("cannot write '" + temporary + "': " + std::strerror(errno));
  auto abandon = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(temporary.c_str());
    throw FormatError(what + " '" + temporary + "': " + reason);
  };
  constexpr std::size_t chunk = 64 * 1024;
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, std::min(chunk, bytes.size() - written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) abandon("cannot write");
    written += static_cast<std::size_t>(n);
    if (after_chunk) {
      try {
        after_chunk(written);
      } catch (...) {
        ::close(fd);
        ::unlink(temporary.c_str());
        throw;
      }
    }
  }
  if (::fsync(fd) != 0) abandon("cannot flush");
  if (::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw FormatError("cannot close '" + temporary + "': " + reason);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw FormatError("cannot rename '" + temporary + "' to '" + path + "': " + reason);
  }
  // Make the rename itself durable: flush the folder's entry too.
  const std::size_t slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void save_npy(const std::string& path, const Tensor& t) { write_file_atomically(path, encode_npy(t)); }

Tensor load_npy(const std::string& path) { return decode_npy(read_file(path), path); }

}  // namespace rnnlab
