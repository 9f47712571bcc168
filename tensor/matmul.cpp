#include "tensor/matmul.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tensor/parallel.hpp"

namespace rnnlab {

namespace {

// A matrix operand seen through strides: element (i, p) sits at data[i * row + p * col]. A transposed operand
// is the same memory with row and col swapped.
struct MatrixView {
  const real* data;
  std::size_t row, col;
  real operator()(std::size_t i, std::size_t p) const { return data[i * row + p * col]; }
};

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
MatrixView view_a(const Tensor& a, const Product& p, Transpose t, std::size_t index) {
  const bool ta = t == Transpose::first || t == Transpose::both;
  const real* base = a.data() + index * p.m * p.k;
  return ta ? MatrixView{base, 1, p.m} : MatrixView{base, p.k, 1};
}

MatrixView view_b(const Tensor& b, const Product& p, Transpose t, std::size_t index) {
  const bool tb = t == Transpose::second || t == Transpose::both;
  const real* base = b.data() + index * p.k * p.n;
  return tb ? MatrixView{base, 1, p.k} : MatrixView{base, p.n, 1};
}

Tensor make_output(const Product& p) {
  return p.batched ? Tensor({p.batch, p.m, p.n}) : Tensor({p.m, p.n});
}

// ---- the blocked kernel ----
//
// C (m x n) += A (m x k) B (k x n), in three levels of blocking:
//   NC columns of B at a time, and KC of the shared dimension: that B block is packed into panels NR columns
//   wide (kc x NR each, contiguous), sized to stay in the L2/L3 cache;
//   MC rows of A at a time: that A block is packed into panels MR rows tall (kc x MR each), sized for L2;
//   then each MR x NR tile of C is computed by the micro-kernel, its accumulators held in registers.
// The tile is MR x NR with NR = two vectors (GCC/Clang vector types: AVX registers of 4 doubles when the target
// has AVX2, SSE2 registers of 2 in the portable build), and the 2 MR accumulators must stay in the 16 vector
// registers with room for a row of B and one broadcast of A:
//   AVX2 + FMA: 6 x 8 tile = 12 accumulators + 2 + 1.      SSE2: 4 x 4 tile = 8 accumulators + 2 + 1.
#if defined(__AVX2__) && defined(__FMA__)
constexpr std::size_t Lanes = 4, MR = 6;
#else
constexpr std::size_t Lanes = 2, MR = 4;
#endif
constexpr std::size_t NR = 2 * Lanes;
constexpr std::size_t KC = 256, MC = 96, NC = 2048;
static_assert(MC % MR == 0);

// Packs rows [i0, i0 + mc) x cols [p0, p0 + kc) of A into MR-row panels: panel r holds, for each p,
// the MR values A(i0 + r*MR + 0..MR-1, p0 + p). Rows past the edge are zero.
void pack_a(const MatrixView& a, std::size_t i0, std::size_t mc, std::size_t p0, std::size_t kc, real* out) {
  for (std::size_t r = 0; r < mc; r += MR) {
    const std::size_t rows = std::min(MR, mc - r);
    for (std::size_t p = 0; p < kc; ++p) {
      for (std::size_t i = 0; i < MR; ++i) *out++ = i < rows ? a(i0 + r + i, p0 + p) : real{0};
    }
  }
}

// Packs rows [p0, p0 + kc) x cols [j0, j0 + nc) of B into NR-column panels, zero-padded likewise.
void pack_b(const MatrixView& b, std::size_t p0, std::size_t kc, std::size_t j0, std::size_t nc, real* out) {
  for (std::size_t c = 0; c < nc; c += NR) {
    const std::size_t cols = std::min(NR, nc - c);
    for (std::size_t p = 0; p < kc; ++p) {
      for (std::size_t j = 0; j < NR; ++j) *out++ = j < cols ? b(p0 + p, j0 + c + j) : real{0};
    }
  }
}

using Vector = real __attribute__((vector_size(Lanes * sizeof(real))));

Vector load(const real* p) {
  Vector v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// One MR x NR tile: acc = sum_p a[p] (a column of MR values) outer b[p] (a row of NR values, two vectors); then
// C[0..rows, 0..cols] += acc. Written with two named vectors per row so the compiler keeps every accumulator in a
// register for the whole loop over p.
void micro_kernel(std::size_t kc, const real* a, const real* b, real* c, std::size_t ldc, std::size_t rows,
                  std::size_t cols) {
  Vector left[MR] = {}, right[MR] = {};
  for (std::size_t p = 0; p < kc; ++p) {
    const Vector b_left = load(b + p * NR), b_right = load(b + p * NR + Lanes);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < MR; ++i) {
      const real ai = a[p * MR + i];
      left[i] += ai * b_left;
      right[i] += ai * b_right;
    }
  }
  for (std::size_t i = 0; i < rows; ++i) {
    real row[NR];
    std::memcpy(row, &left[i], sizeof(Vector));
    std::memcpy(row + Lanes, &right[i], sizeof(Vector));
    for (std::size_t j = 0; j < cols; ++j) c[i * ldc + j] += row[j];
  }
}

// C[:, j0:j1] += A B[:, j0:j1] for one matrix product, with this thread's own packing buffers.
void gemm_blocked(const MatrixView& a, const MatrixView& b, real* c, std::size_t ldc, std::size_t m,
                  std::size_t k, std::size_t j0, std::size_t j1) {
  thread_local std::vector<real> packed_a, packed_b;
  packed_a.resize(MC * KC);
  packed_b.resize(KC * (NC + NR));
  for (std::size_t jc = j0; jc < j1; jc += NC) {
    const std::size_t nc = std::min(NC, j1 - jc);
    for (std::size_t pc = 0; pc < k; pc += KC) {
      const std::size_t kc = std::min(KC, k - pc);
      pack_b(b, pc, kc, jc, nc, packed_b.data());
      for (std::size_t ic = 0; ic < m; ic += MC) {
        const std::size_t mc = std::min(MC, m - ic);
        pack_a(a, ic, mc, pc, kc, packed_a.data());
        for (std::size_t jr = 0; jr < nc; jr += NR) {
          for (std::size_t ir = 0; ir < mc; ir += MR) {
            micro_kernel(kc, packed_a.data() + ir * kc, packed_b.data() + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc,
                         std::min(MR, mc - ir), std::min(NR, nc - jr));
          }
        }
      }
    }
  }
}

// Small products do not repay packing into panels. They get one cheap copy instead: B into contiguous rows
// when it is read transposed, so the innermost loop always runs along contiguous memory. Then either
//   C[i, :] += A(i, p) * B[p, :]           (rows of C; vectorizes along j when n is not tiny), or
//   C[i, j]  = sum_p A(i, p) * B(p, j)     (dot products, for n < 4, e.g. a single output unit).
void gemm_small(const MatrixView& a, const MatrixView& b, real* c, std::size_t m, std::size_t n, std::size_t k) {
  thread_local std::vector<real> copy;
  if (n >= 4) {
    const real* rows = b.data;
    if (b.col != 1) {
      copy.resize(k * n);
      for (std::size_t p = 0; p < k; ++p)
        for (std::size_t j = 0; j < n; ++j) copy[p * n + j] = b(p, j);
      rows = copy.data();
    }
    for (std::size_t i = 0; i < m; ++i) {
      real* ci = c + i * n;
      for (std::size_t p = 0; p < k; ++p) {
        const real aip = a(i, p);
        const real* bp = rows + p * (b.col == 1 ? b.row : n);
        for (std::size_t j = 0; j < n; ++j) ci[j] += aip * bp[j];
      }
    }
    return;
  }
  // Few columns: B^T as contiguous rows of length k, and a dot product per element of C.
  copy.resize(n * k);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t p = 0; p < k; ++p) copy[j * k + p] = b(p, j);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const real* bj = copy.data() + j * k;
      real total = 0;
      if (a.col == 1) {
        const real* ai = a.data + i * a.row;
        for (std::size_t p = 0; p < k; ++p) total += ai[p] * bj[p];
      } else {
        for (std::size_t p = 0; p < k; ++p) total += a(i, p) * bj[p];
      }
      c[i * n + j] += total;
    }
  }
}

}  // namespace

