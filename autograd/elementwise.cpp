// Elementwise ops. For y = f(a, b) with upstream gradient g = dL/dy, the chain rule gives
// dL/da = g * df/da (then summed back to a's shape when a was broadcast). Each backward below starts with
// the local derivative it multiplies by.
#include <cmath>

#include "autograd/ops.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/math.hpp"
#include "tensor/ops.hpp"

namespace rnnlab {

Var constant(real value) { return Var(Tensor::scalar(value)); }

Var add(const Var& a, const Var& b) {
  return record("add", a.value() + b.value(), {a, b}, [](Node& y) {
    // d(a + b)/da = 1, d(a + b)/db = 1
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], wants_grad(y, 1) ? y.grad : pass_on_grad(y));
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], pass_on_grad(y));
  });
}

Var mul(const Var& a, const Var& b) {
  return record("mul", a.value() * b.value(), {a, b}, [](Node& y) {
    // d(a b)/da = b, d(a b)/db = a
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], y.grad * y.inputs[1]->value);
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], y.grad * y.inputs[0]->value);
  });
}

Var neg(const Var& x) {
  return record("neg", -x.value(), {x}, [](Node& y) {
    // d(-x)/dx = -1
    accumulate_grad(*y.inputs[0], -y.grad);
  });
}

Var sub(const Var& a, const Var& b) { return add(a, neg(b)); }

Var div(const Var& a, const Var& b) { return mul(a, pow(b, -1)); }

Var pow(const Var& x, real exponent) {
  return record("pow", pow(x.value(), exponent), {x}, [exponent](Node& y) {
    // d(x^p)/dx = p x^(p-1)
    accumulate_grad(*y.inputs[0], zip(y.grad, y.inputs[0]->value, [exponent](real g, real v) {
                      return g * exponent * math::pow(v, exponent - 1);
                    }, "pow backward"));
  });
}

Var exp(const Var& x) {
  return record("exp", exp(x.value()), {x}, [](Node& y) {
    // d(e^x)/dx = e^x = y (reuse the output)
    accumulate_grad(*y.inputs[0], y.grad * y.value);
  });
}

Var log(const Var& x) {
  return record("log", log(x.value()), {x}, [](Node& y) {
    // d(ln x)/dx = 1 / x
    accumulate_grad(*y.inputs[0], y.grad / y.inputs[0]->value);
  });
}

Var sqrt(const Var& x) {
  return record("sqrt", sqrt(x.value()), {x}, [](Node& y) {
    // d(sqrt x)/dx = 1 / (2 sqrt x) = 1 / (2 y)
    accumulate_grad(*y.inputs[0], zip(y.grad, y.value, [](real g, real s) { return g / (2 * s); }, "sqrt backward"));
  });
}

Var abs(const Var& x) {
  return record("abs", abs(x.value()), {x}, [](Node& y) {
    // d|x|/dx = sign(x); at the kink x = 0 we use the subgradient 0, as PyTorch does.
    accumulate_grad(*y.inputs[0], zip(y.grad, y.inputs[0]->value, [](real g, real v) {
                      return v > 0 ? g : v < 0 ? -g : real{0};
                    }, "abs backward"));
  });
}

// >>> tanh
Var tanh(const Var& x) {
  return record("tanh", tanh(x.value()), {x}, [](Node& y) {
    // d tanh(x)/dx = 1 - tanh(x)^2 = 1 - y^2 (reuse the output, no need to keep x)
    accumulate_grad(*y.inputs[0], zip(y.grad, y.value, [](real g, real t) { return g * (1 - t * t); }, "tanh backward"));
  });
}
// <<< tanh

Var sigmoid(const Var& x) {
  return record("sigmoid", sigmoid(x.value()), {x}, [](Node& y) {
    // d sigma(x)/dx = sigma(x) (1 - sigma(x)) = y (1 - y), at most 1/4 (at x = 0)
    accumulate_grad(*y.inputs[0], zip(y.grad, y.value, [](real g, real s) { return g * s * (1 - s); }, "sigmoid backward"));
  });
}

Var relu(const Var& x) {
  return record("relu", relu(x.value()), {x}, [](Node& y) {
    // d max(x, 0)/dx = 1 for x > 0, 0 for x < 0; at the kink x = 0 we use 0, as PyTorch does. A NaN input
    // passes its gradient on (PyTorch zeroes only where y <= 0), so a NaN upstream stays visible.
    accumulate_grad(*y.inputs[0], zip(y.grad, y.value, [](real g, real v) { return v <= 0 ? real{0} : g; },
                                      "relu backward"));
  });
}

}  // namespace rnnlab
