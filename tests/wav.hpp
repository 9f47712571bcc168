// A WAV file's bytes for the tests of the audio reader and of lesson 20's recordings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rnnlab::testing {

// A RIFF WAVE file of 16-bit samples at `rate`, with the header's channels and bits as given.
inline std::string wav_bytes(const std::vector<std::int16_t>& samples, std::uint32_t rate = 22050,
                             std::uint16_t channels = 1, std::uint16_t bits = 16) {
  auto u32 = [](std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto u16 = [](std::uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  std::string data;
  for (std::int16_t s : samples) data += u16(static_cast<std::uint16_t>(s));
  const std::string format =
      u16(1) + u16(channels) + u32(rate) + u32(rate * 2 * channels) + u16(2 * channels) + u16(bits);
  const std::string body =
      "WAVE" + std::string("fmt ") + u32(16) + format + "data" + u32(static_cast<std::uint32_t>(data.size())) + data;
  return "RIFF" + u32(static_cast<std::uint32_t>(body.size())) + body;
}

}  // namespace rnnlab::testing
