// Optimizers: each step() moves every parameter against its gradient. The update rules follow PyTorch's
// documented algorithms (torch.optim.SGD, Adam, Adagrad), so the same hyper-parameters behave the same.
// Parameters that received no gradient in this step are skipped.
#pragma once

#include <vector>

#include "autograd/var.hpp"

namespace rnnlab::optim {

class Optimizer {
 public:
  // `name` ("SGD") is for error messages.
  Optimizer(const char* name, std::vector<Var> params, real lr);
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  void zero_grad();
  // The learning rate; change it between steps for a schedule.
  real lr;

 protected:
  std::vector<Var> params_;
};

// Stochastic gradient descent with (heavy-ball) momentum mu:
//   v <- mu v + g   (v = g on the first step),   p <- p - lr v
class SGD : public Optimizer {
 public:
  SGD(std::vector<Var> params, real lr, real momentum = 0);
  void step() override;

 private:
  real momentum_;
  std::vector<Tensor> velocity_;
};

// Adam (Kingma & Ba 2015), with bias correction of both moments:
//   m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,
//   p <- p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
class Adam : public Optimizer {
 public:
  Adam(std::vector<Var> params, real lr = 1e-3, real beta1 = 0.9, real beta2 = 0.999, real eps = 1e-8);
  void step() override;

 private:
  real beta1_, beta2_, eps_;
  std::size_t t_ = 0;
  std::vector<Tensor> m_, v_;
};

// Adagrad (Duchi, Hazan & Singer 2011): s <- s + g^2,  p <- p - lr g / (sqrt(s) + eps)
class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Var> params, real lr = 1e-2, real eps = 1e-10);
  void step() override;

 private:
  real eps_;
  std::vector<Tensor> sum_;
};

// Rescales all gradients together so that their joint L2 norm is at most max_norm (Pascanu, Mikolov & Bengio
// 2013): when the norm N exceeds max_norm, every gradient is multiplied by max_norm / (N + 1e-6), as PyTorch
// does. Returns N, the norm before clipping.
real clip_grad_norm(const std::vector<Var>& params, real max_norm);

}  // namespace rnnlab::optim
