// The one training step the lessons take: clear the gradients, backpropagate the loss, clip, update.
//
//   Trainer trainer(model.parameters(), {.learning_rate = 1e-2, .clip = 1});
//   for (std::size_t step = 0; step < steps; ++step) {
//     const Batch batch = next_batch(rng);
//     trainer.step(mse_loss(model.forward(batch.x), batch.y));
//   }
//
// Clearing the gradients after the forward pass is the same as before it: the forward pass reads only the
// weights. A lesson that looks at the gradients before the update (lesson 08's heat map) passes a function that
// step() calls between backward and the update.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "autograd/var.hpp"
#include "nn/optim.hpp"

namespace rnnlab::lessons {

struct TrainerOptions {
  enum class Method { adam, sgd } method = Method::adam;
  double learning_rate = 1e-3;
  double clip = 0;  // rescale the gradients to this joint norm when above it (optim::clip_grad_norm); 0: never
  double momentum = 0;  // SGD only
};

class Trainer {
 public:
  Trainer(std::vector<Var> parameters, const TrainerOptions& options);
  // One update from `loss`; returns the loss's value.
  double step(const Var& loss, const std::function<void()>& before_update = {});
  // For a schedule: the learning rate of the steps from now on.
  void set_learning_rate(double learning_rate) { optimizer_->lr = learning_rate; }
  // The gradients' joint norm in the last step, before clipping (measured when clipping).
  double last_gradient_norm() const { return gradient_norm_; }

 private:
  std::vector<Var> parameters_;
  TrainerOptions options_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  double gradient_norm_ = 0;
};

}  // namespace rnnlab::lessons
