// Numeric operations on Tensors: elementwise math with NumPy broadcasting, reductions, and the shape ops
// (permute, slice, concat, stack, index_select, ...). Every function returns a new Tensor; none records
// gradients (see autograd/ for the differentiable versions, which call these).
#pragma once

#include <cstddef>
#include <vector>

#include "tensor/tensor.hpp"

namespace rnnlab {

// ---- elementwise, broadcasting ----
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, real b);
Tensor operator*(const Tensor& a, real b);
Tensor operator*(real a, const Tensor& b);

Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);  // 1 / (1 + e^-x), computed without overflow for large |x|
Tensor relu(const Tensor& x);
Tensor pow(const Tensor& x, real exponent);

// ---- reductions ----
// Over all elements, to a 0-d tensor.
Tensor sum(const Tensor& x);
Tensor mean(const Tensor& x);  // NaN for an empty tensor, as in PyTorch (its sum is 0)
// Over one axis (negative counts from the end); keepdim keeps it with size 1.
Tensor sum(const Tensor& x, long axis, bool keepdim = false);
Tensor mean(const Tensor& x, long axis, bool keepdim = false);
// 1 / n, and NaN for n = 0 (the mean of nothing).
real reciprocal_count(std::size_t n);
Tensor max(const Tensor& x, long axis, bool keepdim = false);
// Index of the largest value along the axis (the first one on ties), as a tensor of whole numbers.
Tensor argmax(const Tensor& x, long axis, bool keepdim = false);
real max_value(const Tensor& x);  // largest element; throws on an empty tensor
real min_value(const Tensor& x);

// Sums `x` down to `shape`, the inverse of broadcasting `shape` up to x's shape: leading axes are summed away
// and axes where `shape` has 1 are summed with keepdim. Backward of every broadcasting op uses it.
Tensor sum_to(const Tensor& x, const Shape& shape);

// ---- shape ops ----
// Axes reordered: out.shape[i] = x.shape[order[i]].
Tensor permute(const Tensor& x, const std::vector<std::size_t>& order);
// Two axes swapped.
Tensor transpose(const Tensor& x, long axis0, long axis1);
// Elements [start, end) along `axis` (PyTorch's narrow).
Tensor slice(const Tensor& x, long axis, std::size_t start, std::size_t end);
// dst[..., start:start + src.shape[axis], ...] += src: the adjoint of slice.
void slice_add(Tensor& dst, long axis, std::size_t start, const Tensor& src);
// Joins tensors along an existing axis; all other sizes must agree.
Tensor concat(const std::vector<Tensor>& parts, long axis);
// Joins same-shaped tensors along a new axis.
Tensor stack(const std::vector<Tensor>& parts, long axis);
// Rows of x (axis 0) in the order given: out[i] = x[indices[i]]. An embedding lookup.
Tensor index_select(const Tensor& x, const std::vector<std::size_t>& indices);
// dst[indices[i]] += src[i] for every row i: the adjoint of index_select (repeated indices add up).
void index_add(Tensor& dst, const std::vector<std::size_t>& indices, const Tensor& src);
// [n, num_classes] with a 1 at (i, indices[i]).
Tensor one_hot(const std::vector<std::size_t>& indices, std::size_t num_classes);

// True when both have the same shape and every |a - b| <= atol + rtol * |b|.
bool allclose(const Tensor& a, const Tensor& b, real rtol = 1e-9, real atol = 1e-12);
// Largest |a - b| (same shapes required).
real max_abs_diff(const Tensor& a, const Tensor& b);

}  // namespace rnnlab
