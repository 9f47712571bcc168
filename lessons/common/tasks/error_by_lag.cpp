#include "lessons/common/tasks/error_by_lag.hpp"

#include <cmath>

#include "autograd/ops.hpp"
#include "lessons/common/stats.hpp"
#include "nn/init.hpp"

namespace rnnlab::lessons {

std::vector<double> median_error_norm_by_lag(const std::vector<Var>& states, Rng& rng) {
  const std::size_t steps = states.size(), B = states.back().shape()[0], H = states.back().shape()[1];
  // L = sum over sequences of u_b . s_T[b], with u_b a random unit vector: dL/ds_T[b] = u_b. The sequences do not
  // interact, so dL/ds_t[b] is sequence b's own backpropagated error.
  Tensor u = Tensor::normal({B, H}, 0, 1, rng);
  for (std::size_t b = 0; b < B; ++b) {
    real norm = 0;
    for (std::size_t j = 0; j < H; ++j) norm += u[b * H + j] * u[b * H + j];
    for (std::size_t j = 0; j < H; ++j) u[b * H + j] /= std::sqrt(norm);
  }
  backward(states.back(), u);
  std::vector<double> by_lag(steps);
  std::vector<double> norms(B);
  for (std::size_t k = 0; k < steps; ++k) {
    const Tensor& g = states[steps - 1 - k].grad();
    for (std::size_t b = 0; b < B; ++b) {
      real sq = 0;
      for (std::size_t j = 0; j < H; ++j) sq += g[b * H + j] * g[b * H + j];
      norms[b] = std::sqrt(sq);
    }
    by_lag[k] = median(norms);
  }
  return by_lag;
}

std::vector<double> error_norm_by_lag(Activation f, double rho, const RandomNetConfig& c, std::uint64_t seed) {
  Rng rng(seed);
  // >>> random-net
  // Input weights N(0, 1/inputs): each unit's input term W x_t has unit variance, so the units are driven into
  // the curved part of f, as in a working network (with tiny inputs tanh stays near its linear range).
  const Var W(Tensor::normal({c.hidden, c.inputs}, 0, 1 / std::sqrt(static_cast<real>(c.inputs)), rng));
  Var U(Tensor::zeros({c.hidden, c.hidden}));
  nn::init::orthogonal_(U, rng, rho);
  const std::size_t B = c.sequences;
  Var h(Tensor::zeros({B, c.hidden}), /*requires_grad=*/true);  // so the whole chain of states is recorded
  std::vector<Var> states;
  for (std::size_t t = 0; t < c.steps; ++t) {
    const Var x(Tensor::normal({B, c.inputs}, 0, 1, rng));
    const Var a = linear(x, W, Var()) + linear(h, U, Var());  // a_t = W x_t + U h_{t-1}
    h = f == Activation::tanh ? tanh(a) : f == Activation::sigmoid ? sigmoid(a) : a;
    h.retain_grad();
    states.push_back(h);
  }
  return median_error_norm_by_lag(states, rng);
  // <<< random-net
}

}  // namespace rnnlab::lessons
