// The discrete Fourier transform, X_k = sum_n x_n e^(-2 pi i k n / N), by the radix-2 fast Fourier transform
// (Cooley & Tukey 1965): N log2 N operations instead of N^2. Lesson 20 turns sound into spectrograms with it.
#pragma once

#include <complex>
#include <vector>

#include "tensor/shape.hpp"

namespace rnnlab {

using complex = std::complex<real>;

// In place: x <- DFT(x). N = x.size() must be a power of two (1 included); ShapeError otherwise.
void fft(std::vector<complex>& x);

// The same sum taken term by term, O(N^2), for any N: the reference the FFT is tested against.
std::vector<complex> dft_naive(const std::vector<complex>& x);

// |X_k|^2 for k = 0 .. N/2 of a real signal of N samples (the other half mirrors it): N/2 + 1 values.
std::vector<real> power_spectrum(const std::vector<real>& signal);

}  // namespace rnnlab
