#include "autograd/ops.hpp"
#include "tensor/matmul.hpp"

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

}  // namespace rnnlab
