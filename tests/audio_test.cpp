#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "check.hpp"
#include "lessons/common/audio.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

namespace {

// A RIFF WAVE file of 16-bit mono samples, with the header's fields as given.
std::string wav_bytes(const std::vector<std::int16_t>& samples, std::uint16_t channels = 1, std::uint16_t bits = 16) {
  auto u32 = [](std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto u16 = [](std::uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  std::string data;
  for (std::int16_t s : samples) data += u16(static_cast<std::uint16_t>(s));
  const std::string format =
      u16(1) + u16(channels) + u32(22050) + u32(22050 * 2 * channels) + u16(2 * channels) + u16(bits);
  const std::string body =
      "WAVE" + std::string("fmt ") + u32(16) + format + "data" + u32(static_cast<std::uint32_t>(data.size())) + data;
  return "RIFF" + u32(static_cast<std::uint32_t>(body.size())) + body;
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("rnnlab_audio_test_" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path.string();
}

}  // namespace

TEST_SUITE("lessons") {
  TEST_CASE("audio: a WAV file's samples are read back and anything but mono 16-bit PCM is refused by name") {
    const std::string good = write_temp("good.wav", wav_bytes({0, 16384, -32768, 32767}));
    const audio::Sound s = audio::read_wav(good);
    CHECK(s.rate == 22050);
    REQUIRE(s.samples.size() == 4);
    CHECK(s.samples[1] == 0.5);
    CHECK(s.samples[2] == -1);
    const std::string stereo = write_temp("stereo.wav", wav_bytes({1, 2}, 2));
    CHECK_CONTAINS(message_of<InputError>([&] { (void)audio::read_wav(stereo); }), "only mono 16-bit PCM");
    std::string cut = wav_bytes({1, 2, 3, 4});
    cut.resize(cut.size() - 4);
    const std::string short_file = write_temp("cut.wav", cut);
    CHECK_CONTAINS(message_of<InputError>([&] { (void)audio::read_wav(short_file); }), "cut short");
    const std::string text = write_temp("text.wav", "hello, not a sound");
    CHECK(message_of<InputError>([&] { (void)audio::read_wav(text); }) == text + ": not a RIFF WAVE file");
  }

  TEST_CASE("audio: the mel scale and its filters") {
    CHECK(audio::hz_to_mel(1000) == doctest::Approx(1000).epsilon(1e-3));  // the scale's anchor: 1000 Hz is 1000 mel
    CHECK(audio::mel_to_hz(audio::hz_to_mel(3456)) == doctest::Approx(3456).epsilon(1e-12));
    const audio::SpectrogramConfig c;
    const Tensor filters = audio::mel_filterbank(c, 22050);
    REQUIRE(filters.shape() == Shape{c.mels, c.frame / 2 + 1});
    const std::size_t bins = c.frame / 2 + 1;
    std::size_t previous_peak = 0;
    for (std::size_t m = 0; m < c.mels; ++m) {
      const real* row = filters.data() + m * bins;
      const auto peak = static_cast<std::size_t>(std::max_element(row, row + bins) - row);
      CHECK(row[peak] > 0.5);  // each filter is a triangle that reaches near 1 at a bin close to its center
      CHECK(row[peak] <= 1);
      CHECK(peak >= previous_peak);  // centers rise with m
      previous_peak = peak;
    }
  }

  TEST_CASE("audio: a pure tone's spectrogram is loudest in the band of its pitch") {
    audio::Sound tone{{}, 22050};
    for (std::size_t t = 0; t < 22050 / 4; ++t)
      tone.samples.push_back(0.5 * std::sin(2 * std::numbers::pi * 1000.0 * t / 22050));
    const audio::SpectrogramConfig c;
    const Tensor spectrogram = audio::log_mel_spectrogram(tone, c);
    const Tensor filters = audio::mel_filterbank(c, 22050);
    const std::size_t bins = c.frame / 2 + 1,
                      bin_of_1000 = static_cast<std::size_t>(std::lround(1000.0 * c.frame / 22050));
    std::size_t expected = 0;
    for (std::size_t m = 1; m < c.mels; ++m) {
      if (filters[m * bins + bin_of_1000] > filters[expected * bins + bin_of_1000]) expected = m;
    }
    for (std::size_t f = 0; f < spectrogram.shape()[0]; ++f) {
      const real* row = spectrogram.data() + f * c.mels;
      CHECK(static_cast<std::size_t>(std::max_element(row, row + c.mels) - row) == expected);
    }
    CHECK(audio::log_mel_spectrogram({{0.1, 0.2}, 22050}, c).shape() == Shape{1, c.mels});  // shorter than a frame
  }

}  // TEST_SUITE
