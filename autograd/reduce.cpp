// Reductions. A sum passes its gradient unchanged to every element it summed: dL/dx_i = dL/dy.
#include "autograd/ops.hpp"
#include "tensor/ops.hpp"

namespace rnnlab {

Var sum(const Var& x) {
  return record("sum", sum(x.value()), {x}, [](Node& y) {
    // y = sum_i x_i, so dy/dx_i = 1: every element receives g
    Node& x = *y.inputs[0];
    accumulate_grad(x, Tensor::full(x.value.shape(), y.grad.item()));
  });
}

Var sum(const Var& x, long axis, bool keepdim) {
  const std::size_t a = normalize_axis(axis, x.dim(), "sum", x.shape());
  return record("sum", sum(x.value(), axis, keepdim), {x}, [a, keepdim](Node& y) {
    // y[..., j] = sum_k x[..., k, j], so dL/dx[..., k, j] = g[..., j]: broadcast g back along the axis
    Node& x = *y.inputs[0];
    Shape kept = x.value.shape();
    kept[a] = 1;
    Tensor g = keepdim ? y.grad : y.grad.reshape(std::vector<long>(kept.begin(), kept.end()));
    Tensor expanded(x.value.shape());
    expanded += g;
    accumulate_grad(x, std::move(expanded));
  });
}

// The mean of nothing is NaN (reciprocal_count), as in PyTorch.
Var mean(const Var& x) { return sum(x) * reciprocal_count(x.size()); }

Var mean(const Var& x, long axis, bool keepdim) {
  const std::size_t n = x.shape()[normalize_axis(axis, x.dim(), "mean", x.shape())];
  return sum(x, axis, keepdim) * reciprocal_count(n);
}

Var max(const Var& x, long axis, bool keepdim) {
  const std::size_t a = normalize_axis(axis, x.dim(), "max", x.shape());
  Tensor where = argmax(x.value(), axis, true);
  return record("max", max(x.value(), axis, keepdim), {x}, [a, where = std::move(where)](Node& y) {
    // y = x[argmax]: dy/dx is 1 at the (first) largest element along the axis and 0 elsewhere
    Node& x = *y.inputs[0];
    const Shape& shape = x.value.shape();
    std::size_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < a; ++i) outer *= shape[i];
    for (std::size_t i = a + 1; i < shape.size(); ++i) inner *= shape[i];
    Tensor g(shape);
    for (std::size_t o = 0; o < outer; ++o) {
      for (std::size_t i = 0; i < inner; ++i) {
        const auto k = static_cast<std::size_t>(where[o * inner + i]);
        g[(o * shape[a] + k) * inner + i] = y.grad[o * inner + i];
      }
    }
    accumulate_grad(x, std::move(g));
  });
}

}  // namespace rnnlab
