#include "tensor/ops.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "tensor/elementwise.hpp"
#include "tensor/kernels.hpp"
#include "tensor/math.hpp"

namespace rnnlab {

// ---- elementwise ----

Tensor operator+(const Tensor& a, const Tensor& b) { return zip(a, b, [](real x, real y) { return x + y; }, "add"); }
Tensor operator-(const Tensor& a, const Tensor& b) { return zip(a, b, [](real x, real y) { return x - y; }, "sub"); }
Tensor operator*(const Tensor& a, const Tensor& b) { return zip(a, b, [](real x, real y) { return x * y; }, "mul"); }
Tensor operator/(const Tensor& a, const Tensor& b) { return zip(a, b, [](real x, real y) { return x / y; }, "div"); }
Tensor operator-(const Tensor& x) { return map(x, [](real v) { return -v; }); }
Tensor operator+(const Tensor& a, real b) { return map(a, [b](real v) { return v + b; }); }
Tensor operator*(const Tensor& a, real b) { return map(a, [b](real v) { return v * b; }); }
Tensor operator*(real a, const Tensor& b) { return b * a; }

Tensor exp(const Tensor& x) { return map(x, [](real v) { return math::exp(v); }); }
Tensor log(const Tensor& x) { return map(x, [](real v) { return math::log(v); }); }
Tensor sqrt(const Tensor& x) { return map(x, [](real v) { return std::sqrt(v); }); }
Tensor abs(const Tensor& x) { return map(x, [](real v) { return std::abs(v); }); }
Tensor tanh(const Tensor& x) {
  Tensor y = Tensor::for_overwrite(x.shape());
  kernels().tanh(x.data(), y.data(), x.size());
  return y;
}
// max(x, 0), with NaN passed through (as PyTorch does) so anomaly mode still sees it: "v > 0 ? v : 0" would
// turn a NaN into 0 and hide it.
Tensor relu(const Tensor& x) { return map(x, [](real v) { return v > 0 || v != v ? v : real{0}; }); }
Tensor pow(const Tensor& x, real exponent) { return map(x, [exponent](real v) { return math::pow(v, exponent); }); }

Tensor sigmoid(const Tensor& x) {
  Tensor y = Tensor::for_overwrite(x.shape());
  kernels().sigmoid(x.data(), y.data(), x.size());
  return y;
}

// ---- reductions ----

namespace {

// Viewing x as [outer, n, inner] around `axis`: the sizes of that view.
struct AxisView {
  std::size_t outer = 1, n = 1, inner = 1, axis = 0;
};

AxisView view_around(const Shape& shape, long axis, const char* op) {
  AxisView v;
  v.axis = normalize_axis(axis, shape.size(), op, shape);
  v.n = shape[v.axis];
  for (std::size_t i = 0; i < v.axis; ++i) v.outer *= shape[i];
  for (std::size_t i = v.axis + 1; i < shape.size(); ++i) v.inner *= shape[i];
  return v;
}

Shape reduced_shape(const Shape& shape, std::size_t axis, bool keepdim) {
  Shape out = shape;
  if (keepdim) {
    out[axis] = 1;
  } else {
    out.erase(out.begin() + static_cast<long>(axis));
  }
  return out;
}

// The value and index of the maximum along an axis, computed together.
void max_along(const Tensor& x, long axis, bool keepdim, const char* op, Tensor* values, Tensor* indices) {
  const AxisView v = view_around(x.shape(), axis, op);
  if (v.n == 0) throw ShapeError(std::string(op) + ": cannot reduce an empty axis of shape " + to_string(x.shape()));
  const Shape shape = reduced_shape(x.shape(), v.axis, keepdim);
  Tensor best(shape), where(shape);
  const real* px = x.data();
  for (std::size_t o = 0; o < v.outer; ++o) {
    for (std::size_t i = 0; i < v.inner; ++i) {
      const real* column = px + o * v.n * v.inner + i;
      std::size_t arg = 0;
      for (std::size_t k = 1; k < v.n; ++k) {
        if (column[k * v.inner] > column[arg * v.inner] || std::isnan(column[k * v.inner])) {
          arg = k;
          if (std::isnan(column[k * v.inner])) break;  // NaN wins, as in NumPy and PyTorch
        }
      }
      best[o * v.inner + i] = column[arg * v.inner];
      where[o * v.inner + i] = static_cast<real>(arg);
    }
  }
  if (values) *values = std::move(best);
  if (indices) *indices = std::move(where);
}

}  // namespace

Tensor sum(const Tensor& x) {
  real total = 0;
  for (real v : x.values()) total += v;
  return Tensor::scalar(total);
}

// 1/n, or NaN for n = 0: the mean of nothing is NaN, as in PyTorch and NumPy (while the sum of nothing is 0).
real reciprocal_count(std::size_t n) {
  return n == 0 ? std::numeric_limits<real>::quiet_NaN() : 1 / static_cast<real>(n);
}

Tensor mean(const Tensor& x) { return Tensor::scalar(sum(x).item() * reciprocal_count(x.size())); }

Tensor sum(const Tensor& x, long axis, bool keepdim) {
  const AxisView v = view_around(x.shape(), axis, "sum");
  Tensor out(reduced_shape(x.shape(), v.axis, keepdim));
  const real* px = x.data();
  real* po = out.data();
  // out[o, i] = sum_k x[o, k, i]; the innermost loop runs over i, contiguous in both.
  for (std::size_t o = 0; o < v.outer; ++o) {
    real* row = po + o * v.inner;
    for (std::size_t k = 0; k < v.n; ++k) {
      const real* src = px + (o * v.n + k) * v.inner;
      for (std::size_t i = 0; i < v.inner; ++i) row[i] += src[i];
    }
  }
  return out;
}

Tensor mean(const Tensor& x, long axis, bool keepdim) {
  const AxisView v = view_around(x.shape(), axis, "mean");
  Tensor out = sum(x, axis, keepdim);
  out *= reciprocal_count(v.n);
  return out;
}

Tensor max(const Tensor& x, long axis, bool keepdim) {
  Tensor values;
  max_along(x, axis, keepdim, "max", &values, nullptr);
  return values;
}

Tensor argmax(const Tensor& x, long axis, bool keepdim) {
  Tensor indices;
  max_along(x, axis, keepdim, "argmax", nullptr, &indices);
  return indices;
}

real max_value(const Tensor& x) {
  if (x.empty()) throw ShapeError("max_value: empty tensor " + to_string(x.shape()));
  return *std::max_element(x.values().begin(), x.values().end());
}

real min_value(const Tensor& x) {
  if (x.empty()) throw ShapeError("min_value: empty tensor " + to_string(x.shape()));
  return *std::min_element(x.values().begin(), x.values().end());
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (shape.size() > x.dim() || broadcast_shapes(shape, x.shape(), "sum_to") != x.shape()) {
    throw ShapeError("sum_to: shape " + to_string(x.shape()) + " cannot be summed to shape " + to_string(shape) +
                     " (it is not a broadcast of it)");
  }
  // Leading axes that `shape` lacks: fold them into one and sum it away.
  const std::size_t lead = x.dim() - shape.size();
  Tensor out = x;
  if (lead > 0) {
    std::vector<long> folded{-1};
    for (std::size_t axis = lead; axis < x.dim(); ++axis) folded.push_back(static_cast<long>(x.shape()[axis]));
    out = sum(std::move(out).reshape(folded), 0);
  }
  // Axes where `shape` has 1 and x does not: sum them, keeping the axis.
  for (std::size_t axis = 0; axis < shape.size(); ++axis) {
    if (shape[axis] == 1 && out.shape()[axis] != 1) out = sum(out, static_cast<long>(axis), true);
  }
  return out;
}

// ---- shape ops ----

Tensor permute(const Tensor& x, const std::vector<std::size_t>& order) {
  const std::size_t rank = x.dim();
  std::vector<bool> seen(rank, false);
  bool valid = order.size() == rank;
  for (std::size_t i = 0; valid && i < rank; ++i) {
    valid = order[i] < rank && !seen[order[i]];
    if (valid) seen[order[i]] = true;
  }
  if (!valid) {
    std::string o = "[";
    for (std::size_t i = 0; i < order.size(); ++i) o += (i ? ", " : "") + std::to_string(order[i]);
    throw ShapeError("permute: order " + o + "] is not a permutation of the axes of shape " + to_string(x.shape()));
  }
  Shape shape(rank);
  std::vector<std::size_t> strides(rank);
  const std::vector<std::size_t> source = row_major_strides(x.shape());
  for (std::size_t i = 0; i < rank; ++i) {
    shape[i] = x.shape()[order[i]];
    strides[i] = source[order[i]];
  }
  Tensor out = Tensor::for_overwrite(shape);
  const real* px = x.data();
  real* po = out.data();
  // Walk the output in order; read the input through the permuted strides.
  detail::for_each_broadcast_row(shape, strides, strides,
                                 [&](std::size_t o, std::size_t ix, std::size_t, std::size_t n, std::size_t step,
                                     std::size_t) {
                                   for (std::size_t j = 0; j < n; ++j) po[o + j] = px[ix + j * step];
                                 });
  return out;
}

Tensor transpose(const Tensor& x, long axis0, long axis1) {
  return permute(x, swapped_axes(x.shape(), axis0, axis1, "transpose"));
}

namespace {

void check_slice(const Shape& shape, std::size_t axis, std::size_t start, std::size_t end, const char* op) {
  if (start > end || end > shape[axis]) {
    throw ShapeError(std::string(op) + ": range [" + std::to_string(start) + ", " + std::to_string(end) +
                     ") is out of bounds for axis " + std::to_string(axis) + " of shape " + to_string(shape));
  }
}

// Copies `count` blocks of `block` elements; block i goes from src[src_at + i * src_stride] to
// dst[dst_at + i * dst_stride]. With Add it adds instead of copying. The offsets are applied inside the loop, so an
// empty tensor (whose storage is a null pointer) is never offset: a batch of 0 copies nothing.
template <bool Add>
void copy_blocks(real* dst, std::size_t dst_at, std::size_t dst_stride, const real* src, std::size_t src_at,
                 std::size_t src_stride, std::size_t count, std::size_t block) {
  for (std::size_t i = 0; i < count; ++i) {
    real* d = dst + dst_at + i * dst_stride;
    const real* s = src + src_at + i * src_stride;
    for (std::size_t j = 0; j < block; ++j) {
      if constexpr (Add) {
        d[j] += s[j];
      } else {
        d[j] = s[j];
      }
    }
  }
}

}  // namespace

Tensor slice(const Tensor& x, long axis, std::size_t start, std::size_t end) {
  const AxisView v = view_around(x.shape(), axis, "slice");
  check_slice(x.shape(), v.axis, start, end, "slice");
  Shape shape = x.shape();
  shape[v.axis] = end - start;
  Tensor out = Tensor::for_overwrite(shape);
  const std::size_t block = (end - start) * v.inner;
  copy_blocks<false>(out.data(), 0, block, x.data(), start * v.inner, v.n * v.inner, v.outer, block);
  return out;
}

void slice_add(Tensor& dst, long axis, std::size_t start, const Tensor& src) {
  const AxisView v = view_around(dst.shape(), axis, "slice_add");
  Shape expected = dst.shape();
  const std::size_t length = src.dim() == dst.dim() ? src.shape()[v.axis] : 0;
  expected[v.axis] = length;
  if (src.shape() != expected || start + length > v.n) {
    throw ShapeError("slice_add: shape " + to_string(src.shape()) + " does not fit into shape " +
                     to_string(dst.shape()) + " at offset " + std::to_string(start) + " of axis " +
                     std::to_string(v.axis));
  }
  const std::size_t block = length * v.inner;
  copy_blocks<true>(dst.data(), start * v.inner, v.n * v.inner, src.data(), 0, block, v.outer, block);
}

Tensor concat(const std::vector<Tensor>& parts, long axis) {
  if (parts.empty()) throw ShapeError("concat: needs at least one tensor");
  const Shape& first = parts[0].shape();
  const AxisView v = view_around(first, axis, "concat");
  Shape shape = first;
  shape[v.axis] = 0;
  for (const Tensor& p : parts) {
    bool fits = p.dim() == first.size();
    for (std::size_t i = 0; fits && i < first.size(); ++i) fits = i == v.axis || p.shape()[i] == first[i];
    if (!fits) {
      throw ShapeError("concat: shapes " + to_string(first) + " and " + to_string(p.shape()) +
                       " differ outside axis " + std::to_string(v.axis));
    }
    shape[v.axis] += p.shape()[v.axis];
  }
  Tensor out = Tensor::for_overwrite(shape);  // the parts cover it
  const std::size_t out_block = shape[v.axis] * v.inner;
  std::size_t offset = 0;
  for (const Tensor& p : parts) {
    const std::size_t block = p.shape()[v.axis] * v.inner;
    copy_blocks<false>(out.data(), offset, out_block, p.data(), 0, block, v.outer, block);
    offset += block;
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& parts, long axis) {
  if (parts.empty()) throw ShapeError("stack: needs at least one tensor");
  const Shape& first = parts[0].shape();
  // The new axis may sit anywhere from 0 to rank (inclusive), so normalize against rank + 1.
  const std::size_t a = normalize_axis(axis, first.size() + 1, "stack", first);
  std::vector<Tensor> expanded;
  expanded.reserve(parts.size());
  for (const Tensor& p : parts) {
    if (p.shape() != first) {
      throw ShapeError("stack: shapes " + to_string(first) + " and " + to_string(p.shape()) + " differ");
    }
    expanded.push_back(p.reshape(with_new_axis(first, a)));
  }
  return concat(expanded, static_cast<long>(a));
}

namespace {

void check_indices(const std::vector<std::size_t>& indices, std::size_t rows, const char* op, const Shape& shape) {
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] >= rows) {
      throw ShapeError(std::string(op) + ": index " + std::to_string(indices[i]) + " (position " +
                       std::to_string(i) + ") is out of range for " + std::to_string(rows) + " rows of shape " +
                       to_string(shape));
    }
  }
}

}  // namespace

