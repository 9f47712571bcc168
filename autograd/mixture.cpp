// The mixture density loss of handwriting generation (Graves 2013, "Generating sequences with recurrent neural
// networks", section 4.1, eqs. 18-26; after Bishop's mixture density networks, 1994).
//
// The next pen offset x = (x1, x2) and whether the pen lifts after it (x3 = 1) are predicted by M bivariate
// Gaussians and a Bernoulli, all from one output vector per point, held as raw values and squashed here:
//   e = sigmoid(e^)        the chance the pen lifts (Graves writes 1 / (1 + exp(e^)); the sign is ours to choose)
//   pi = softmax(pi^)      the components' weights
//   mu1, mu2 as they are   the means
//   s1 = exp(s1^), s2 = exp(s2^)   the standard deviations
//   rho = tanh(rho^)       the correlations
// With d1 = (x1 - mu1) / s1, d2 = (x2 - mu2) / s2, q = 1 - rho^2 and Z = d1^2 + d2^2 - 2 rho d1 d2,
//   log N = -log(2 pi) - s1^ - s2^ - log(q) / 2 - Z / (2q)
//   loss = -log(sum_j pi_j N_j) - log(e if x3 = 1 else 1 - e)            (eq. 26, one point)
// With gamma_j = pi_j N_j / sum_k pi_k N_k, the share of the point component j explains (eqs. 27-32):
//   dloss/de^    = e - x3
//   dloss/dpi^_j = pi_j - gamma_j
//   dloss/dmu1_j = -gamma_j (d1 - rho d2) / (q s1)           (and mu2 with 1 and 2 swapped)
//   dloss/ds1^_j = -gamma_j (d1 (d1 - rho d2) / q - 1)        (and s2^)
//   dloss/drho^_j = -gamma_j (rho + d1 d2 - Z rho / q)        (through drho/drho^ = q)
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "autograd/ops.hpp"
#include "tensor/math.hpp"

