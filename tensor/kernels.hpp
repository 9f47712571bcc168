// The hot loops, compiled once for each instruction set and chosen once, at start-up, from what the CPU reports.
//
// A loop over doubles runs 2 at a time with SSE2 (what every x86-64 has, and what a portable build may assume),
// 4 with AVX2 and 8 with AVX-512; a fused multiply-add (FMA) does a product and a sum in one instruction. The same
// source, tensor/kernels.inc, is compiled once per instruction set (kernels_portable.cpp, kernels_avx2.cpp,
// kernels_avx512.cpp: each names its set and includes it), every function in it marked for that set, so one
// program carries every variant and still starts on any x86-64 (and builds elsewhere with the portable one).
// kernels() is the one place that decides which variant runs: the widest one compiled that the CPU has, unless
// the environment variable RNNLAB_ISA names a narrower one (portable, avx2 or avx512), as the tests do to compare.
//
// The variants round differently in the last bits (FMA rounds a*b+c once, not twice), so two machines with
// different instruction sets give slightly different numbers for one seed; one machine always gives the same.
#pragma once

#include <cstddef>
#include <vector>

#include "tensor/shape.hpp"

namespace rnnlab {

enum class Isa { portable, avx2, avx512 };

// "portable", "avx2" or "avx512".
const char* isa_name(Isa isa);
// What the variant uses: "SSE2, 2 doubles a vector", "AVX2 + FMA, 4 doubles a vector", ...
const char* isa_description(Isa isa);
// Whether this CPU can run the variant (the portable one always).
bool cpu_supports(Isa isa);

// A matrix operand seen through strides: element (i, p) sits at data[i * row + p * col]. A transposed operand is
// the same memory with row and col swapped.
struct MatrixView {
  const real* data;
  std::size_t row, col;
  real operator()(std::size_t i, std::size_t p) const { return data[i * row + p * col]; }
};

// One variant's kernels. Shapes: A is m x k, B is k x n, C is m x n (row-major, `ldc` apart when given).
struct Kernels {
  Isa isa;
  std::size_t mr, nr;  // the micro-kernel's tile: MR rows of A by NR columns of B (the blocked product's unit)

  // C[:, j0:j1] += A B[:, j0:j1], cache-blocked with packed panels (Goto & van de Geijn 2008).
  void (*gemm_blocked)(const MatrixView& a, const MatrixView& b, real* c, std::size_t ldc, std::size_t m,
                       std::size_t k, std::size_t j0, std::size_t j1);
  // C += A B for products whose B fits in the caches: B's rows read where they lie, A's values broadcast in place.
  void (*gemm_small)(const MatrixView& a, const MatrixView& b, real* c, std::size_t m, std::size_t n, std::size_t k);
  // B (k x n) packed into the panels gemm_panels reads: `panel_size(k, n)` values.
  void (*pack_panels)(const MatrixView& b, std::size_t k, std::size_t n, real* panels);
  // C [m, n] += A [m, k] B, with B packed by pack_panels of the same variant, A and C row-major and contiguous.
  void (*gemm_panels)(const real* a, std::size_t m, std::size_t k, std::size_t n, const real* panels, real* c);

  // y[i] = f(x[i]) for n contiguous values (y may be x): tensor/math.hpp's functions, vectorized.
  void (*tanh)(const real* x, real* y, std::size_t n);
  void (*sigmoid)(const real* x, real* y, std::size_t n);
  void (*exp_nonpositive)(const real* x, real* y, std::size_t n);

  // How many values pack_panels writes for a k x n matrix: n rounded up to whole panels, times k.
  std::size_t panel_size(std::size_t k, std::size_t n) const { return k * ((n + nr - 1) / nr * nr); }
};

// The kernels this program runs: chosen on first use (see above), the same ever after.
const Kernels& kernels();
// The variant for `isa`, or nullptr when this build did not compile it. Running it needs cpu_supports(isa).
const Kernels* kernels_for(Isa isa);
// Every variant this build compiled, narrowest first.
std::vector<Isa> compiled_isas();
// The instruction set kernels() picked.
inline Isa active_isa() { return kernels().isa; }

}  // namespace rnnlab
