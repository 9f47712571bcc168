// Elementwise loops: map (one tensor), zip (two tensors with NumPy broadcasting) and zip_into (in place).
// Templates, so each call site's lambda is inlined and the inner loop vectorizes.
#pragma once

#include <string>

#include "tensor/tensor.hpp"

namespace rnnlab {

// y_i = f(x_i)
template <class F>
Tensor map(const Tensor& x, F f) {
  Tensor y = Tensor::for_overwrite(x.shape());
  const real* px = x.data();
  real* py = y.data();
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) py[i] = f(px[i]);
  return y;
}

namespace detail {

// Walks `out_shape` in row-major order, one innermost row at a time. For each row it calls
// row(out_offset, a_offset, b_offset, n, a_step, b_step), where the offsets follow the strides of a and b
// (stride 0 along broadcast axes) and a_step, b_step are their strides along the innermost axis.
template <class Row>
void for_each_broadcast_row(const Shape& out_shape, const std::vector<std::size_t>& a_strides,
                            const std::vector<std::size_t>& b_strides, Row row) {
  const std::size_t total = numel(out_shape);
  if (total == 0) return;
  const std::size_t rank = out_shape.size();
  if (rank == 0) {
    row(0, 0, 0, 1, 0, 0);
    return;
  }
  const std::size_t inner = out_shape[rank - 1];
  std::vector<std::size_t> index(rank, 0);
  std::size_t a = 0, b = 0;
  for (std::size_t out = 0; out < total; out += inner) {
    row(out, a, b, inner, a_strides[rank - 1], b_strides[rank - 1]);
    // Advance the multi-index over the outer axes (an odometer), moving the offsets of a and b with it.
    for (std::size_t axis = rank - 1; axis-- > 0;) {
      a += a_strides[axis];
      b += b_strides[axis];
      if (++index[axis] < out_shape[axis]) break;
      a -= a_strides[axis] * out_shape[axis];
      b -= b_strides[axis] * out_shape[axis];
      index[axis] = 0;
    }
  }
}

}  // namespace detail

// out_i = f(a_i, b_i), with a and b broadcast to a common shape. `op` names the operation in errors.
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, F f, const char* op) {
  if (a.shape() == b.shape()) {  // the common case: one flat loop
    Tensor out = Tensor::for_overwrite(a.shape());
    const real *pa = a.data(), *pb = b.data();
    real* po = out.data();
    for (std::size_t i = 0, n = a.size(); i < n; ++i) po[i] = f(pa[i], pb[i]);
    return out;
  }
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  Tensor out(shape);
  const real *pa = a.data(), *pb = b.data();
  real* po = out.data();
  detail::for_each_broadcast_row(
      shape, broadcast_strides(a.shape(), shape), broadcast_strides(b.shape(), shape),
      [&](std::size_t o, std::size_t ia, std::size_t ib, std::size_t n, std::size_t sa, std::size_t sb) {
        if (sa == 1 && sb == 1) {
          for (std::size_t j = 0; j < n; ++j) po[o + j] = f(pa[ia + j], pb[ib + j]);
        } else if (sb == 0) {
          const real vb = pb[ib];
          for (std::size_t j = 0; j < n; ++j) po[o + j] = f(pa[ia + j * sa], vb);
        } else if (sa == 0) {
          const real va = pa[ia];
          for (std::size_t j = 0; j < n; ++j) po[o + j] = f(va, pb[ib + j * sb]);
        } else {
          for (std::size_t j = 0; j < n; ++j) po[o + j] = f(pa[ia + j * sa], pb[ib + j * sb]);
        }
      });
  return out;
}

// a_i = f(a_i, b_i) in place, with b broadcast to a's shape (a's shape never changes).
template <class F>
void zip_into(Tensor& a, const Tensor& b, F f, const char* op) {
  real* pa = a.data();
  const real* pb = b.data();
  if (a.shape() == b.shape()) {
    for (std::size_t i = 0, n = a.size(); i < n; ++i) pa[i] = f(pa[i], pb[i]);
    return;
  }
  if (broadcast_shapes(a.shape(), b.shape(), op) != a.shape()) {
    throw ShapeError(std::string(op) + ": shape " + to_string(b.shape()) + " cannot be broadcast to shape " +
                     to_string(a.shape()) + " in place");
  }
  detail::for_each_broadcast_row(
      a.shape(), row_major_strides(a.shape()), broadcast_strides(b.shape(), a.shape()),
      [&](std::size_t o, std::size_t, std::size_t ib, std::size_t n, std::size_t, std::size_t sb) {
        for (std::size_t j = 0; j < n; ++j) pa[o + j] = f(pa[o + j], pb[ib + j * sb]);
      });
}

}  // namespace rnnlab