namespace rnnlab {

Var mixture_density_loss(const Var& params, const Tensor& targets, std::size_t components) {
  const std::size_t M = components, width = 1 + 6 * M;
  if (M == 0 || params.dim() != 2 || params.shape()[1] != width || targets.dim() != 2 || targets.shape()[1] != 3 ||
      targets.shape()[0] != params.shape()[0] || params.shape()[0] == 0) {
    throw ShapeError("mixture_density_loss: params of shape " + to_string(params.shape()) + " and targets of shape " +
                     to_string(targets.shape()) + " need [N, 1 + 6M] = [N, " + std::to_string(width) +
                     "] and [N, 3] with N >= 1 and M = " + std::to_string(M) + " >= 1");
  }
  const std::size_t N = params.shape()[0];
  for (std::size_t n = 0; n < N; ++n) {
    const real lift = targets[n * 3 + 2];
    if (lift != 0 && lift != 1) {
      throw ShapeError("mixture_density_loss: target " + std::to_string(n) + " lifts the pen by " +
                       std::to_string(lift) + "; it must be 0 or 1");
    }
  }
  const real* p = params.value().data();
  auto gradient = std::make_shared<Tensor>(Tensor({N, width}));
  real total = 0;
  std::vector<real> log_weighted(M);
  for (std::size_t n = 0; n < N; ++n) {
    const real* row = p + n * width;
    const real *pi_hat = row + 1, *mu1 = pi_hat + M, *mu2 = mu1 + M, *s1_hat = mu2 + M, *s2_hat = s1_hat + M,
               *rho_hat = s2_hat + M;
    const real x1 = targets[n * 3], x2 = targets[n * 3 + 1], lift = targets[n * 3 + 2];
    // log pi_j by the log-sum-exp of the logits, then log(pi_j N_j) and their log-sum-exp: stable for any input.
    real pi_max = pi_hat[0];
    for (std::size_t j = 1; j < M; ++j) pi_max = std::max(pi_max, pi_hat[j]);
    real pi_sum = 0;
    for (std::size_t j = 0; j < M; ++j) pi_sum += math::exp(pi_hat[j] - pi_max);
    const real log_pi_norm = pi_max + math::log(pi_sum);
    // >>> mixture-loss
    real best = -std::numeric_limits<real>::infinity();
    for (std::size_t j = 0; j < M; ++j) {
      const real rho = math::tanh(rho_hat[j]), q = 1 - rho * rho;
      const real d1 = (x1 - mu1[j]) * math::exp(-s1_hat[j]), d2 = (x2 - mu2[j]) * math::exp(-s2_hat[j]);
      const real Z = d1 * d1 + d2 * d2 - 2 * rho * d1 * d2;
      const real log_n = -math::log(2 * std::numbers::pi) - s1_hat[j] - s2_hat[j] - 0.5 * math::log(q) - Z / (2 * q);
      log_weighted[j] = pi_hat[j] - log_pi_norm + log_n;
      best = std::max(best, log_weighted[j]);
    }
    real sum = 0;
    for (std::size_t j = 0; j < M; ++j) sum += math::exp(log_weighted[j] - best);
    const real log_mixture = best + math::log(sum);
    // -log(e) = softplus(-e^), -log(1 - e) = softplus(e^), written so that neither overflows.
    const real z = lift == 1 ? -row[0] : row[0];
    const real lift_loss = std::max(z, real{0}) + math::log1p(math::exp(-std::abs(z)));
    total += -log_mixture + lift_loss;
    // <<< mixture-loss

    real* g = gradient->data() + n * width;
    const real e = 1 / (1 + math::exp(-row[0]));
    g[0] = e - lift;
    real* g_pi = g + 1;
    real *g_mu1 = g_pi + M, *g_mu2 = g_mu1 + M, *g_s1 = g_mu2 + M, *g_s2 = g_s1 + M, *g_rho = g_s2 + M;
    for (std::size_t j = 0; j < M; ++j) {
      const real gamma = math::exp(log_weighted[j] - log_mixture), pi = math::exp(pi_hat[j] - log_pi_norm);
      const real rho = math::tanh(rho_hat[j]), q = 1 - rho * rho;
      const real s1 = math::exp(s1_hat[j]), s2 = math::exp(s2_hat[j]);
      const real d1 = (x1 - mu1[j]) / s1, d2 = (x2 - mu2[j]) / s2;
      const real Z = d1 * d1 + d2 * d2 - 2 * rho * d1 * d2;
      g_pi[j] = pi - gamma;
      g_mu1[j] = -gamma * (d1 - rho * d2) / (q * s1);
      g_mu2[j] = -gamma * (d2 - rho * d1) / (q * s2);
      g_s1[j] = -gamma * (d1 * (d1 - rho * d2) / q - 1);
      g_s2[j] = -gamma * (d2 * (d2 - rho * d1) / q - 1);
      g_rho[j] = -gamma * (rho + d1 * d2 - Z * rho / q);
    }
  }
  const real scale = 1 / static_cast<real>(N);  // the mean over the points
  *gradient *= scale;
  return record("mixture_density_loss", Tensor::scalar(total * scale), {params}, [gradient](Node& y) {
    Tensor g = *gradient;
    g *= y.grad.item();
    accumulate_grad(*y.inputs[0], std::move(g));
  });
}

std::array<real, 3> sample_mixture(const real* params, std::size_t components, real bias, Rng& rng) {
  const std::size_t M = components;
  const real *pi_hat = params + 1, *mu1 = pi_hat + M, *mu2 = mu1 + M, *s1_hat = mu2 + M, *s2_hat = s1_hat + M,
             *rho_hat = s2_hat + M;
  const real pi_max = *std::max_element(pi_hat, pi_hat + M);
  std::vector<real> weight(M);
  real total = 0;
  for (std::size_t j = 0; j < M; ++j) total += weight[j] = math::exp((pi_hat[j] - pi_max) * (1 + bias));
  real pick = rng.uniform() * total;
  std::size_t j = 0;
  while (j + 1 < M && (pick -= weight[j]) > 0) ++j;
  const real s1 = math::exp(s1_hat[j] - bias), s2 = math::exp(s2_hat[j] - bias), rho = math::tanh(rho_hat[j]);
  const real z1 = rng.normal(), z2 = rng.normal();
  const real lift = rng.uniform() < 1 / (1 + math::exp(-params[0])) ? 1 : 0;
  return {mu1[j] + s1 * z1, mu2[j] + s2 * (rho * z1 + std::sqrt(1 - rho * rho) * z2), lift};
}

}  // namespace rnnlab
