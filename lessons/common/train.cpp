#include "lessons/common/train.hpp"

#include "autograd/var.hpp"

namespace rnnlab::lessons {

Trainer::Trainer(std::vector<Var> parameters, const TrainerOptions& options)
    : parameters_(std::move(parameters)), options_(options) {
  if (options.method == TrainerOptions::Method::adam) {
    optimizer_ = std::make_unique<optim::Adam>(parameters_, options.learning_rate);
  } else {
    optimizer_ = std::make_unique<optim::SGD>(parameters_, options.learning_rate, options.momentum);
  }
}

double Trainer::step(const Var& loss, const std::function<void()>& before_update) {
  optimizer_->zero_grad();
  backward(loss);
  if (options_.clip > 0) gradient_norm_ = optim::clip_grad_norm(parameters_, options_.clip);
  if (before_update) before_update();
  optimizer_->step();
  return loss.item();
}

}  // namespace rnnlab::lessons
