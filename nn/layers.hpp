// The basic layers: Linear, Embedding, Dropout, and Sequential to chain them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace rnnlab::nn {

// y = x W^T + b, for x [..., in] -> [..., out] (PyTorch's nn.Linear).
// weight [out, in] and bias [out], both initialized U(-1/sqrt(in), 1/sqrt(in)), PyTorch's default.
class Linear : public UnaryModule {
 public:
  Linear(std::size_t in_features, std::size_t out_features, Rng& rng, bool bias = true);
  Var forward(const Var& x) override;

  Var weight, bias;  // bias is an empty Var() without bias
};

// A lookup table: row i of weight [num_embeddings, dim] is the vector of token i (PyTorch's nn.Embedding,
// initialized N(0, 1)). Backward adds each output row's gradient into the row it came from.
class Embedding : public Module {
 public:
  Embedding(std::size_t num_embeddings, std::size_t dim, Rng& rng);
  // indices of any count n -> [n, dim]. An index >= num_embeddings throws, naming it.
  Var forward(const std::vector<std::size_t>& indices);
  // The same, reshaped to index_shape + [dim] (e.g. token ids [T, B] -> [T, B, dim]).
  Var forward(const std::vector<std::size_t>& indices, const Shape& index_shape);
  Var operator()(const std::vector<std::size_t>& indices) { return forward(indices); }

  Var weight;
};

// Inverted dropout (Srivastava et al. 2014): in training, each element is zeroed with probability p and the
// survivors are scaled by 1 / (1 - p), so evaluation (where it does nothing) needs no rescaling.
// Masks come from the module's own seeded Rng.
class Dropout : public UnaryModule {
 public:
  explicit Dropout(real p, std::uint64_t seed = 0);
  Var forward(const Var& x) override;

 private:
  real p_;
  Rng rng_;
};

// The same as a plain function: x unchanged when not training or p = 0.
Var dropout(const Var& x, real p, bool training, Rng& rng);

// Activations as modules, for Sequential (as plain functions they are tanh, relu, sigmoid over Var).
class Tanh : public UnaryModule {
 public:
  Var forward(const Var& x) override;
};
class ReLU : public UnaryModule {
 public:
  Var forward(const Var& x) override;
};
class Sigmoid : public UnaryModule {
 public:
  Var forward(const Var& x) override;
};

// Steps run in order. Steps are modules (owned) or plain functions such as tanh; every step takes a number,
// so parameter names match PyTorch's Sequential: Linear, tanh, Linear -> "0.weight", "0.bias", "2.weight", ...
class Sequential : public UnaryModule {
 public:
  Sequential() = default;
  template <class M, class... Args>
  M& add(Args&&... args) {
    auto module = std::make_unique<M>(std::forward<Args>(args)...);
    M& ref = *module;
    register_module(std::to_string(steps_.size()), ref);
    steps_.push_back({std::move(module), nullptr});
    return ref;
  }
  Sequential& add(std::function<Var(const Var&)> function);
  Var forward(const Var& x) override;
  std::size_t size() const { return steps_.size(); }

 private:
  struct Step {
    std::unique_ptr<UnaryModule> module;
    std::function<Var(const Var&)> function;
  };
  std::vector<Step> steps_;
};

}  // namespace rnnlab::nn
