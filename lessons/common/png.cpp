#include "lessons/common/png.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace rnnlab::lessons::png {

unsigned long crc32(std::string_view bytes) {
  static const std::array<unsigned long, 256> table = [] {
    std::array<unsigned long, 256> t{};
    for (unsigned long n = 0; n < 256; ++n) {
      unsigned long c = n;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320UL ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  unsigned long c = 0xFFFFFFFFUL;
  for (unsigned char byte : bytes) c = table[(c ^ byte) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFUL;
}

unsigned long adler32(std::string_view bytes) {
  unsigned long a = 1, b = 0;
  for (unsigned char byte : bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

namespace {

void append_big_endian(std::string& out, unsigned long value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

// A chunk: length, type, data, and the CRC-32 of type and data.
void append_chunk(std::string& out, std::string_view type, std::string_view data) {
  append_big_endian(out, data.size());
  std::string body(type);
  body += data;
  out += body;
  append_big_endian(out, crc32(body));
}

}  // namespace

std::string encode_rgb(std::size_t width, std::size_t height, const std::vector<unsigned char>& rgb) {
  if (width == 0 || height == 0 || rgb.size() != width * height * 3) {
    throw std::invalid_argument("png::encode_rgb: " + std::to_string(rgb.size()) + " bytes for a " +
                                std::to_string(width) + " x " + std::to_string(height) + " RGB image");
  }
  // Every row starts with its filter type, 0 (none).
  std::string raw;
  raw.reserve(height * (1 + 3 * width));
  for (std::size_t y = 0; y < height; ++y) {
    raw += '\0';
    raw.append(reinterpret_cast<const char*>(rgb.data() + y * 3 * width), 3 * width);
  }
  // zlib: CMF 0x78 (deflate, 32K window), FLG 0x01 (so that CMF * 256 + FLG is a multiple of 31); then stored
  // blocks of at most 65535 bytes, each with BFINAL on the last, LEN and its complement NLEN (little-endian).
  std::string zlib = "\x78\x01";
  for (std::size_t at = 0; at < raw.size(); at += 65535) {
    const std::size_t length = std::min<std::size_t>(65535, raw.size() - at);
    zlib += static_cast<char>(at + length == raw.size() ? 1 : 0);
    zlib += static_cast<char>(length & 0xFF);
    zlib += static_cast<char>(length >> 8);
    zlib += static_cast<char>(~length & 0xFF);
    zlib += static_cast<char>((~length >> 8) & 0xFF);
    zlib.append(raw, at, length);
  }
  append_big_endian(zlib, adler32(raw));

  std::string header;
  append_big_endian(header, width);
  append_big_endian(header, height);
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, adaptive filtering, no interlace
  std::string out = "\x89PNG\r\n\x1a\n";
  append_chunk(out, "IHDR", header);
  append_chunk(out, "IDAT", zlib);
  append_chunk(out, "IEND", "");
  return out;
}

std::string base64(std::string_view bytes) {
  static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const unsigned long n =
        static_cast<unsigned long>(static_cast<unsigned char>(bytes[i])) << 16 |
        (i + 1 < bytes.size() ? static_cast<unsigned long>(static_cast<unsigned char>(bytes[i + 1])) << 8 : 0) |
        (i + 2 < bytes.size() ? static_cast<unsigned long>(static_cast<unsigned char>(bytes[i + 2])) : 0);
    out += digits[(n >> 18) & 63];
    out += digits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[n & 63] : '=';
  }
  return out;
}

}  // namespace rnnlab::lessons::png
