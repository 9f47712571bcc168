#include "lessons/common/audio.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "lessons/common/input.hpp"
#include "tensor/fft.hpp"

namespace rnnlab::lessons::audio {

namespace {

// Little-endian integers at `at`; the caller has checked the bytes are there.
std::uint32_t u32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
std::uint16_t u16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}

}  // namespace

Sound read_wav(const std::string& path) {
  const std::string bytes = read_input_file(path);
  auto refuse = [&](const std::string& what) { throw InputError(path + ": " + what); };
  if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) {
    refuse("not a RIFF WAVE file");
  }
  Sound sound;
  bool format_seen = false;
  // Chunks: a 4-byte name, a 4-byte size, the data (padded to an even size). "fmt " must come before "data".
  for (std::size_t at = 12; at + 8 <= bytes.size();) {
    const std::string name = bytes.substr(at, 4);
    const std::size_t size = u32(bytes, at + 4), start = at + 8;
    if (size > bytes.size() - start) {
      // eSpeak NG writing to a pipe leaves the data size at its maximum; a file of ours always has it right.
      refuse("chunk '" + name + "' is cut short");
    }
    if (name == "fmt ") {
      if (size < 16) refuse("its format chunk is too short");
      const std::uint16_t format = u16(bytes, start), channels = u16(bytes, start + 2), bits = u16(bytes, start + 14);
      sound.rate = u32(bytes, start + 4);
      if (format != 1 || channels != 1 || bits != 16 || sound.rate == 0) {
        refuse("holds " + std::to_string(channels) + " channel(s) of " + std::to_string(bits) +
               "-bit samples in format " + std::to_string(format) + "; only mono 16-bit PCM is read");
      }
      format_seen = true;
    } else if (name == "data") {
      if (!format_seen) refuse("its data comes before its format");
      sound.samples.resize(size / 2);
      for (std::size_t i = 0; i < sound.samples.size(); ++i) {
        sound.samples[i] = static_cast<std::int16_t>(u16(bytes, start + 2 * i)) / 32768.0;
      }
      return sound;
    }
    at = start + size + size % 2;
  }
  refuse("has no data chunk");
  return sound;  // not reached
}

Sound resample(const Sound& sound, std::size_t rate) {
  if (rate == sound.rate || sound.samples.empty()) return {sound.samples, rate};
  const double step = static_cast<double>(sound.rate) / static_cast<double>(rate);  // input samples per output one
  const double g = std::min(1.0, 1 / step), reach = 16 / g;  // the kernel's half-width, in input samples
  const std::size_t n = sound.samples.size() * rate / sound.rate;
  const auto last = static_cast<long>(sound.samples.size()) - 1;
  Sound out{std::vector<double>(n), rate};
  for (std::size_t i = 0; i < n; ++i) {
    const double center = static_cast<double>(i) * step;
    double sum = 0;
    for (long k = std::max(0L, static_cast<long>(std::ceil(center - reach)));
         k <= std::min(last, static_cast<long>(std::floor(center + reach))); ++k) {
      const double u = center - static_cast<double>(k), x = std::numbers::pi * g * u;
      const double sinc = u == 0 ? 1 : std::sin(x) / x, window = 0.5 + 0.5 * std::cos(std::numbers::pi * u / reach);
      sum += sound.samples[static_cast<std::size_t>(k)] * g * sinc * window;
    }
    out.samples[i] = sum;
  }
  return out;
}

double hz_to_mel(double hz) { return 2595 * std::log10(1 + hz / 700); }
double mel_to_hz(double mel) { return 700 * (std::pow(10, mel / 2595) - 1); }

Tensor mel_filterbank(const SpectrogramConfig& c, std::size_t rate) {
  const std::size_t bins = c.frame / 2 + 1;
  // mels + 2 edges, evenly spaced in mel: filter m spans edges m .. m + 2 and peaks at edge m + 1.
  std::vector<double> edges(c.mels + 2);
  const double low = hz_to_mel(c.low), high = hz_to_mel(c.high);
  for (std::size_t i = 0; i < edges.size(); ++i) {
    edges[i] = mel_to_hz(low + (high - low) * static_cast<double>(i) / static_cast<double>(c.mels + 1));
  }
  Tensor weights({c.mels, bins});
  for (std::size_t m = 0; m < c.mels; ++m) {
    for (std::size_t k = 0; k < bins; ++k) {
      const double f = static_cast<double>(k) * static_cast<double>(rate) / static_cast<double>(c.frame);
      const double rising = (f - edges[m]) / (edges[m + 1] - edges[m]);
      const double falling = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
      weights[m * bins + k] = std::max(0.0, std::min(rising, falling));
    }
  }
  return weights;
}

Tensor log_mel_spectrogram(const Sound& sound, const SpectrogramConfig& c) {
  const std::size_t n = sound.samples.size();
  const std::size_t frames = n <= c.frame ? 1 : 1 + (n - c.frame) / c.hop;
  const std::size_t bins = c.frame / 2 + 1;
  const Tensor filters = mel_filterbank(c, sound.rate);
  // The Hann window, 0.5 - 0.5 cos(2 pi t / N), tapers each frame to zero at its ends, so that cutting the sound
  // into frames does not add the cut's own broadband click to the spectrum.
  std::vector<double> window(c.frame);
  for (std::size_t t = 0; t < c.frame; ++t) {
    window[t] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(t) / static_cast<double>(c.frame));
  }
  Tensor out({frames, c.mels});
  std::vector<double> frame(c.frame);
  for (std::size_t f = 0; f < frames; ++f) {
    for (std::size_t t = 0; t < c.frame; ++t) {
      const std::size_t at = f * c.hop + t;
      frame[t] = at < n ? sound.samples[at] * window[t] : 0;
    }
    const std::vector<real> power = power_spectrum(frame);
    for (std::size_t m = 0; m < c.mels; ++m) {
      double energy = 0;
      for (std::size_t k = 0; k < bins; ++k) energy += filters[m * bins + k] * power[k];
      out[f * c.mels + m] = std::log(energy + energy_floor);
    }
  }
  return out;
}

}  // namespace rnnlab::lessons::audio
