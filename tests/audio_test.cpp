#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "check.hpp"
#include "lessons/common/audio.hpp"
#include "lessons/common/input.hpp"
#include "wav.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;
using rnnlab::testing::wav_bytes;

namespace {

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
    const std::string stereo = write_temp("stereo.wav", wav_bytes({1, 2}, 22050, 2));
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

  TEST_CASE("audio: resampling keeps a tone below both Nyquist frequencies and removes one above the lower") {
    auto tone = [](double hz, std::size_t rate, double seconds) {
      audio::Sound s{{}, rate};
      for (std::size_t t = 0; t < static_cast<std::size_t>(seconds * static_cast<double>(rate)); ++t) {
        s.samples.push_back(0.5 *
                            std::sin(2 * std::numbers::pi * hz * static_cast<double>(t) / static_cast<double>(rate)));
      }
      return s;
    };
    // The root mean square over the middle half (away from the ends, where the kernel runs out of samples).
    auto rms = [](const audio::Sound& s) {
      double sum = 0;
      const std::size_t from = s.samples.size() / 4, to = 3 * s.samples.size() / 4;
      for (std::size_t t = from; t < to; ++t) sum += s.samples[t] * s.samples[t];
      return std::sqrt(sum / static_cast<double>(to - from));
    };
    for (const auto& rates :
         std::vector<std::pair<std::size_t, std::size_t>>{{44100, 22050}, {48000, 22050}, {16000, 22050}}) {
      const std::size_t from = rates.first, to = rates.second;  // variables, not bindings: CAPTURE captures them
      CAPTURE(from);
      const audio::Sound kept = audio::resample(tone(1000, from, 0.5), to);
      CHECK(kept.rate == to);
      CHECK(kept.samples.size() == static_cast<std::size_t>(0.5 * static_cast<double>(to)));
      // The same tone at the new rate, sample for sample (within 1% of its amplitude).
      const audio::Sound expected = tone(1000, to, 0.5);
      double worst = 0;
      for (std::size_t t = kept.samples.size() / 4; t < 3 * kept.samples.size() / 4; ++t) {
        worst = std::max(worst, std::abs(kept.samples[t] - expected.samples[t]));
      }
      CHECK(worst < 0.005);
    }
    // 15 kHz is above 22050 Hz's Nyquist frequency: it would fold back to 7050 Hz; filtered, almost nothing is left.
    CHECK(rms(audio::resample(tone(15000, 44100, 0.5), 22050)) < 0.01 * rms(tone(15000, 44100, 0.5)));
    const audio::Sound same = tone(440, 22050, 0.1);
    CHECK(audio::resample(same, 22050).samples == same.samples);
  }

}  // TEST_SUITE
