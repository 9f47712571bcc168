#include "tensor/matmul.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tensor/parallel.hpp"

namespace rnnlab {

namespace {

// The shapes of one product, resolved from the operands' shapes and the transpose flags.
struct Product {
  std::size_t batch = 1, m = 0, n = 0, k = 0;
  bool batched = false;
};

Product check_shapes(const Tensor& a, const Tensor& b, Transpose transpose) {
  const bool ta = transpose == Transpose::first || transpose == Transpose::both;
  const bool tb = transpose == Transpose::second || transpose == Transpose::both;
  const std::string flags = ta && tb ? " (both transposed)" : ta ? " (first transposed)" : tb ? " (second transposed)" : "";
  Product p;
  const bool two = a.dim() == 2 && b.dim() == 2;
  const bool three = a.dim() == 3 && b.dim() == 3;
  if (!two && !three) {
    throw ShapeError("matmul: shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) +
                     " must both be 2-d or both 3-d (batched)" + flags);
  }
  p.batched = three;
  const std::size_t off = three ? 1 : 0;
  if (three && a.shape()[0] != b.shape()[0]) {
    throw ShapeError("matmul: shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) +
                     " have different batch sizes (" + std::to_string(a.shape()[0]) +
                     " != " + std::to_string(b.shape()[0]) + ")");
  }
  p.batch = three ? a.shape()[0] : 1;
  p.m = a.shape()[off + (ta ? 1 : 0)];
  const std::size_t ka = a.shape()[off + (ta ? 0 : 1)];
  const std::size_t kb = b.shape()[off + (tb ? 1 : 0)];
  p.n = b.shape()[off + (tb ? 0 : 1)];
  if (ka != kb) {
    throw ShapeError("matmul: shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) +
                     " are not aligned (" + std::to_string(ka) + " != " + std::to_string(kb) + ")" + flags);
  }
  p.k = ka;
  return p;
}

// The views of batch element `index` of a and b.
MatrixView view_a(const real* a, const Product& p, Transpose t, std::size_t index) {
  const bool ta = t == Transpose::first || t == Transpose::both;
  const real* base = a + index * p.m * p.k;
  return ta ? MatrixView{base, 1, p.m} : MatrixView{base, p.k, 1};
}

MatrixView view_b(const real* b, const Product& p, Transpose t, std::size_t index) {
  const bool tb = t == Transpose::second || t == Transpose::both;
  const real* base = b + index * p.k * p.n;
  return tb ? MatrixView{base, 1, p.k} : MatrixView{base, p.n, 1};
}

Tensor make_output(const Product& p) {
  return p.batched ? Tensor({p.batch, p.m, p.n}) : Tensor({p.m, p.n});
}

}  // namespace

// PackedMatrix keeps the variant that packed it: the panels' layout is that variant's. (Small ones too: an LSTM
// step with H = 16 ran about 10% slower in lesson 13 when W_hh was read in place by the direct kernel instead.)
PackedMatrix::PackedMatrix(const real* b, std::size_t k, std::size_t n, bool transposed)
    : k_(k), n_(n), kernels_(&kernels()), panels_(kernels_->panel_size(k, n)) {
  kernels_->pack_panels(transposed ? MatrixView{b, 1, k} : MatrixView{b, n, 1}, k, n, panels_.data());
}

void PackedMatrix::multiply_accumulate(const real* a, std::size_t m, real* c) const {
  kernels_->gemm_panels(a, m, k_, n_, panels_.data(), c);
}

Tensor matmul_naive(const Tensor& a, const Tensor& b, Transpose transpose) {
  const Product p = check_shapes(a, b, transpose);
  Tensor c = make_output(p);
  for (std::size_t s = 0; s < p.batch; ++s) {
    const MatrixView va = view_a(a.data(), p, transpose, s), vb = view_b(b.data(), p, transpose, s);
    real* cs = c.data() + s * p.m * p.n;
    for (std::size_t i = 0; i < p.m; ++i) {
      for (std::size_t j = 0; j < p.n; ++j) {
        real total = 0;
        for (std::size_t q = 0; q < p.k; ++q) total += va(i, q) * vb(q, j);
        cs[i * p.n + j] = total;
      }
    }
  }
  return c;
}

namespace {

// C += op(A) op(B) for every batch element: picks the kernel and the number of threads.
void multiply(const Product& p, const real* a, const real* b, real* c, Transpose transpose) {
  const double work = static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
  // Packing B into panels (the blocked kernel) pays once B no longer sits in the caches as it lies. Up to 16,384
  // values (128 KiB) the direct kernel, reading B in place, is faster: measured on this project's benchmark machine,
  // [32, 16] x [16, 64] 3.7 -> 2.0 us and [96, 96] x [96, 96] 51 -> 41 us; at 128^3 the two are even, at 256^3 the
  // blocked one leads 42 to 32 GFLOP/s. B read transposed is first copied into rows, which halves the limit. A thin
  // dimension (an RNN's 1-feature input, a 2-bit window) never repays packing.
  const bool b_transposed = transpose == Transpose::second || transpose == Transpose::both;
  const double b_values = static_cast<double>(p.k) * static_cast<double>(p.n);
  const bool blocked = b_values > (b_transposed ? 8192 : 16384) && std::min({p.m, p.n, p.k}) >= 8;
  const std::size_t threads =
      work * static_cast<double>(p.batch) >= min_parallel_work ? std::min<std::size_t>(num_threads(), 8) : 1;
  const Kernels& kernel = kernels();

  // C[i0:i1, j0:j1] of batch element s.
  auto product = [&](std::size_t s, std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1) {
    const MatrixView va = view_a(a, p, transpose, s), vb = view_b(b, p, transpose, s);
    real* cs = c + s * p.m * p.n;
    const MatrixView rows{va.data + i0 * va.row, va.row, va.col};
    if (blocked) {
      kernel.gemm_blocked(rows, vb, cs + i0 * p.n, p.n, i1 - i0, p.k, j0, j1);
    } else {
      kernel.gemm_small(rows, vb, cs + i0 * p.n, i1 - i0, p.n, p.k);  // always every column (j0 = 0, j1 = n)
    }
  };

  if (threads > 1 && p.batch >= threads) {
    // Many products: give each thread whole products.
    parallel_for(threads, [&](std::size_t part) {
      for (std::size_t s = part; s < p.batch; s += threads) product(s, 0, p.m, 0, p.n);
    });
  } else if (threads > 1 && (blocked ? std::max(p.m, p.n) >= threads * kernel.nr : p.m >= threads * kernel.mr)) {
    // One large product: one strip of C per thread. Each thread packs all of the operand it does not split, so
    // split the longer side of C: columns (strips NR wide) when n >= m, else rows (MR tall). A recurrent layer's
    // dW_hh = dA^T H, [4H, T*B] x [T*B, H], has m = 4H rows and n = H columns. The direct kernel splits rows.
    const bool by_rows = !blocked || p.m > p.n;
    const std::size_t unit = by_rows ? kernel.mr : kernel.nr, length = by_rows ? p.m : p.n;
    const std::size_t strip = ((length + unit - 1) / unit + threads - 1) / threads * unit;
    parallel_for(threads, [&](std::size_t part) {
      const std::size_t start = std::min(length, part * strip), end = std::min(length, start + strip);
      for (std::size_t s = 0; s < p.batch && start < end; ++s) {
        if (by_rows) {
          product(s, start, end, 0, p.n);
        } else {
          product(s, 0, p.m, start, end);
        }
      }
    });
  } else {
    for (std::size_t s = 0; s < p.batch; ++s) product(s, 0, p.m, 0, p.n);
  }
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, Transpose transpose) {
  const Product p = check_shapes(a, b, transpose);
  Tensor c = make_output(p);
  multiply(p, a.data(), b.data(), c.data(), transpose);
  return c;
}

void matmul_accumulate(const Accumulation& p) {
  if (p.m == 0 || p.n == 0 || p.k == 0) return;
  multiply(Product{1, p.m, p.n, p.k, false}, p.a, p.b, p.c, p.transpose);
}

}  // namespace rnnlab
