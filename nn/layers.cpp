#include "nn/layers.hpp"

#include <cmath>
#include <stdexcept>

#include "autograd/ops.hpp"
#include "nn/init.hpp"

namespace rnnlab::nn {

Linear::Linear(std::size_t in_features, std::size_t out_features, Rng& rng, bool bias) {
  if (in_features == 0 || out_features == 0) {
    throw std::invalid_argument("Linear: sizes must be positive, got in " + std::to_string(in_features) + ", out " +
                                std::to_string(out_features));
  }
  const real bound = 1 / std::sqrt(static_cast<real>(in_features));
  weight = register_parameter("weight", init::uniform_parameter({out_features, in_features}, bound, rng));
  if (bias) this->bias = register_parameter("bias", init::uniform_parameter({out_features}, bound, rng));
}

Var Linear::forward(const Var& x) { return linear(x, weight, bias); }

Embedding::Embedding(std::size_t num_embeddings, std::size_t dim, Rng& rng) {
  if (num_embeddings == 0 || dim == 0) {
    throw std::invalid_argument("Embedding: sizes must be positive, got " + std::to_string(num_embeddings) + " x " +
                                std::to_string(dim));
  }
  weight = register_parameter("weight", Var(Tensor::normal({num_embeddings, dim}, 0, 1, rng)));
}

Var Embedding::forward(const std::vector<std::size_t>& indices) {
  const std::size_t vocabulary = weight.shape()[0];
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] >= vocabulary) {
      throw ShapeError("Embedding: index " + std::to_string(indices[i]) + " (position " + std::to_string(i) +
                              ") is out of range for a vocabulary of " + std::to_string(vocabulary));
    }
  }
  return index_select(weight, indices);
}

Var Embedding::forward(const std::vector<std::size_t>& indices, const Shape& index_shape) {
  if (numel(index_shape) != indices.size()) {
    throw ShapeError("Embedding: " + std::to_string(indices.size()) + " indices do not fill shape " + to_string(index_shape));
  }
  std::vector<long> shape(index_shape.begin(), index_shape.end());
  shape.push_back(static_cast<long>(weight.shape()[1]));
  return reshape(forward(indices), shape);
}

Dropout::Dropout(real p, std::uint64_t seed) : p_(p), rng_(seed) {
  if (!(p >= 0 && p < 1)) throw std::invalid_argument("Dropout: p must be in [0, 1), got " + std::to_string(p));
}

Var Dropout::forward(const Var& x) { return dropout(x, p_, is_training(), rng_); }

Var dropout(const Var& x, real p, bool training, Rng& rng) {
  if (!(p >= 0 && p < 1)) throw std::invalid_argument("dropout: p must be in [0, 1), got " + std::to_string(p));
  if (!training || p == 0) return x;
  Tensor mask(x.shape());
  const real keep = 1 / (1 - p);
  for (real& m : mask.values()) m = rng.bernoulli(p) ? 0 : keep;
  return x * Var(std::move(mask));
}

Var Tanh::forward(const Var& x) { return tanh(x); }
Var ReLU::forward(const Var& x) { return relu(x); }
Var Sigmoid::forward(const Var& x) { return sigmoid(x); }

Sequential& Sequential::add(std::function<Var(const Var&)> function) {
  if (!function) throw std::invalid_argument("Sequential: empty function");
  steps_.push_back({nullptr, std::move(function)});
  return *this;
}

Var Sequential::forward(const Var& x) {
  Var h = x;
  for (Step& step : steps_) h = step.module ? step.module->forward(h) : step.function(h);
  return h;
}

}  // namespace rnnlab::nn
