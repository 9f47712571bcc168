#include <algorithm>
#include <string>

#include "autograd/ops.hpp"
#include "tensor/matmul.hpp"
#include "tensor/ops.hpp"

namespace rnnlab {

Var matmul(const Var& a, const Var& b) {
  return record("matmul", matmul(a.value(), b.value()), {a, b}, [](Node& y) {
    // Y = A B (per batch element when batched), so with G = dL/dY:
    //   dL/dA = G B^T   ([m, n] x [n, k] -> [m, k])
    //   dL/dB = A^T G   ([k, m] x [m, n] -> [k, n])
    // The transposes are read in place by the kernel, never copied.
    const Tensor& A = y.inputs[0]->value;
    const Tensor& B = y.inputs[1]->value;
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], matmul(y.grad, B, Transpose::second));
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], matmul(A, y.grad, Transpose::first));
  });
}

Var linear(const Var& x, const Var& weight, const Var& bias) {
  if (weight.dim() != 2 || x.dim() == 0 || x.shape().back() != weight.shape()[1] ||
      (bias && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0]))) {
    throw ShapeError("linear: input " + to_string(x.shape()) + ", weight " + to_string(weight.shape()) + " and bias " +
                     (bias ? to_string(bias.shape()) : std::string("(none)")) +
                     " do not fit (need input [..., in], weight [out, in], bias [out])");
  }
  const std::size_t in = weight.shape()[1], out = weight.shape()[0];
  const std::size_t rows = x.size() / std::max<std::size_t>(in, 1);
  // Every leading axis of x folds into one: x is read as [rows, in] in place (row-major memory is the same), and
  // y = x W^T + b is written as [rows, out], starting from the bias.
  Shape shape = x.shape();
  shape.back() = out;
  Tensor y = bias ? Tensor::for_overwrite(shape) : Tensor(shape);
  if (bias) {
    for (std::size_t r = 0; r < rows; ++r) std::copy_n(bias.value().data(), out, y.data() + r * out);
  }
  matmul_accumulate({.a = x.value().data(),
                     .b = weight.value().data(),
                     .c = y.data(),
                     .m = rows,
                     .n = out,
                     .k = in,
                     .transpose = Transpose::second});
  auto backward = [rows, in, out](Node& node) {
    // y = x W^T + b, with G = dL/dy read as [rows, out]:
    //   dL/dx = G W      ([rows, out] x [out, in])
    //   dL/dW = G^T x    ([out, rows] x [rows, in]), added straight into W's gradient
    //   dL/db = sum of G over rows
    const real* g = node.grad.data();
    Node& x = *node.inputs[0];
    Node& w = *node.inputs[1];
    if (x.requires_grad) {
      Tensor dx(x.value.shape());
      matmul_accumulate({.a = g, .b = w.value.data(), .c = dx.data(), .m = rows, .n = in, .k = out});
      accumulate_grad(x, std::move(dx));
    }
    if (w.requires_grad)
      matmul_accumulate({.a = g,
                         .b = x.value.data(),
                         .c = grad_to_update(w).data(),
                         .m = out,
                         .n = in,
                         .k = rows,
                         .transpose = Transpose::first});
    if (node.inputs.size() == 3 && wants_grad(node, 2)) {
      real* db = grad_to_update(*node.inputs[2]).data();
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t j = 0; j < out; ++j) db[j] += g[r * out + j];
      }
    }
  };
  return bias ? record("linear", std::move(y), {x, weight, bias}, backward)
              : record("linear", std::move(y), {x, weight}, backward);
}

}  // namespace rnnlab
