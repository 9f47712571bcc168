// The softmax family and the losses. log_softmax and the two losses are fused ops (one node, a hand-written
// backward) because fusing teaches something: the log-sum-exp trick makes them stable for any input, and the
// cross-entropy gradient collapses to the famous (softmax - one_hot) / N. Tests check each equals the same
// formula composed from primitive ops.
#include <algorithm>
#include <cmath>
#include <string>

#include "autograd/ops.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/kernels.hpp"
#include "tensor/math.hpp"
#include "tensor/ops.hpp"

namespace rnnlab {

namespace {

// e^x for x <= 0 (shifted logits, log-probabilities), with the vectorizing exponential of tensor/math.hpp.
Tensor exp_nonpositive(const Tensor& x) {
  Tensor y = Tensor::for_overwrite(x.shape());
  kernels().exp_nonpositive(x.data(), y.data(), x.size());
  return y;
}

// log softmax along `axis`: x - m - log(sum exp(x - m)) with m = max(x). Subtracting the max first keeps
// every exp() in (0, 1], so nothing overflows, and the largest term is exactly 1, so the log never sees 0.
Tensor log_softmax_value(const Tensor& x, long axis) {
  const Tensor m = max(x, axis, true);
  const Tensor shifted = x - m;
  const Tensor log_sum = log(sum(exp_nonpositive(shifted), axis, true));
  return shifted - log_sum;
}

}  // namespace

Var log_softmax(const Var& x, long axis) {
  normalize_axis(axis, x.dim(), "log_softmax", x.shape());
  return record("log_softmax", log_softmax_value(x.value(), axis), {x}, [axis](Node& y) {
    // y_i = x_i - log sum_j e^x_j, so dy_i/dx_k = [i = k] - softmax_k, and
    // dL/dx_k = g_k - softmax_k * sum_i g_i, with softmax = e^y (reuse the output)
    const Tensor total = sum(y.grad, axis, true);
    Tensor g = y.grad;
    g -= exp_nonpositive(y.value) * total;
    accumulate_grad(*y.inputs[0], std::move(g));
  });
}

Var softmax(const Var& x, long axis) { return exp(log_softmax(x, axis)); }

Var cross_entropy(const Var& logits, const std::vector<std::size_t>& targets) {
  if (logits.dim() != 2 || logits.shape()[0] != targets.size() || targets.empty()) {
    throw ShapeError("cross_entropy: logits of shape " + to_string(logits.shape()) + " need shape [N, C] with N = " +
                     std::to_string(targets.size()) + " (the number of targets, at least 1)");
  }
  const std::size_t n = targets.size(), classes = logits.shape()[1];
  for (std::size_t i = 0; i < n; ++i) {
    if (targets[i] >= classes) {
      throw ShapeError("cross_entropy: target " + std::to_string(targets[i]) + " (row " + std::to_string(i) +
                       ") is out of range for logits of shape " + to_string(logits.shape()));
    }
  }
  Tensor log_probs = log_softmax_value(logits.value(), 1);
  real total = 0;
  for (std::size_t i = 0; i < n; ++i) total -= log_probs[i * classes + targets[i]];
  return record("cross_entropy", Tensor::scalar(total / static_cast<real>(n)), {logits},
                [targets, probs = exp_nonpositive(log_probs)](Node& y) {
                  // L = -(1/N) sum_i log softmax(z_i)[t_i], so dL/dz_ik = (softmax(z_i)_k - [k = t_i]) / N
                  const std::size_t rows = targets.size(), cols = probs.size() / rows;
                  const real scale = y.grad.item() / static_cast<real>(rows);
                  Tensor g = probs;
                  for (std::size_t i = 0; i < rows; ++i) g[i * cols + targets[i]] -= 1;
                  g *= scale;
                  accumulate_grad(*y.inputs[0], std::move(g));
                });
}

Var mse_loss(const Var& prediction, const Var& target) {
  if (prediction.shape() != target.shape()) {
    throw ShapeError("mse_loss: prediction shape " + to_string(prediction.shape()) + " and target shape " +
                     to_string(target.shape()) + " differ");
  }
  if (prediction.size() == 0) throw ShapeError("mse_loss: empty prediction of shape " + to_string(prediction.shape()));
  const Tensor diff = prediction.value() - target.value();
  real total = 0;
  for (real d : diff.values()) total += d * d;
  return record("mse_loss", Tensor::scalar(total / static_cast<real>(diff.size())), {prediction, target}, [](Node& y) {
    // L = (1/N) sum_i (p_i - t_i)^2, so dL/dp_i = 2 (p_i - t_i) / N and dL/dt_i = -2 (p_i - t_i) / N
    const Tensor& p = y.inputs[0]->value;
    const Tensor& t = y.inputs[1]->value;
    const real scale = 2 * y.grad.item() / static_cast<real>(p.size());
    Tensor g = zip(p, t, [scale](real pi, real ti) { return scale * (pi - ti); }, "mse_loss backward");
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], -g);
    accumulate_grad(*y.inputs[0], std::move(g));
  });
}

Var bce_with_logits(const Var& logits, const Var& targets) {
  if (logits.shape() != targets.shape()) {
    throw ShapeError("bce_with_logits: logits shape " + to_string(logits.shape()) + " and targets shape " +
                     to_string(targets.shape()) + " differ");
  }
  if (logits.size() == 0) throw ShapeError("bce_with_logits: empty logits of shape " + to_string(logits.shape()));
  // -[y log s + (1 - y) log(1 - s)] with s = sigma(z) simplifies to max(z, 0) - z y + log(1 + e^-|z|): no exp
  // of a large positive number, no log of 0.
  const Tensor per_element = zip(logits.value(), targets.value(), [](real z, real y) {
    return std::max<real>(z, 0) - z * y + math::log1p(math::exp_nonpositive(-std::abs(z)));
  }, "bce_with_logits");
  const real total = sum(per_element).item();
  return record("bce_with_logits", Tensor::scalar(total / static_cast<real>(per_element.size())), {logits, targets},
                [](Node& node) {
                  // dL/dz = (sigma(z) - y) / N and dL/dy = -z / N
                  const Tensor& z = node.inputs[0]->value;
                  const Tensor& y = node.inputs[1]->value;
                  const real scale = node.grad.item() / static_cast<real>(z.size());
                  if (wants_grad(node, 0)) {
                    accumulate_grad(*node.inputs[0], zip(sigmoid(z), y, [scale](real s, real t) { return scale * (s - t); },
                                                         "bce_with_logits backward"));
                  }
                  if (wants_grad(node, 1)) accumulate_grad(*node.inputs[1], z * -scale);
                });
}

}  // namespace rnnlab
