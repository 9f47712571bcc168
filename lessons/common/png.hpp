// PNG images, written here with no dependency: what a heat map of tens of thousands of cells embeds in its SVG
// instead of one <rect> a cell (lesson 10's error surface: 2.9 MB of rectangles, 160 KB as an image).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rnnlab::lessons::png {

// An 8-bit RGB image, `rgb` holding width * height * 3 bytes row by row from the top, as a PNG file. The pixel data
// is stored, not compressed (zlib's "stored" deflate blocks), so the encoder stays a few lines: the chunks with
// their CRC-32, the zlib stream with its Adler-32 (RFC 1950, 1951; the PNG specification, 2003).
std::string encode_rgb(std::size_t width, std::size_t height, const std::vector<unsigned char>& rgb);

// Base64 (RFC 4648), for a data: URI.
std::string base64(std::string_view bytes);

// CRC-32 as PNG uses it (polynomial 0xEDB88320, reflected), and Adler-32 as zlib does; exposed for the tests.
unsigned long crc32(std::string_view bytes);
unsigned long adler32(std::string_view bytes);

}  // namespace rnnlab::lessons::png
