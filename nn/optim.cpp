#include "nn/optim.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace rnnlab::optim {

Optimizer::Optimizer(const char* name, std::vector<Var> params, real lr) : lr(lr), params_(std::move(params)) {
  if (!(lr >= 0)) {
    std::ostringstream message;
    message << name << ": the learning rate must be >= 0, got " << lr;
    throw std::invalid_argument(message.str());
  }
  for (const Var& p : params_) {
    if (!p || !p.requires_grad()) throw std::invalid_argument("optimizer: every parameter must be a Var that requires grad");
  }
}

void Optimizer::zero_grad() {
  for (Var& p : params_) p.zero_grad();
}

SGD::SGD(std::vector<Var> params, real lr, real momentum)
    : Optimizer("SGD", std::move(params), lr), momentum_(momentum), velocity_(params_.size()) {
  if (!(momentum >= 0)) throw std::invalid_argument("SGD: momentum must be >= 0");
}

void SGD::step() {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i];
    if (!p.has_grad()) continue;
    const Tensor& g = p.grad();
    real* value = p.mutable_value().data();
    if (momentum_ == 0) {
      for (std::size_t j = 0; j < g.size(); ++j) value[j] -= lr * g[j];
      continue;
    }
    Tensor& v = velocity_[i];
    if (v.empty() && !g.empty()) {
      v = g;  // first step: v = g
    } else {
      for (std::size_t j = 0; j < g.size(); ++j) v[j] = momentum_ * v[j] + g[j];
    }
    for (std::size_t j = 0; j < g.size(); ++j) value[j] -= lr * v[j];
  }
}

Adam::Adam(std::vector<Var> params, real lr, real beta1, real beta2, real eps)
    : Optimizer("Adam", std::move(params), lr), beta1_(beta1), beta2_(beta2), eps_(eps), m_(params_.size()), v_(params_.size()) {
  if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw std::invalid_argument("Adam: betas must be in [0, 1), got beta1 = " + std::to_string(beta1) +
                                                               ", beta2 = " + std::to_string(beta2));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    m_[i] = Tensor::zeros(params_[i].shape());
    v_[i] = Tensor::zeros(params_[i].shape());
  }
}

void Adam::step() {
  ++t_;
  // PyTorch's arrangement of the bias corrections (torch.optim.Adam): the step lr / (1 - beta1^t) and the
  // denominator sqrt(v) / sqrt(1 - beta2^t) + eps, so that each element costs one square root and one division
  // (and the loop vectorizes: -fno-math-errno, see CMakeLists.txt).
  const real step_size = lr / (1 - std::pow(beta1_, static_cast<real>(t_)));
  const real root_correction2 = std::sqrt(1 - std::pow(beta2_, static_cast<real>(t_)));
  const real beta1 = beta1_, beta2 = beta2_, eps = eps_;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i];
    if (!p.has_grad()) continue;
    const std::size_t n = p.grad().size();
    const real* __restrict g = p.grad().data();
    real* __restrict value = p.mutable_value().data();
    real* __restrict m = m_[i].data();
    real* __restrict v = v_[i].data();
    for (std::size_t j = 0; j < n; ++j) {
      m[j] = beta1 * m[j] + (1 - beta1) * g[j];
      v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
      value[j] -= step_size * m[j] / (std::sqrt(v[j]) / root_correction2 + eps);
    }
  }
}

Adagrad::Adagrad(std::vector<Var> params, real lr, real eps) : Optimizer("Adagrad", std::move(params), lr), eps_(eps), sum_(params_.size()) {
  for (std::size_t i = 0; i < params_.size(); ++i) sum_[i] = Tensor::zeros(params_[i].shape());
}

void Adagrad::step() {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i];
    if (!p.has_grad()) continue;
    const Tensor& g = p.grad();
    real* value = p.mutable_value().data();
    real* s = sum_[i].data();
    for (std::size_t j = 0; j < g.size(); ++j) {
      s[j] += g[j] * g[j];
      value[j] -= lr * g[j] / (std::sqrt(s[j]) + eps_);
    }
  }
}

real clip_grad_norm(const std::vector<Var>& params, real max_norm) {
  real squares = 0;
  for (const Var& p : params) {
    if (!p.has_grad()) continue;
    for (real g : p.grad().values()) squares += g * g;
  }
  const real norm = std::sqrt(squares);
  const real scale = max_norm / (norm + 1e-6);
  if (scale < 1) {
    for (const Var& p : params) {
      if (!p.has_grad()) continue;
      Tensor g = p.grad();
      g *= scale;
      Var(p).set_grad(std::move(g));
    }
  }
  return norm;
}

}  // namespace rnnlab::optim
