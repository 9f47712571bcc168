// Matrix products, the hot kernel of every model here.
//
// matmul_naive is the textbook triple loop, kept as the reference the fast kernel is tested against.
// matmul is the fast one: cache-blocked with packed panels and a register-blocked micro-kernel the compiler
// vectorizes (after Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication"), split over
// two or more threads when the product is large.
#pragma once

#include "tensor/tensor.hpp"

namespace rnnlab {

// Which operands enter the product transposed. The backward pass needs dA = dC B^T and dB = A^T dC; reading the
// operand transposed while packing it costs nothing, so no transposed copy is ever made.
enum class Transpose { none, first, second, both };

// a [m, k] x b [k, n] -> [m, n], or batched: a [batch, m, k] x b [batch, k, n] -> [batch, m, n].
// With Transpose::first the product uses a^T (a given as [k, m]); with ::second, b^T (b given as [n, k]).
// Throws ShapeError naming both shapes when the inner sizes differ.
Tensor matmul(const Tensor& a, const Tensor& b, Transpose transpose = Transpose::none);

// The reference: c[i][j] = sum_p a[i][p] * b[p][j], one loop per index, same contract as matmul.
Tensor matmul_naive(const Tensor& a, const Tensor& b, Transpose transpose = Transpose::none);

}  // namespace rnnlab
