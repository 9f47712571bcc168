// Sound for lesson 20: reading a WAV file, and the log-mel spectrogram that speech recognizers have read since
// the 1980s (Davis & Mermelstein 1980): short overlapping frames, a window, the FFT's power spectrum, a bank of
// triangular filters spaced evenly on the mel scale (as the ear resolves pitch), and the log of each filter's
// energy (as the ear hears loudness).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace rnnlab::lessons::audio {

struct Sound {
  std::vector<double> samples;  // mono, in [-1, 1)
  std::size_t rate = 0;         // samples per second
};

// A RIFF WAVE file of 16-bit PCM samples, mono (what eSpeak NG writes). Throws InputError naming the file and what
// is wrong for anything else, or for a file cut short.
Sound read_wav(const std::string& path);

// The sound at another sampling rate, by band-limited interpolation: each output sample is the sum of the input
// samples around its time under a windowed sinc, h(u) = g sinc(g u) with g = min(1, rate / sound.rate) (in input
// samples; the cutoff is the lower of the two Nyquist frequencies, so that nothing above it folds back), Hann-windowed
// to 16 zero crossings each side. The same rate returns the sound as it is.
Sound resample(const Sound& sound, std::size_t rate);

struct SpectrogramConfig {
  std::size_t frame = 512;       // samples a frame (a power of two: 23 ms at 22050 Hz)
  std::size_t hop = 512;         // samples from one frame's start to the next (23 ms)
  std::size_t mels = 32;         // triangular filters
  double low = 80, high = 7600;  // the band they cover, in Hz
};

// mel(f) = 2595 log10(1 + f / 700) (O'Shaughnessy 1987): about linear below 1 kHz, logarithmic above.
double hz_to_mel(double hz);
double mel_to_hz(double mel);

// The filters' weights, [mels, frame / 2 + 1]: filter m rises linearly from the center frequency of filter m - 1
// to its own and falls to that of m + 1; the centers are evenly spaced in mel from `low` to `high`.
Tensor mel_filterbank(const SpectrogramConfig& config, std::size_t rate);

// Added to every filter's energy before the log, so that silence (energy 0) has a finite log.
inline constexpr double energy_floor = 1e-6;

// [frames, mels]: log(filter energies + energy_floor) of Hann-windowed frames. A sound shorter than one frame gives one
// frame, zero-padded.
Tensor log_mel_spectrogram(const Sound& sound, const SpectrogramConfig& config);

}  // namespace rnnlab::lessons::audio