Tensor matmul_naive(const Tensor& a, const Tensor& b, Transpose transpose) {
  const Product p = check_shapes(a, b, transpose);
  Tensor c = make_output(p);
  for (std::size_t s = 0; s < p.batch; ++s) {
    const MatrixView va = view_a(a, p, transpose, s), vb = view_b(b, p, transpose, s);
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

Tensor matmul(const Tensor& a, const Tensor& b, Transpose transpose) {
  const Product p = check_shapes(a, b, transpose);
  Tensor c = make_output(p);
  const double work = static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
  // Packing pays off only when every dimension is large enough to reuse the packed panels: below ~32^3
  // multiply-adds, or with a thin dimension (an RNN's 1-feature input, a 2-bit window), the direct loop wins.
  const bool blocked = work >= 32.0 * 32 * 32 && std::min({p.m, p.n, p.k}) >= 16;
  // Threads pay off above ~8 million multiply-adds in all (~0.6 ms on one core): starting a thread costs up to
  // ~0.1 ms here, so at 128^3 (2 million) two threads were measured slower than one.
  const std::size_t threads = work * static_cast<double>(p.batch) >= 8e6 ? std::min<std::size_t>(num_threads(), 8) : 1;

  auto product = [&](std::size_t s, std::size_t j0, std::size_t j1) {
    const MatrixView va = view_a(a, p, transpose, s), vb = view_b(b, p, transpose, s);
    real* cs = c.data() + s * p.m * p.n;
    if (blocked) {
      gemm_blocked(va, vb, cs, p.n, p.m, p.k, j0, j1);
    } else {
      gemm_small(va, vb, cs, p.m, p.n, p.k);
    }
  };

  if (threads > 1 && p.batch >= threads) {
    // Many products: give each thread whole products.
    parallel_for(threads, [&](std::size_t part) {
      for (std::size_t s = part; s < p.batch; s += threads) product(s, 0, p.n);
    });
  } else if (threads > 1 && blocked && p.n >= threads * NR) {
    // One large product: split C's columns into one strip per thread (a multiple of NR wide).
    const std::size_t tiles = (p.n + NR - 1) / NR;
    const std::size_t strip = (tiles + threads - 1) / threads * NR;
    parallel_for(threads, [&](std::size_t part) {
      const std::size_t j0 = std::min(p.n, part * strip), j1 = std::min(p.n, j0 + strip);
      for (std::size_t s = 0; s < p.batch; ++s) {
        if (j0 < j1) product(s, j0, j1);
      }
    });
  } else {
    for (std::size_t s = 0; s < p.batch; ++s) product(s, 0, p.n);
  }
  return c;
}

}  // namespace rnnlab
