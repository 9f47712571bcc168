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

// The order of the tiles within a block. Each tile adds into MR rows of C, which with a short k (an input
// projection from 65 features, say) costs as much as the tile's arithmetic when C's rows are not in cache:
// walking along the rows (MR rows, left to right) lets the hardware prefetch them. That re-reads the whole
// packed block of B for every MR rows, so it pays only while that block stays in the L2 cache (512 KiB per core
// on the machine the benchmark names); otherwise walk down the columns, keeping one panel of B in L1 (Goto's
// order). Measured on 2048 x 65 x 512, one thread: 14 GFLOP/s down the columns, 28 along the rows.
bool rows_first(std::size_t kc, std::size_t nc) { return kc * nc * sizeof(real) <= 512 * 1024; }

// C[0:m, 0:nc] += A[0:m, pc:pc+kc] B_block, with B's block already packed: MC rows of A at a time are packed
// into `packed_a`, then every MR x NR tile of C goes through the micro-kernel, in the order `along_rows` picks.
void multiply_packed_block(const MatrixView& a, std::size_t m, std::size_t pc, std::size_t kc, const real* packed_b,
                           std::size_t nc, real* c, std::size_t ldc, bool along_rows, real* packed_a) {
  for (std::size_t ic = 0; ic < m; ic += MC) {
    const std::size_t mc = std::min(MC, m - ic);
    pack_a(a, ic, mc, pc, kc, packed_a);
    auto tile = [&](std::size_t ir, std::size_t jr) {
      micro_kernel(kc, packed_a + ir * kc, packed_b + jr * kc, c + (ic + ir) * ldc + jr, ldc, std::min(MR, mc - ir),
                   std::min(NR, nc - jr));
    };
    if (along_rows) {
      for (std::size_t ir = 0; ir < mc; ir += MR) {
        for (std::size_t jr = 0; jr < nc; jr += NR) tile(ir, jr);
      }
    } else {
      for (std::size_t jr = 0; jr < nc; jr += NR) {
        for (std::size_t ir = 0; ir < mc; ir += MR) tile(ir, jr);
      }
    }
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
      multiply_packed_block(a, m, pc, kc, packed_b.data(), nc, c + jc, ldc, rows_first(kc, nc), packed_a.data());
    }
  }
}

std::size_t round_up(std::size_t n, std::size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

}  // namespace

// The panels of block pc (rows [pc, pc + KC) of B) start at pc * padded_n: every earlier block holds KC rows of
// padded_n columns. Within a block, the panel of columns [j, j + NR) starts at j * kc, as pack_b lays it out.
PackedMatrix::PackedMatrix(const real* b, std::size_t k, std::size_t n, bool transposed)
    : k_(k), n_(n), panels_(k * round_up(n, NR)) {
  const MatrixView view = transposed ? MatrixView{b, 1, k} : MatrixView{b, n, 1};
  for (std::size_t pc = 0; pc < k; pc += KC) {
    pack_b(view, pc, std::min(KC, k - pc), 0, n, panels_.data() + pc * round_up(n, NR));
  }
}

void PackedMatrix::multiply_accumulate(const real* a, std::size_t m, real* c) const {
  thread_local std::vector<real> packed_a;
  packed_a.resize(MC * KC);
  // Down the columns: a recurrent step has few rows (a batch), so each panel of B serves them all from L1.
  for (std::size_t pc = 0; pc < k_; pc += KC) {
    multiply_packed_block(MatrixView{a, k_, 1}, m, pc, std::min(KC, k_ - pc), panels_.data() + pc * round_up(n_, NR),
                          n_, c, n_, false, packed_a.data());
  }
}

