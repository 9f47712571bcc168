#include "tensor/fft.hpp"

#include <cmath>
#include <numbers>
#include <string>
#include <utility>

namespace rnnlab {

void fft(std::vector<complex>& x) {
  const std::size_t n = x.size();
  if (n == 0 || (n & (n - 1)) != 0) {
    throw ShapeError("fft: " + std::to_string(n) + " samples; the radix-2 FFT needs a power of two");
  }
  // Split into even and odd samples recursively, done bottom-up: first put sample n at the position whose binary
  // digits are n's reversed, then merge pairs of half-length transforms E and O with butterflies,
  //   X_k = E_k + w^k O_k,   X_(k + len/2) = E_k - w^k O_k,   w = e^(-2 pi i / len).
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j |= bit;
    if (i < j) std::swap(x[i], x[j]);
  }
  // The twiddle factors of the largest stage, each from its own cos and sin (not by repeated multiplication, whose
  // rounding grows with N); a stage of length len uses every (n / len)-th.
  std::vector<complex> twiddle(n / 2);
  for (std::size_t k = 0; k < n / 2; ++k) {
    twiddle[k] = std::polar(real{1}, -2 * std::numbers::pi * static_cast<real>(k) / static_cast<real>(n));
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len / 2, step = n / len;
    for (std::size_t start = 0; start < n; start += len) {
      for (std::size_t k = 0; k < half; ++k) {
        const complex even = x[start + k], odd = twiddle[k * step] * x[start + k + half];
        x[start + k] = even + odd;
        x[start + k + half] = even - odd;
      }
    }
  }
}

std::vector<complex> dft_naive(const std::vector<complex>& x) {
  const std::size_t n = x.size();
  std::vector<complex> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t t = 0; t < n; ++t) {
      // (k t) mod n keeps the angle in [0, 2 pi), where cos and sin are exact to the last bits.
      const real angle = -2 * std::numbers::pi * static_cast<real>((k * t) % n) / static_cast<real>(n);
      out[k] += x[t] * std::polar(real{1}, angle);
    }
  }
  return out;
}

std::vector<real> power_spectrum(const std::vector<real>& signal) {
  std::vector<complex> x(signal.begin(), signal.end());
  fft(x);
  std::vector<real> power(x.size() / 2 + 1);
  for (std::size_t k = 0; k < power.size(); ++k) power[k] = std::norm(x[k]);
  return power;
}

}  // namespace rnnlab