Tensor index_select(const Tensor& x, const std::vector<std::size_t>& indices) {
  if (x.dim() == 0) throw ShapeError("index_select: needs at least one axis, got shape []");
  check_indices(indices, x.shape()[0], "index_select", x.shape());
  Shape shape = x.shape();
  shape[0] = indices.size();
  Tensor out = Tensor::for_overwrite(shape);
  const std::size_t row = x.shape()[0] == 0 ? 0 : x.size() / x.shape()[0];
  for (std::size_t i = 0; i < indices.size(); ++i) {
    std::copy_n(x.data() + indices[i] * row, row, out.data() + i * row);
  }
  return out;
}

void index_add(Tensor& dst, const std::vector<std::size_t>& indices, const Tensor& src) {
  if (dst.dim() == 0 || src.dim() != dst.dim() || src.shape()[0] != indices.size() ||
      !std::equal(src.shape().begin() + 1, src.shape().end(), dst.shape().begin() + 1)) {
    throw ShapeError("index_add: shape " + to_string(src.shape()) + " with " + std::to_string(indices.size()) +
                     " indices does not fit rows of shape " + to_string(dst.shape()));
  }
  check_indices(indices, dst.shape()[0], "index_add", dst.shape());
  const std::size_t row = dst.shape()[0] == 0 ? 0 : dst.size() / dst.shape()[0];
  for (std::size_t i = 0; i < indices.size(); ++i) {
    real* d = dst.data() + indices[i] * row;
    const real* s = src.data() + i * row;
    for (std::size_t j = 0; j < row; ++j) d[j] += s[j];
  }
}

Tensor one_hot(const std::vector<std::size_t>& indices, std::size_t num_classes) {
  Tensor out({indices.size(), num_classes});
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] >= num_classes) {
      throw ShapeError("one_hot: class " + std::to_string(indices[i]) + " (position " + std::to_string(i) +
                       ") is out of range for " + std::to_string(num_classes) + " classes");
    }
    out[i * num_classes + indices[i]] = 1;
  }
  return out;
}

bool allclose(const Tensor& a, const Tensor& b, real rtol, real atol) {
  if (a.shape() != b.shape()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(std::abs(a[i] - b[i]) <= atol + rtol * std::abs(b[i]))) return false;
  }
  return true;
}

real max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) {
    throw ShapeError("max_abs_diff: shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) + " differ");
  }
  real worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace rnnlab
