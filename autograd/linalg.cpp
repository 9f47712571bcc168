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

namespace {

// x seen as a [rows, cols] matrix: x itself when it already has that shape (an RNN step's [B, H] state), else a
// reshaped copy kept in `storage`. Saves a copy of every operand on the hot path of a recurrent loop.
const Tensor& as_matrix(const Tensor& x, std::size_t rows, std::size_t cols, Tensor& storage) {
  if (x.dim() == 2 && x.shape()[0] == rows && x.shape()[1] == cols) return x;
  storage = x.reshape({static_cast<long>(rows), static_cast<long>(cols)});
  return storage;
}

}  // namespace

Var linear(const Var& x, const Var& weight, const Var& bias) {
  if (weight.dim() != 2 || x.dim() == 0 || x.shape().back() != weight.shape()[1] ||
      (bias && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0]))) {
    throw ShapeError("linear: input " + to_string(x.shape()) + ", weight " + to_string(weight.shape()) + " and bias " +
                     (bias ? to_string(bias.shape()) : std::string("(none)")) +
                     " do not fit (need input [..., in], weight [out, in], bias [out])");
  }
  const std::size_t in = weight.shape()[1], out = weight.shape()[0];
  const std::size_t rows = x.size() / std::max<std::size_t>(in, 1);
  // Fold every leading axis of x into one: x2 [rows, in]; y2 = x2 W^T + b is [rows, out].
  Tensor x_storage;
  Tensor y = matmul(as_matrix(x.value(), rows, in, x_storage), weight.value(), Transpose::second);
  if (bias) y += bias.value();
  Shape shape = x.shape();
  shape.back() = out;
  y = std::move(y).reshape(std::vector<long>(shape.begin(), shape.end()));
  auto backward = [rows, in, out](Node& node) {
    // y = x W^T + b, with G = dL/dy folded to [rows, out]:
    //   dL/dx = G W      ([rows, out] x [out, in])
    //   dL/dW = G^T x    ([out, rows] x [rows, in])
    //   dL/db = sum of G over rows
    Tensor g_storage, x_storage;
    const Tensor& g = as_matrix(node.grad, rows, out, g_storage);
    Node& x = *node.inputs[0];
    Node& w = *node.inputs[1];
    if (x.requires_grad) {
      const Shape& s = x.value.shape();
      accumulate_grad(x, matmul(g, w.value).reshape(std::vector<long>(s.begin(), s.end())));
    }
    if (w.requires_grad) {
      accumulate_grad(w, matmul(g, as_matrix(x.value, rows, in, x_storage), Transpose::first));
    }
    if (node.inputs.size() == 3 && wants_grad(node, 2)) accumulate_grad(*node.inputs[2], sum(g, 0));
  };
  return bias ? record("linear", std::move(y), {x, weight, bias}, backward)
              : record("linear", std::move(y), {x, weight}, backward);
}

}  // namespace rnnlab
