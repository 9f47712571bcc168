// Matrix products, the hot kernel of every model here.
//
// matmul_naive is the textbook triple loop, kept as the reference the fast kernel is tested against.
// matmul is the fast one: cache-blocked with packed panels and a register-blocked micro-kernel the compiler
// vectorizes (after Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication"), split over
// two or more threads when the product is large. The kernels themselves are in tensor/kernels.inc, compiled for
// each instruction set; this file splits the work and picks the kernel for its shape.
#pragma once

#include <vector>

#include "tensor/kernels.hpp"
#include "tensor/tensor.hpp"

namespace rnnlab {

// Which operands enter the product transposed. The backward pass needs dA = dC B^T and dB = A^T dC; reading the
// operand transposed while packing it costs nothing, so no transposed copy is ever made.
enum class Transpose { none, first, second, both };

// a [m, k] x b [k, n] -> [m, n], or batched: a [batch, m, k] x b [batch, k, n] -> [batch, m, n].
// With Transpose::first the product uses a^T (a given as [k, m]); with ::second, b^T (b given as [n, k]).
// Throws ShapeError naming both shapes when the inner sizes differ.
Tensor matmul(const Tensor& a, const Tensor& b, Transpose transpose = Transpose::none);

// C += op(A) op(B) on raw row-major memory, op(A) [m, k], op(B) [k, n], C [m, n], each contiguous (op transposes
// the operands the flag names). The kernel behind matmul, for ops that multiply parts of tensors in place: the
// fused recurrent layers multiply one time step's rows of a [T, B, ...] tensor without copying them out.
// Named, since six positional sizes and pointers are easy to swap:
//   matmul_accumulate({.a = dA, .b = h, .c = dW, .m = 4 * H, .n = H, .k = T * B, .transpose = Transpose::first});
struct Accumulation {
  const real* a = nullptr;  // op(A) [m, k]: given as [m, k], or as [k, m] when the first operand is transposed
  const real* b = nullptr;  // op(B) [k, n]: given as [k, n], or as [n, k] when the second is transposed
  real* c = nullptr;        // C [m, n], added into
  std::size_t m = 0, n = 0, k = 0;
  Transpose transpose = Transpose::none;
};
void matmul_accumulate(const Accumulation& product);

// The right operand of many products, packed once into the blocked kernel's panels. A recurrent layer multiplies
// by the same W_hh at every time step: packing it once per sequence instead of once per product saves a pass
// over the matrix per step. It runs on the calling thread only: a recurrent layer splits its batch rows among
// threads itself, so that each thread runs the cell right after its own rows of the product.
class PackedMatrix {
 public:
  // B is op(b) [k, n]: b itself given as [k, n], or with transposed = true, b given as [n, k] (row-major).
  PackedMatrix(const real* b, std::size_t k, std::size_t n, bool transposed);
  // C [m, n] += A [m, k] B, with A and C row-major and contiguous.
  void multiply_accumulate(const real* a, std::size_t m, real* c) const;
  std::size_t rows() const { return k_; }
  std::size_t cols() const { return n_; }

 private:
  std::size_t k_, n_;
  const Kernels* kernels_;    // the variant that packed the panels, and so the one that reads them
  std::vector<real> panels_;  // for each block of k: B's columns in panels as the micro-kernel reads them
};

// The reference: c[i][j] = sum_p a[i][p] * b[p][j], one loop per index, same contract as matmul.
Tensor matmul_naive(const Tensor& a, const Tensor& b, Transpose transpose = Transpose::none);

}  // namespace rnnlab