namespace {

// Small products do not repay packing into panels. They get one cheap copy instead: B into contiguous rows
// when it is read transposed, so the innermost loop always runs along contiguous memory. Then, by how A lies:
//   A's rows contiguous:     C[i, :] += A(i, p) * B[p, :]       (vectorizes along j when n is not tiny), or
//                            C[i, j]  = sum_p A(i, p) * B(p, j)  (dot products, for n < 4, e.g. one output unit);
//   A read transposed (its columns contiguous, as in a weight gradient G^T x): one pass per p over A's column,
//                            C[i, :] += A(i, p) * B[p, :]       for i in order, so A is read sequentially.
void gemm_small(const MatrixView& a, const MatrixView& b, real* c, std::size_t m, std::size_t n, std::size_t k) {
  thread_local std::vector<real> copy;
  const real* rows = b.data;  // B's row p at rows + p * stride
  std::size_t stride = b.row;
  if (b.col != 1) {
    copy.resize(k * n);
    for (std::size_t p = 0; p < k; ++p)
      for (std::size_t j = 0; j < n; ++j) copy[p * n + j] = b(p, j);
    rows = copy.data();
    stride = n;
  }
  if (a.col != 1) {
    for (std::size_t p = 0; p < k; ++p) {
      const real* bp = rows + p * stride;
      for (std::size_t i = 0; i < m; ++i) {
        const real aip = a(i, p);
        real* ci = c + i * n;
        for (std::size_t j = 0; j < n; ++j) ci[j] += aip * bp[j];
      }
    }
    return;
  }
  if (n >= 4) {
    for (std::size_t i = 0; i < m; ++i) {
      real* ci = c + i * n;
      const real* ai = a.data + i * a.row;
      for (std::size_t p = 0; p < k; ++p) {
        const real aip = ai[p];
        const real* bp = rows + p * stride;
        for (std::size_t j = 0; j < n; ++j) ci[j] += aip * bp[j];
      }
    }
    return;
  }
  // Few columns: B^T as contiguous rows of length k (in the buffer, reused: `rows` is not needed here), and a
  // dot product per element of C.
  std::vector<real>& columns = copy;
  columns.resize(n * k);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t p = 0; p < k; ++p) columns[j * k + p] = b(p, j);
  for (std::size_t i = 0; i < m; ++i) {
    const real* ai = a.data + i * a.row;
    for (std::size_t j = 0; j < n; ++j) {
      const real* bj = columns.data() + j * k;
      real total = 0;
      for (std::size_t p = 0; p < k; ++p) total += ai[p] * bj[p];
      c[i * n + j] += total;
    }
  }
}

}  // namespace

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
  // Packing pays off only when every dimension is large enough to reuse the packed panels: below ~32^3
  // multiply-adds, or with a thin dimension (an RNN's 1-feature input, a 2-bit window), the direct loop wins.
  const bool blocked = work >= 16.0 * 16 * 16 && std::min({p.m, p.n, p.k}) >= 8;
  const std::size_t threads =
      work * static_cast<double>(p.batch) >= min_parallel_work ? std::min<std::size_t>(num_threads(), 8) : 1;

  // C[i0:i1, j0:j1] of batch element s.
  auto product = [&](std::size_t s, std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1) {
    const MatrixView va = view_a(a, p, transpose, s), vb = view_b(b, p, transpose, s);
    real* cs = c + s * p.m * p.n;
    if (blocked) {
      const MatrixView rows{va.data + i0 * va.row, va.row, va.col};
      gemm_blocked(rows, vb, cs + i0 * p.n, p.n, i1 - i0, p.k, j0, j1);
    } else {
      gemm_small(va, vb, cs, p.m, p.n, p.k);
    }
  };

  if (threads > 1 && p.batch >= threads) {
    // Many products: give each thread whole products.
    parallel_for(threads, [&](std::size_t part) {
      for (std::size_t s = part; s < p.batch; s += threads) product(s, 0, p.m, 0, p.n);
    });
  } else if (threads > 1 && blocked && std::max(p.m, p.n) >= threads * NR) {
    // One large product: one strip of C per thread. Each thread packs all of the operand it does not split, so
    // split the longer side of C: columns (strips NR wide) when n >= m, else rows (MR tall). A recurrent layer's
    // dW_hh = dA^T H, [4H, T*B] x [T*B, H], has m = 4H rows and n = H columns.
    const bool by_rows = p.m > p.n;
    const std::size_t unit = by_rows ? MR : NR, length = by_rows ? p.m : p.n;
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

void matmul_accumulate(const real* a, const real* b, real* c, std::size_t m, std::size_t n, std::size_t k,
                       Transpose transpose) {
  if (m == 0 || n == 0 || k == 0) return;
  multiply(Product{1, m, n, k, false}, a, b, c, transpose);
}

}  // namespace rnnlab
