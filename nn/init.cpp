#include "nn/init.hpp"

#include <cmath>
#include <string>

namespace rnnlab::nn::init {

void uniform_(Var& p, real low, real high, Rng& rng) { p.mutable_value() = Tensor::uniform(p.shape(), low, high, rng); }

Var uniform_parameter(const Shape& shape, real bound, Rng& rng) { return Var(Tensor::uniform(shape, -bound, bound, rng)); }

void normal_(Var& p, real mean, real stddev, Rng& rng) { p.mutable_value() = Tensor::normal(p.shape(), mean, stddev, rng); }

void constant_(Var& p, real value) { p.mutable_value().fill(value); }

void xavier_uniform_(Var& p, Rng& rng) {
  if (p.dim() != 2) throw ShapeError("xavier_uniform_: needs a 2-d weight, got shape " + to_string(p.shape()));
  const real bound = std::sqrt(6.0 / static_cast<real>(p.shape()[0] + p.shape()[1]));
  uniform_(p, -bound, bound, rng);
}

void orthogonal_(Var& p, Rng& rng, real gain) {
  if (p.dim() != 2 || p.shape()[0] != p.shape()[1] || p.shape()[0] == 0) {
    throw ShapeError("orthogonal_: needs a square 2-d weight, got shape " + to_string(p.shape()));
  }
  const std::size_t n = p.shape()[0];
  Tensor q = Tensor::normal({n, n}, 0, 1, rng);
  // Modified Gram-Schmidt over the rows: subtract from row i its projections on the rows before it, normalize.
  for (std::size_t i = 0; i < n; ++i) {
    real* row = q.data() + i * n;
    for (std::size_t j = 0; j < i; ++j) {
      const real* done = q.data() + j * n;
      real dot = 0;
      for (std::size_t k = 0; k < n; ++k) dot += row[k] * done[k];
      for (std::size_t k = 0; k < n; ++k) row[k] -= dot * done[k];
    }
    real norm = 0;
    for (std::size_t k = 0; k < n; ++k) norm += row[k] * row[k];
    norm = std::sqrt(norm);
    for (std::size_t k = 0; k < n; ++k) row[k] /= norm;
  }
  q *= gain;
  p.mutable_value() = std::move(q);
}

}  // namespace rnnlab::nn::init
