#include <cmath>
#include <numbers>

#include "check.hpp"
#include "tensor/fft.hpp"
#include "tensor/random.hpp"

using namespace rnnlab;

TEST_SUITE("tensor") {
  TEST_CASE("fft equals the naive DFT for every power of two up to 1024") {
    Rng rng(5);
    for (std::size_t n = 1; n <= 1024; n *= 2) {
      std::vector<complex> x(n);
      for (complex& v : x) v = {rng.normal(), rng.normal()};
      std::vector<complex> fast = x;
      fft(fast);
      const std::vector<complex> slow = dft_naive(x);
      double worst = 0, scale = 0;
      for (std::size_t k = 0; k < n; ++k) {
        worst = std::max(worst, std::abs(fast[k] - slow[k]));
        scale = std::max(scale, std::abs(slow[k]));
      }
      INFO("N = " << n << ", largest difference " << worst << " of " << scale);
      CHECK(worst <= 1e-12 * std::max(1.0, scale));
    }
  }

  TEST_CASE("fft: a cosine of k cycles puts N/2 in bins k and N - k (and the power spectrum says so)") {
    const std::size_t n = 64, k = 5;
    std::vector<real> signal(n);
    for (std::size_t t = 0; t < n; ++t) signal[t] = std::cos(2 * std::numbers::pi * k * t / n);
    const std::vector<real> power = power_spectrum(signal);
    REQUIRE(power.size() == n / 2 + 1);
    for (std::size_t j = 0; j < power.size(); ++j) {
      CHECK(power[j] == doctest::Approx(j == k ? (n / 2.0) * (n / 2.0) : 0).epsilon(1e-12).scale(1));
    }
    // Parseval: sum |x_t|^2 = (1/N) sum |X_k|^2.
    std::vector<complex> x(signal.begin(), signal.end());
    fft(x);
    double time_energy = 0, frequency_energy = 0;
    for (std::size_t t = 0; t < n; ++t) time_energy += signal[t] * signal[t];
    for (const complex& v : x) frequency_energy += std::norm(v);
    CHECK(frequency_energy / n == doctest::Approx(time_energy).epsilon(1e-12));
  }

  TEST_CASE("fft refuses a length that is not a power of two") {
    std::vector<complex> x(12);
    CHECK_THROWS_WITH_AS(fft(x), "fft: 12 samples; the radix-2 FFT needs a power of two", ShapeError);
    std::vector<complex> empty;
    CHECK_THROWS_AS(fft(empty), ShapeError);
  }

}  // TEST_SUITE
