#include "nn/init.hpp"

#include <cmath>
#include <string>

namespace rnnlab::nn::init {

void uniform_(Var& p, real low, real high, Rng& rng) { p.mutable_value() = Tensor::uniform(p.shape(), low, high, rng); }

void normal_(Var& p, real mean, real stddev, Rng& rng) { p.mutable_value() = Tensor::normal(p.shape(), mean, stddev, rng); }

void constant_(Var& p, real value) { p.mutable_value().fill(value); }

void xavier_uniform_(Var& p, Rng& rng) {
  if (p.dim() != 2) throw ShapeError("xavier_uniform_: needs a 2-d weight, got shape " + to_string(p.shape()));
  const real bound = std::sqrt(6.0 / static_cast<real>(p.shape()[0] + p.shape()[1]));
  uniform_(p, -bound, bound, rng);
}

}  // namespace rnnlab::nn::init
